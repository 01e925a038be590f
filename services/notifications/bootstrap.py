"""How the notifications service is wired: the ``bootstrap`` every component has, of the
shape ``kelisim_platform/cli/components.py`` describes. Nothing here runs on import."""
from pathlib import Path


def service_class():
    """The nameko service class ``kelisim serve notifications`` runs."""
    from services.notifications.entrypoints.service import NotificationsService

    return NotificationsService


def migrations():
    """The folder of the notifications database's Alembic scripts."""
    return Path(__file__).with_name("migrations")


def load_reference_data(url=None):
    """The notifications service ships no reference data: 0 rows added."""
    return 0
