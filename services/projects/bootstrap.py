"""How the projects service is wired, as every component's ``bootstrap`` module says it (the same
functions in ``services/<name>/bootstrap.py`` and ``gateway/bootstrap.py``): the nameko
class it runs, the settings it refuses before starting, and its reference data.
The composition root (``kelisim_platform``) calls them; nothing here runs on import.
"""
from sqlalchemy.orm import sessionmaker

from kelisim import config
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork


def service_class():
    """The nameko service class ``kelisim serve projects`` runs."""
    from services.projects.entrypoints.service import ProjectsService

    return ProjectsService


def settings_problem(settings):
    """One line naming a setting of ``settings`` (nameko's config dict) that the projects service
    would refuse once running, else None (checked before connecting to the broker)."""
    return None


def load_reference_data(url=None):
    """Add the shipped base projects, their templates and indicators missing from the
    projects database at ``url`` (default: its configured one); idempotent; returns the
    rows added."""
    from services.projects.adapters.orm import start_mappers
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.service_layer.reference import load_reference_data as load

    start_mappers()
    engine = make_engine(url or config.database_url("projects"))
    try:
        return load(UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                               repositories=ProjectsRepository))
    finally:
        engine.dispose()
