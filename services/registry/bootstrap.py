"""How the registry is wired: the ``bootstrap`` every component has, of the shape
``kelisim_platform/cli/components.py`` describes. Nothing here runs on import."""
from pathlib import Path

from kelisim import config
from kelisim.db.uow import on_database


def service_class():
    """The nameko service class ``kelisim serve registry`` runs."""
    from services.registry.entrypoints.service import RegistryService

    return RegistryService


def migrations():
    """The folder of the registry database's Alembic scripts."""
    return Path(__file__).with_name("migrations")


def load_reference_data(url=None):
    """Add the shipped regions, structure types and org units missing from the registry's
    database at ``url`` (default: its configured one); idempotent; returns the rows added."""
    from services.registry.adapters.orm import start_mappers
    from services.registry.adapters.repository import RegistryRepository
    from services.registry.service_layer.reference import load_reference_data as load

    start_mappers()
    return on_database(url or config.database_url("registry"), RegistryRepository, load)
