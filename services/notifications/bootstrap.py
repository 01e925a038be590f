"""How the notifications service is wired: the ``bootstrap`` every component has, of the
shape ``kelisim_platform/cli/components.py`` describes. Nothing here runs on import."""
from pathlib import Path


def service_class():
    """The nameko service class ``kelisim serve notifications`` runs."""
    from services.notifications.entrypoints.service import NotificationsService

    return NotificationsService


def settings_problem(settings):
    """One line naming a setting of ``settings`` (nameko's config dict, over the
    environment's KELISIM_SMTP_*, KELISIM_WEBHOOK_*, KELISIM_DIGEST_DAILY_AT ...) that the
    service would refuse once running, else None (checked before connecting)."""
    from services.notifications.settings import from_config

    try:
        from_config(settings)
    except ValueError as exc:  # SettingRefused, or an unknown NOTIFICATIONS key
        return str(exc)
    return None


def migrations():
    """The folder of the notifications database's Alembic scripts."""
    return Path(__file__).with_name("migrations")


def load_reference_data(url=None):
    """The notifications service ships no reference data: 0 rows added."""
    return 0
