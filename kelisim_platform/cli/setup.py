"""One-off set-up steps, each idempotent: migrations, reference data, admin token."""
from collections.abc import Iterable

from kelisim import config
from kelisim.db import migrate
from kelisim_platform.cli.components import bootstrap

# the registry first: the others' reference data may name its org units
REFERENCE_ORDER = ("registry", "reports", "projects", "notifications", "gateway")


def migrate_all(components: Iterable[str] = config.COMPONENTS) -> None:
    """Upgrade every component's database to its head."""
    for component in components:
        migrate.upgrade(component)


def load_reference_data() -> int:
    """Load every component's reference data (its bootstrap's ``load_reference_data``:
    the registry's, the reports' and the projects'); rows added."""
    added = 0
    for component in REFERENCE_ORDER:
        added += int(bootstrap(component).load_reference_data())
    return added


def bootstrap_admin_token(token: str | None = None) -> str | None:
    """Ensure the bootstrap rgu_admin token; return a newly generated one, else None."""
    created: str | None = bootstrap("gateway").ensure_admin_token(token)
    return created


def bootstrap_admin_account(login: str, name: str) -> str | None:
    """Ensure the first administrator's account; a set-password token while it has none."""
    link: str | None = bootstrap("gateway").ensure_admin_account(login, name)
    return link
