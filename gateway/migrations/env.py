from gateway.adapters.orm import metadata
from kelisim.db.migrate import run_env

run_env(metadata)
