"""How the projects service is wired: the ``bootstrap`` every component has, of the shape
``kelisim_platform/cli/components.py`` describes. Nothing here runs on import."""
from pathlib import Path

from kelisim import config
from kelisim.db.uow import on_database


def service_class():
    """The nameko service class ``kelisim serve projects`` runs."""
    from services.projects.entrypoints.service import ProjectsService

    return ProjectsService


def migrations():
    """The folder of the projects database's Alembic scripts."""
    return Path(__file__).with_name("migrations")


def load_reference_data(url=None):
    """Add the shipped base projects, their templates and indicators missing from the
    projects database at ``url`` (default: its configured one); idempotent; returns the
    rows added."""
    from services.projects.adapters.orm import start_mappers
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.service_layer.reference import load_reference_data as load

    start_mappers()
    return on_database(url or config.database_url("projects"), ProjectsRepository, load)
