"""How the gateway is wired: the ``bootstrap`` every component has, of the shape
``kelisim_platform/cli/components.py`` describes, and the first administrator's token and
account. Nothing here runs on import."""
from pathlib import Path

from kelisim import config
from kelisim.db.uow import on_database


def service_class():
    """The nameko service class ``kelisim serve gateway`` runs."""
    from gateway.entrypoints.service import GatewayService

    return GatewayService


def settings_problem(settings):
    """One line naming a setting of ``settings`` (nameko's config dict) that the gateway
    would refuse once running, else None (checked before connecting to the broker):
    ``KELISIM_CORS_ORIGINS`` (no ``*``, origins only: gateway/http/cors.py), or an
    attachment store it cannot use (gateway/adapters/storage.py: ``store_problem``)."""
    from gateway.adapters.storage import store_problem
    from gateway.http.cors import parse_origins

    try:
        parse_origins(settings.get("CORS_ORIGINS"))
    except ValueError as exc:
        return str(exc)
    return store_problem(settings.get("ATTACHMENTS") or config.attachments_settings())


def migrations():
    """The folder of the gateway database's Alembic scripts."""
    return Path(__file__).with_name("migrations")


def load_reference_data(url=None):
    """The gateway ships no reference data: 0 rows added."""
    return 0


def ensure_admin_token(token=None, url=None):
    """Ensure the bootstrap ``rgu_admin`` token in the gateway's database at ``url``
    (default: its configured one): ``token`` (KELISIM_ADMIN_TOKEN) when given, else one
    generated once. Returns a newly generated token's plaintext (shown once), else None."""
    from gateway.adapters.repository import TokenRepository
    from gateway.service_layer.tokens import ensure_bootstrap_admin

    return on_database(url or config.database_url("gateway"), TokenRepository,
                       lambda uow: ensure_bootstrap_admin(uow, token))


def ensure_admin_account(login, name, url=None):
    """Ensure the first administrator's account (``login``, display ``name``); returns a
    set-password token while it has no password, else None."""
    from gateway.adapters.accounts import AccountRepository
    from gateway.service_layer.accounts import ensure_first_admin

    return on_database(url or config.database_url("gateway"), AccountRepository,
                       lambda uow: ensure_first_admin(uow, login, name))
