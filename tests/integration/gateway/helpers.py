"""A running gateway as the tests drive it, and the assertions and look-ups its tests share."""
from dataclasses import dataclass, field

import requests
from sqlalchemy.orm import sessionmaker

from gateway.adapters.repository import TokenRepository
from gateway.service_layer import tokens
from kelisim.db.engine import make_engine
from kelisim.db.uow import UnitOfWork

API = "/api/v1"
MAX_REQUEST_BYTES = 4096
# RPC_TIMEOUT (and HEALTH_TIMEOUT) in s of a test with a late service (one killed whose
# queue stays): the services that answer run in the test's process beside the gateway, so
# it is also their time to answer on a loaded machine; 0.5 s was missed once in CI (a page
# a 504), as a long garbage collection or a busy neighbour can hold the process that long
LATE = 2
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


def problem(response, status):
    """Assert ``response`` is an RFC 7807 problem with ``status``; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json; charset=utf-8"
    body = response.json()
    assert body["status"] == status
    assert body["instance"] and body["title"] and body["type"]
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]
    return body


def ok(response, status=200):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def as_documented(gateway, response, method, path):
    """Assert the media type ``response`` came as (parameters left out) is one that
    ``/openapi.json`` documents for ``method path``'s success; return it."""
    media = response.headers["Content-Type"].split(";")[0].strip()
    operation = ok(gateway.get("/openapi.json", who=None))["paths"][path][method.lower()]
    documented = operation["responses"][str(response.status_code)]["content"]
    assert media in documented, (media, sorted(documented))
    return media


def kgu_id(gateway, region):
    units = ok(gateway.get(f"{API}/org-units", params={"kind": "kgu", "region": region}))
    return units[0]["id"]


def house_of_friendship(parent_id, code, region="KZ-61", **fields):
    return {"code": code, "name_kk": "Достық үйі", "name_ru": "Дом дружбы", "kind":
            "house_of_friendship", "level": "regional", "region_code": region,
            "parent_id": parent_id, **fields}


def tasks_of(gateway, region, who="admin"):
    """A region's tasks (up to 200) as ``who`` lists them, by template key."""
    page = ok(gateway.get(f"{API}/tasks", params={"region": region, "limit": 200}, who=who))
    return {t["template_key"]: t for t in page["items"]}
