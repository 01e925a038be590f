"""What the projects tests share: a stand-in for the registry, as the projects service asks
it (the integration tests run the real one)."""
import json
from importlib import resources

from services.projects.adapters.assignees import AssigneeDirectory
from services.registry.contract.cached import TtlCache
from tests.support import REGIONS

STRUCTURE_TYPES = {"council_of_public_accord", "mediation_council", "council_of_mothers",
                   "journalists_club", "ethnic_media_outlet", "youth_movement_hq",
                   "ethnocultural_association", "council_of_elders", "scientific_expert_group",
                   "volunteer_centre"}


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


def assignees_of(registry):
    """The projects service's :class:`AssigneeDirectory` over ``registry`` (a stand-in
    answering as the system), with a cache of its own."""
    return AssigneeDirectory(registry, TtlCache(300))

