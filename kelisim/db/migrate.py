"""Alembic, driven from code: each component keeps its scripts in ``<package>/migrations``."""
import importlib
from pathlib import Path

from alembic import command, context
from alembic.config import Config

from kelisim import config as settings
from kelisim.db.engine import make_engine


def package_of(component):
    return "gateway" if component == "gateway" else f"services.{component}"


def alembic_config(component, url=None):
    package = importlib.import_module(package_of(component))
    cfg = Config()
    # __path__ also works where an (older) editable install made the package a namespace
    cfg.set_main_option("script_location", str(Path(list(package.__path__)[0]) / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url or settings.database_url(component))
    cfg.attributes["component"] = component
    return cfg


def upgrade(component, url=None, revision: str="head") -> None:
    command.upgrade(alembic_config(component, url), revision)


def revision(component, message, autogenerate: bool=True) -> None:
    command.revision(alembic_config(component), message=message, autogenerate=autogenerate)


def run_env(metadata) -> None:
    """Body of every ``migrations/env.py``: online migrations against the configured URL."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection, target_metadata=metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
