"""How the notifications service is wired, as every component's ``bootstrap`` module says it (the same
functions in ``services/<name>/bootstrap.py`` and ``gateway/bootstrap.py``): the nameko
class it runs, the settings it refuses before starting, and its reference data.
The composition root (``kelisim_platform``) calls them; nothing here runs on import.
"""


def service_class():
    """The nameko service class ``kelisim serve notifications`` runs."""
    from services.notifications.entrypoints.service import NotificationsService

    return NotificationsService


def settings_problem(settings):
    """One line naming a setting of ``settings`` (nameko's config dict) that the notifications service
    would refuse once running, else None (checked before connecting to the broker)."""
    return None


def load_reference_data(url=None):
    """The notifications service ships no reference data: 0 rows added."""
    return 0
