"""Fault tests: the platform's components as real processes, which a test kills, restarts
or deprives of the broker or the database, then checks nothing was lost or doubled.

Tests that stop RabbitMQ or PostgreSQL affect every vhost and database on this machine;
they restore the server in a ``finally`` and run one at a time (the suite is serial).
The platform's processes: ``start_platform``, tests/fixtures/processes.py.
"""
import fcntl
import os

import pytest

from tests.support import pg_admin


@pytest.fixture
def server_restarts():
    """Held for the whole of a test that restarts RabbitMQ or PostgreSQL, so that two test
    suites on one machine (two checkouts, a developer's and CI's) never restart a server
    under each other's restart test. Request it before the platform's fixtures."""
    with open("/tmp/kelisim-server-restarts.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def postgres_databases():
    """``postgres_databases(*components)``: a fresh PostgreSQL database URL for each."""
    made = []

    def make(*components):
        urls = {}
        for component in components:
            name = f"kelisim_faults_{component}_{os.urandom(4).hex()}"
            pg_admin(f'CREATE DATABASE "{name}"')
            made.append(name)
            urls[component] = f"postgresql://postgres@127.0.0.1:5432/{name}"
        return urls

    yield make
    for name in made:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_collection_modifyitems(config, items):
    """``chaos`` tests (minutes each) run only under ``make chaos`` (KELISIM_CHAOS=1)."""
    if os.environ.get("KELISIM_CHAOS") == "1":
        return
    skip = pytest.mark.skip(reason="a chaos test: run it with `make chaos`")
    for item in items:
        if item.get_closest_marker("chaos"):  # not item.keywords: it holds the folders'
            # names too, and a checkout in a folder named "chaos" skipped every test
            item.add_marker(skip)
