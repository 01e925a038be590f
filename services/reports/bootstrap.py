"""How the reports service is wired, as every component's ``bootstrap`` module says it (the
same functions in ``services/<name>/bootstrap.py`` and ``gateway/bootstrap.py``): the nameko
class it runs, the settings it refuses before starting, and its reference data.
The composition root (``kelisim_platform``) calls them; nothing here runs on import.
"""
from sqlalchemy.orm import sessionmaker

from kelisim import config
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork


def service_class():
    """The nameko service class ``kelisim serve reports`` runs."""
    from services.reports.entrypoints.service import ReportsService

    return ReportsService


def settings_problem(settings):
    """One line naming a setting of ``settings`` (nameko's config dict) that the reports
    service would refuse once running, else None (checked before connecting to the broker)."""
    return None


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
