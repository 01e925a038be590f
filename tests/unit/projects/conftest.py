"""Projects unit tests: the service layer over a migrated SQLite file, no broker.

The registry is another service; here a small stand-in answers its questions (the
integration tests run the real one). The schema is migrated and the reference data
loaded once per session into a template file; each test works on a copy.
"""

import json
from importlib import resources

import pytest
import sqlalchemy as sa

from kelisim.db.tables import platform_tables
from services.projects.adapters.orm import start_mappers
from services.projects.adapters.repository import ProjectsRepository
from services.projects.service_layer import reference
from tests.support import (  # noqa: F401  (re-exported to the tests)
    ADMIN,
    COORDINATOR,
    OBSERVER,
    OTHER_COORDINATOR,
    REGIONS,
    copy_of,
    template_database,
    units_of_work,
)

STRUCTURE_TYPES = {"council_of_public_accord", "mediation_council", "council_of_mothers",
                   "journalists_club", "ethnic_media_outlet", "youth_movement_hq",
                   "ethnocultural_association", "council_of_elders", "scientific_expert_group",
                   "volunteer_centre"}
OUTBOX = platform_tables(sa.MetaData())[0]


class FakeRegistry:
    """Answers like services/registry/contract/client.py's RegistryClient."""

    def __init__(self):
        self.units = {1: {"id": 1, "region_code": None, "name_ru": "РГУ «Қоғамдық келісім»",
                          "kind": "rgu"}}
        for n, region in enumerate(REGIONS, start=2):
            self.units[n] = {"id": n, "region_code": region, "kind": "kgu",
                             "name_ru": f"КГУ «Қоғамдық келісім» ({region})"}
        self.structure_list = [
            {"id": 101, "type": "mediation_council", "region_code": "KZ-61",
             "name": "Совет медиации Туркестанской области"},
            {"id": 102, "type": "mediation_council", "region_code": "KZ-75",
             "name": "Совет медиации г. Алматы"},
        ]
        self.people = {501: {"id": 501, "full_name": "Әлия Нұрланқызы", "region_code": "KZ-61"}}
        # the registry's reference organisations outside the Assembly, ids from 1001
        rows = json.loads(resources.files("services.registry").joinpath(
            "reference", "organisations.json").read_text("utf-8"))
        self.organisation_list = [dict(row, id=n, region_code=row.get("region_code"),
                                       closed_on=None) for n, row in enumerate(rows, start=1001)]
        self.calls = 0

    def kgus(self):
        self.calls += 1
        return {u["region_code"]: u for u in self.units.values() if u["kind"] == "kgu"}

    def rgu(self):
        return self.units[1]

    def structure_types(self):
        return set(STRUCTURE_TYPES)

    def structures(self, types, regions=None):
        return {(s["region_code"], s["type"]): s for s in self.structure_list
                if s["type"] in types and (regions is None or s["region_code"] in regions)}

    def organisations(self, codes=(), akimats=False):
        found = {o["code"]: o for o in self.organisation_list if o["code"] in set(codes)}
        if akimats:
            found.update({("akimat", o["region_code"]): o for o in self.organisation_list
                          if o["kind"] == "akimat"})
        return found

    def organisation(self, code):
        return next(o for o in self.organisation_list if o["code"] == code)

    def assignee(self, kind, assignee_id):
        source = {"org_unit": self.units,
                  "structure": {s["id"]: s for s in self.structure_list},
                  "person": self.people,
                  "organisation": {o["id"]: o for o in self.organisation_list}}[kind]
        item = source.get(assignee_id)
        if item is None:
            return None
        name = item.get("name_ru") or item.get("name") or item.get("full_name")
        return {"kind": kind, "id": item["id"], "name": name, "region_code": item["region_code"]}

    def kgu_id(self, region):
        return self.kgus()[region]["id"]


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory):
    """A projects database at head with the reference data, built once."""
    start_mappers()
    return template_database(tmp_path_factory, "projects", reference.load_reference_data,
                             ProjectsRepository)


@pytest.fixture
def projects_url(reference_db, tmp_path):
    return copy_of(reference_db, tmp_path)


@pytest.fixture
def sessions(projects_url, session_factory):
    return session_factory(projects_url)


@pytest.fixture
def uow(sessions):
    """``uow(actor)``: a fresh unit of work acting as ``actor`` (the RGU admin by default)."""
    return units_of_work(sessions, "projects", ProjectsRepository)


@pytest.fixture
def registry():
    return FakeRegistry()


@pytest.fixture
def events(sessions):
    """``events(type=None)``: the outbox's envelopes, oldest first."""

    def read(event_type=None):
        with sessions() as session:
            query = sa.select(OUTBOX.c.envelope).order_by(OUTBOX.c.id)
            if event_type:
                query = query.where(OUTBOX.c.event_type == event_type)
            return [row[0] for row in session.execute(query)]

    return read


@pytest.fixture
def rolled_out(uow, registry):
    """The mediation project rolled out for 2026 to Turkistan region and Almaty city."""
    from services.projects.service_layer.rollout import rollout

    return rollout(uow(), registry, "mediation", {"year": 2026, "regions": ["KZ-61", "KZ-75"]})
