"""One-off set-up steps, each idempotent: migrations, reference data, admin token."""
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kelisim import config
from kelisim.db import migrate
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from services.reports.bootstrap import load_reference_data as load_report_templates


def migrate_all(components: Iterable[str] = config.COMPONENTS) -> None:
    """Upgrade every component's database to its head."""
    for component in components:
        migrate.upgrade(component)


def _unit_of_work(component: str,
                  repositories: Callable[[Session], Any]) -> tuple[Engine, UnitOfWork]:
    engine = make_engine(config.database_url(component))
    return engine, UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                              repositories=repositories)


def load_reference_data() -> int:
    """Load the registry's, the reports' and the projects' reference data; rows added."""
    from services.registry.adapters.orm import start_mappers
    from services.registry.adapters.repository import RegistryRepository
    from services.registry.service_layer.reference import load_reference_data as load

    start_mappers()
    engine, uow = _unit_of_work("registry", RegistryRepository)
    try:
        added: int = load(uow) + load_report_templates() + load_projects_reference_data()
        return added
    finally:
        engine.dispose()


def load_projects_reference_data() -> int:
    """Load the base projects, their templates and indicators; rows added."""
    from services.projects.adapters.orm import start_mappers
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.service_layer.reference import load_reference_data as load

    start_mappers()
    engine, uow = _unit_of_work("projects", ProjectsRepository)
    try:
        added: int = load(uow)
        return added
    finally:
        engine.dispose()


def bootstrap_admin_token(token: str | None = None) -> str | None:
    """Ensure the bootstrap rgu_admin token; return a newly generated one, else None."""
    from gateway.adapters.repository import TokenRepository
    from gateway.service_layer.tokens import ensure_bootstrap_admin

    engine, uow = _unit_of_work("gateway", TokenRepository)
    try:
        created: str | None = ensure_bootstrap_admin(uow, token)
        return created
    finally:
        engine.dispose()


def bootstrap_admin_account(login: str, name: str) -> str | None:
    """Ensure the first administrator's account; a set-password token while it has none."""
    from gateway.adapters.accounts import AccountRepository
    from gateway.service_layer.accounts import ensure_first_admin

    engine, uow = _unit_of_work("gateway", AccountRepository)
    try:
        link: str | None = ensure_first_admin(uow, login, name)
        return link
    finally:
        engine.dispose()
