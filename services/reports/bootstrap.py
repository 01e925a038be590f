"""Set-up steps of the reports service run by ``kelisim run`` / ``kelisim load-reference``."""
from sqlalchemy.orm import sessionmaker

from kelisim import config
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork


def load_reference_data(url=None):
    """Add the shipped event kinds, count targets and report templates missing from the reports database
    (idempotent); returns how many templates were added."""
    from services.reports.adapters.orm import start_mappers
    from services.reports.adapters.repository import ReportsRepository
    from services.reports.service_layer.register import load_reference_kinds
    from services.reports.service_layer.targets import load_reference_targets
    from services.reports.service_layer.templates import load_reference_templates

    start_mappers()
    engine = make_engine(url or config.database_url("reports"))
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        load_reference_kinds(UnitOfWork(sessions, repositories=ReportsRepository))
        load_reference_targets(UnitOfWork(sessions, repositories=ReportsRepository))
        return load_reference_templates(UnitOfWork(sessions, repositories=ReportsRepository))
    finally:
        engine.dispose()
