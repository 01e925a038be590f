"""One-off set-up steps, each idempotent: migrations, reference data, admin token."""
from sqlalchemy.orm import sessionmaker

from kelisim import config
from kelisim.db import migrate
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from services.reports.bootstrap import load_reference_data as load_report_templates


def migrate_all(components=config.COMPONENTS) -> None:
    for component in components:
        migrate.upgrade(component)


def _unit_of_work(component, repositories):
    engine = make_engine(config.database_url(component))
    return engine, UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                              repositories=repositories)


def load_reference_data():
    from services.registry.adapters.orm import start_mappers
    from services.registry.adapters.repository import RegistryRepository
    from services.registry.service_layer.reference import load_reference_data as load

    start_mappers()
    engine, uow = _unit_of_work("registry", RegistryRepository)
    try:
        return load(uow) + load_report_templates() + load_projects_reference_data()
    finally:
        engine.dispose()


def load_projects_reference_data():
    from services.projects.adapters.orm import start_mappers
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.service_layer.reference import load_reference_data as load

    start_mappers()
    engine, uow = _unit_of_work("projects", ProjectsRepository)
    try:
        return load(uow)
    finally:
        engine.dispose()


def bootstrap_admin_token(token=None):
    """Ensure the bootstrap rgu_admin token; return a newly generated one, else None."""
    from gateway.adapters.repository import TokenRepository
    from gateway.service_layer.tokens import ensure_bootstrap_admin

    engine, uow = _unit_of_work("gateway", TokenRepository)
    try:
        return ensure_bootstrap_admin(uow, token)
    finally:
        engine.dispose()


def bootstrap_admin_account(login, name):
    """Ensure the first administrator's account; a set-password token while it has none."""
    from gateway.adapters.accounts import AccountRepository
    from gateway.service_layer.accounts import ensure_first_admin

    engine, uow = _unit_of_work("gateway", AccountRepository)
    try:
        return ensure_first_admin(uow, login, name)
    finally:
        engine.dispose()
