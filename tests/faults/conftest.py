"""Fault tests: the platform's components as real processes, which a test kills, restarts
or deprives of the broker or the database, then checks nothing was lost or doubled.

A test cuts the platform off RabbitMQ or PostgreSQL through a TCP proxy of its own
(``tcp_proxy``), never by stopping the server, which other suites on this machine share.
The platform's processes: ``start_platform``, tests/fixtures/processes.py.
"""
import os

import pytest

from tests.faults.harness import TcpProxy
from tests.support import pg_admin


@pytest.fixture
def tcp_proxy():
    """``tcp_proxy(target_port=5672)``: a started :class:`TcpProxy` to RabbitMQ (or to
    PostgreSQL with 5432); every proxy is killed after the test. Request it before
    ``start_platform``, so that the platform is stopped before its proxies."""
    proxies = []

    def make(target_port=5672):
        proxies.append(TcpProxy(target_port).start())
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.kill()


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
