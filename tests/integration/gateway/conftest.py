"""The registry and the gateway running for real on a per-test vhost, driven over HTTP."""
from dataclasses import dataclass, field

import pytest
import requests
from nameko.testing.utils import find_free_port
from sqlalchemy.orm import sessionmaker

from gateway.adapters.repository import TokenRepository
from gateway.entrypoints.service import GatewayService
from gateway.service_layer import tokens
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork
from services.registry.adapters.repository import RegistryRepository
from services.registry.entrypoints.service import RegistryService
from services.registry.service_layer.reference import load_reference_data
from tests.support import on_database

MAX_REQUEST_BYTES = 4096
ROLES = {"admin": ("rgu_admin", None), "observer": ("observer", None),
         "turkistan": ("kgu_coordinator", "KZ-61"), "almaty": ("kgu_coordinator", "KZ-75")}


@dataclass
class Gateway:
    """A running gateway: its URL, a token per ROLES name, and ways to call it."""

    url: str
    gateway_db: str
    registry_db: str
    tokens: dict = field(default_factory=dict)
    token_ids: dict = field(default_factory=dict)
    registry: object = None  # the registry's ServiceRunner, when one was started

    def headers(self, who, extra=None):
        # the tests read problems in English; without this header the gateway answers in
        # Kazakh (tests/integration/gateway/test_languages.py checks kk and ru)
        headers = {"Accept-Language": "en", **(extra or {})}
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens.get(who, who)}"
        return headers

    def request(self, method, path, who="admin", headers=None, **kwargs):
        kwargs.setdefault("timeout", 15)
        return requests.request(method, self.url + path, headers=self.headers(who, headers),
                                **kwargs)

    def get(self, path, who="admin", **kwargs):
        return self.request("GET", path, who, **kwargs)

    def post(self, path, json=None, who="admin", **kwargs):
        return self.request("POST", path, who, json=json, **kwargs)

    def patch(self, path, json=None, who="admin", **kwargs):
        return self.request("PATCH", path, who, json=json, **kwargs)

    def unit_of_work(self):
        engine = make_engine(self.gateway_db)
        return engine, UnitOfWork(sessionmaker(engine, expire_on_commit=False),
                                  repositories=TokenRepository)

    def revoke(self, who):
        engine, uow = self.unit_of_work()
        try:
            tokens.revoke_token(uow, self.token_ids[who])
        finally:
            engine.dispose()


@pytest.fixture
def start_gateway(service_config, migrated, runner_factory, tmp_path):
    """``start_gateway(registry_url=None, registry=True, service=GatewayService, **config)``.

    Returns a :class:`Gateway`. The registry's database is SQLite unless a URL is given;
    the gateway's is SQLite.
    """

    def start(registry_url=None, registry=True, service=GatewayService, **overrides):
        registry_url = migrated("registry", registry_url or f"sqlite:///{tmp_path / 'registry.db'}")
        on_database(registry_url, RegistryRepository, load_reference_data)
        gateway_db = migrated("gateway", f"sqlite:///{tmp_path / 'gateway.db'}")
        gateway = Gateway(url="", gateway_db=gateway_db, registry_db=registry_url)
        for who, (role, region) in ROLES.items():
            token, plaintext = on_database(
                gateway_db, TokenRepository,
                lambda uow, role=role, region=region, who=who: tokens.create_token(
                    uow, role, region, who))
            gateway.tokens[who] = plaintext
            gateway.token_ids[who] = token["id"]
        if registry:
            gateway.registry = runner_factory(service_config("registry", registry_url),
                                              RegistryService)
            gateway.registry.start()
        port = find_free_port()
        overrides.setdefault("MAX_REQUEST_BYTES", MAX_REQUEST_BYTES)
        overrides.setdefault("RPC_TIMEOUT", 5)
        overrides.setdefault("HEALTH_TIMEOUT", 1)
        config = service_config("gateway", gateway_db, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}",
                                **overrides)
        runner_factory(config, service).start()
        gateway.url = f"http://127.0.0.1:{port}"
        return gateway

    return start


@pytest.fixture
def gateway(start_gateway):
    return start_gateway()
