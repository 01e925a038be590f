"""The one registry client: what another service asks the registry, over RPC, in plain dicts.

``RegistryClient(proxy)`` takes anything with the registry's RPC methods: a nameko proxy
(``TimedRpcProxy(SERVICE)`` or ``RpcProxy(SERVICE)`` from kelisim.rpc, or a
``ServiceProxy`` built by hand) or a stand-in in unit tests. Each answer is the registry's
own JSON (dicts, lists, ISO dates as strings). A record that does not exist raises
:class:`kelisim.errors.NotFound` as the registry raised it, except where a method says it
answers None. How long to wait, whether to retry and what to cache is the caller's policy
(reports: a slow registry is no answer; notifications: a cache, asked as the system).

Used by projects (assignees, rollouts), reports (who reports, region names, what an event
names) and notifications (who receives what).
"""
from kelisim.access import may_read
from kelisim.errors import NotFound

PAGE = 200  # rows per list call when every page is read


class RegistryClient:
    """The registry's RPC methods as the questions the other services ask."""

    def __init__(self, proxy):
        self.proxy = proxy

    # regions and org units

    def regions(self):
        """``[{code, kind, name_kk, name_ru, name_en}]`` of the 20 regions."""
        return self.proxy.list_regions()

    def org_units(self, query=None):
        """``[org unit]`` matching ``query`` (e.g. ``{"kind": "kgu"}``; None: all)."""
        return self.proxy.list_org_units(query) if query is not None else self.proxy.list_org_units()

    def org_unit(self, unit_id):
        """One org unit by id; NotFound if there is none."""
        return self.proxy.get_org_unit(unit_id)

    def kgus(self):
        """``{region_code: org unit}`` of every KGU."""
        return {u["region_code"]: u for u in self.org_units({"kind": "kgu"})}

    def rgu(self):
        """The RGU's org unit, or None before the registry has one."""
        units = self.org_units({"kind": "rgu"})
        return units[0] if units else None

    def kgu_of(self, region_code):
        """``{"org_unit": the region's KGU, "contacts": [person]}``; NotFound if the region
        has no KGU."""
        return self.proxy.kgu_of_region(region_code)

    # public structures

    def structure_types(self):
        """The codes of the public structure types, as a set."""
        return {t["code"] for t in self.proxy.list_structure_types()}

    def structure(self, structure_id):
        """One public structure by id; NotFound if there is none."""
        return self.proxy.get_structure(structure_id)

    def structures(self, types, regions=None):
        """``{(region_code, type): the first structure}`` of the given types (every page
        read), within ``regions`` when given."""
        found = {}
        for structure_type in types:
            for item in self._every_page(self.proxy.list_structures, {"type": structure_type}):
                if regions is None or item["region_code"] in regions:
                    found.setdefault((item["region_code"], structure_type), item)
        return found

    # people and organisations outside the Assembly

    def people(self, query=None):
        """``[person]`` matching ``query`` (``{"org_unit_id": ...}``, ``{"structure_id": ...}``,
        ``{"region": ...}``; None or ``{}``: everyone the caller may read)."""
        return self.proxy.list_people(query if query is not None else {})

    def person(self, person_id):
        """One person by id (the registry's region rule applies as on GET); NotFound if
        there is none."""
        return self.proxy.get_person(person_id)

    def organisation(self, organisation_id):
        """One organisation outside the Assembly by id; NotFound if there is none."""
        return self.proxy.get_organisation(organisation_id)

    def organisations(self, codes=(), akimats=False):
        """``{code: organisation}`` of the given codes (unknown ones left out), and with
        ``akimats`` every akimat also under ``("akimat", region_code)``."""
        found = {}
        for code in sorted(set(codes)):
            page = self.proxy.list_organisations({"code": code, "limit": 1})
            if page["items"]:
                found[code] = page["items"][0]
        if akimats:
            for item in self._every_page(self.proxy.list_organisations, {"kind": "akimat"}):
                found.setdefault(("akimat", item["region_code"]), item)
        return found

    def assignee(self, kind, assignee_id):
        """``{kind, id, name, region_code}`` of an org unit, structure, person or
        organisation outside the Assembly (with ``closed_on``, an ISO date or None); None if
        unknown."""
        try:
            if kind == "organisation":
                item = self.organisation(assignee_id)
                return {**_assignee(kind, item["id"], item["name_ru"], item["region_code"]),
                        "closed_on": item.get("closed_on")}
            if kind == "org_unit":
                unit = self.org_unit(assignee_id)
                return _assignee(kind, unit["id"], unit["name_ru"], unit["region_code"])
            if kind == "structure":
                item = self.structure(assignee_id)
                return _assignee(kind, item["id"], item["name"], item["region_code"])
            # one person by id: listing every person to find one cost an RPC answer growing
            # with the registry
            person = self.person(assignee_id)
            return _assignee(kind, person["id"], person["full_name"], person["region_code"])
        except NotFound:
            return None

    @staticmethod
    def _every_page(list_call, query):
        """Every item of a paged listing (``{items, total}``), ``PAGE`` rows a call."""
        offset = 0
        while True:
            page = list_call({**query, "limit": PAGE, "offset": offset})
            yield from page["items"]
            offset += PAGE
            if offset >= page["total"]:
                break


def _assignee(kind, assignee_id, name, region_code):
    return {"kind": kind, "id": assignee_id, "name": name, "region_code": region_code}


def readable(actor, kind, region_code):
    """Whether ``actor`` may read a registry record of ``kind`` (org_unit, structure,
    person, organisation) in ``region_code``, as the registry's ``get_*`` decide (404
    where not): a coordinator reads its own region's records, and organisations outside
    the Assembly with no region (a ministry) too; everyone else reads every record.
    For a caller that asked as the system (services/registry/contract/cached.py)."""
    if kind == "organisation" and region_code is None:
        return True
    return may_read(actor, region_code)

