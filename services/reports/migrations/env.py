from kelisim.db.migrate import run_env
from services.reports.adapters.orm import metadata

run_env(metadata)
