"""Fixtures for the whole suite: a RabbitMQ vhost and a PostgreSQL database per test.

Everything runs against the real local broker and database; each test gets its own
vhost or database, removed afterwards (vhosts a few at a time and at the run's end: see
tests.support.Vhosts), so runs leak nothing.
"""
import eventlet

import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

eventlet.monkey_patch()  # nameko needs it before anything opens a socket

import contextlib  # noqa: E402
import shutil  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from kelisim import config as settings  # noqa: E402
from kelisim.db import migrate  # noqa: E402
from kelisim.db.engine import make_engine  # noqa: E402
from kelisim_platform.cli import components  # noqa: E402, F401  (registers every component's migrations)
from tests.support import (  # noqa: E402
    ADMIN,
    RABBIT_HOST,
    Vhosts,
    pg_admin,
    template_database,
)

# fixtures the tests of more than one directory need, found by name like these (never imported)
pytest_plugins = [
    "tests.fixtures.accounts",
    "tests.fixtures.event_bus",
    "tests.fixtures.gateway",
    "tests.fixtures.nameko",
    "tests.fixtures.notifications",
    "tests.fixtures.processes",
    "tests.fixtures.registry",
    "tests.fixtures.reports",
]


@pytest.fixture(scope="session")
def vhosts():
    """The run's :class:`tests.support.Vhosts`: every one it made is deleted at the end."""
    made = Vhosts()
    yield made
    made.close()


@pytest.fixture
def amqp_uri(vhosts):
    """A fresh vhost on the local RabbitMQ (never used before), deleted after the test (with
    the few ended before or after it: one rabbitmqctl run deletes several)."""
    vhost = vhosts.take()
    yield f"amqp://{RABBIT_HOST}/{vhost}"
    vhosts.release(vhost)


@pytest.fixture
def postgres_url():
    """A fresh PostgreSQL database, dropped after the test."""
    name = f"kelisim_test_{uuid.uuid4().hex[:12]}"
    pg_admin(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    """Each test using it runs twice: on the embedded SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(scope="session")
def migrated_files(tmp_path_factory):
    """``migrated_files(component, reference=False)``: a SQLite file of ``component``
    upgraded to head (with ``reference``, its reference data loaded through its
    bootstrap), made once per run (the migrations themselves are tested in
    tests/integration/test_migrations.py; each upgrade from nothing took a second and more
    of a test)."""
    made = {}

    def template(component, reference=False):
        if (component, reference) not in made:
            path = template_database(tmp_path_factory, component)
            if reference:
                components.bootstrap(component).load_reference_data(f"sqlite:///{path}")
            made[component, reference] = path
        return made[component, reference]

    return template


@pytest.fixture
def migrated(migrated_files):
    """``migrated(component, url, reference=False)`` upgrades that database to head (and with
    ``reference``, loads the component's reference data through its bootstrap); the url. A
    SQLite file not there yet is a copy of one made so once per run."""

    def upgrade(component, url, reference=False):
        path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
        if path is None or path.exists():
            migrate.upgrade(component, url)
            if reference:
                components.bootstrap(component).load_reference_data(url)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(migrated_files(component, reference), path)
        return url

    return upgrade


@pytest.fixture
def session_factory():
    """``session_factory(url)``: a sessionmaker on an engine disposed after the test."""
    engines = []

    def make(url):
        engine = make_engine(url)
        engines.append(engine)
        return sessionmaker(engine, expire_on_commit=False)

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def rpc(amqp_uri):
    """``with rpc(service, actor=ADMIN, correlation_id=None) as proxy:`` calls to ``service``
    on this test's vhost, acting as ``actor`` (a dict: id, role, region)."""

    @contextlib.contextmanager
    def proxy(service, actor=ADMIN, correlation_id=None, timeout=15):
        context_data = {"actor": actor}
        if correlation_id:
            context_data["correlation_id"] = correlation_id
        with ServiceRpcProxy(service, {"AMQP_URI": amqp_uri, "serializer": "json"},
                             context_data=context_data, timeout=timeout) as remote:
            yield remote

    return proxy


@pytest.fixture
def service_config(amqp_uri):
    """``service_config(component, database_url, **overrides)``: nameko config for a test."""

    def make(component, database_url, **overrides):
        overrides.setdefault("EVENT_RETRY_DELAYS", [0.05, 0.1])
        overrides.setdefault("OUTBOX_POLL_INTERVAL", 0.2)
        return settings.nameko_config(component, AMQP_URI=amqp_uri,
                                      DATABASE_URL=database_url, **overrides)

    return make


@pytest.fixture
def start(container_factory, service_config, amqp_uri):
    """``start(cls, db_url, **config)``: a started nameko container of ``cls`` on its own
    database; all are killed together at the end, before the vhost goes."""
    started = []

    def make(cls, db_url, **overrides):
        container = container_factory(cls, service_config(cls.name, db_url, **overrides))
        container.start()
        started.append(container)
        return container

    yield make
    for killing in [eventlet.spawn(container.kill) for container in started]:
        killing.wait()
