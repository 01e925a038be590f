from kelisim.db.migrate import run_env
from services.projects.adapters.orm import metadata

run_env(metadata)
