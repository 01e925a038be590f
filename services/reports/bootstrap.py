"""How the reports service is wired: the ``bootstrap`` every component has, of the shape
``kelisim_platform/cli/components.py`` describes. Nothing here runs on import."""
from pathlib import Path

from kelisim import config
from kelisim.db.uow import on_database


def service_class():
    """The nameko service class ``kelisim serve reports`` runs."""
    from services.reports.entrypoints.service import ReportsService

    return ReportsService


def migrations():
    """The folder of the reports database's Alembic scripts."""
    return Path(__file__).with_name("migrations")


def load_reference_data(url=None):
    """Add the shipped event kinds, count targets and report templates missing from the reports database
    (idempotent); returns how many templates were added."""
    from services.reports.adapters.orm import start_mappers
    from services.reports.adapters.repository import ReportsRepository
    from services.reports.service_layer.register import load_reference_kinds
    from services.reports.service_layer.targets import load_reference_targets
    from services.reports.service_layer.templates import load_reference_templates

    start_mappers()
    return on_database(url or config.database_url("reports"), ReportsRepository,
                       load_reference_kinds, load_reference_targets, load_reference_templates)
