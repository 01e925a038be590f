"""What the projects service asks the registry, over RPC: KGUs, the RGU, structures, people,
organisations outside the Assembly.

Wraps nameko's proxy so the service layer sees plain methods (and unit tests a stand-in).
"""
from kelisim.errors import NotFound

PAGE = 200


class RegistryClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def kgus(self):
        """``{region_code: org unit}`` of every KGU."""
        return {u["region_code"]: u for u in self.proxy.list_org_units({"kind": "kgu"})}

    def rgu(self):
        units = self.proxy.list_org_units({"kind": "rgu"})
        return units[0] if units else None

    def structure_types(self):
        return {t["code"] for t in self.proxy.list_structure_types()}

    def structures(self, types, regions=None):
        """``{(region_code, type): the first structure}`` of the given types."""
        found = {}
        for structure_type in types:
            offset = 0
            while True:
                page = self.proxy.list_structures(
                    {"type": structure_type, "limit": PAGE, "offset": offset})
                for item in page["items"]:
                    if regions is None or item["region_code"] in regions:
                        found.setdefault((item["region_code"], structure_type), item)
                offset += PAGE
                if offset >= page["total"]:
                    break
        return found

    def organisations(self, codes=(), akimats=False):
        """``{code: organisation}`` of the given codes (unknown ones left out), and with
        ``akimats`` every akimat also under ``("akimat", region_code)``."""
        found = {}
        for code in sorted(set(codes)):
            page = self.proxy.list_organisations({"code": code, "limit": 1})
            if page["items"]:
                found[code] = page["items"][0]
        if akimats:
            offset = 0
            while True:
                page = self.proxy.list_organisations(
                    {"kind": "akimat", "limit": PAGE, "offset": offset})
                for item in page["items"]:
                    found.setdefault(("akimat", item["region_code"]), item)
                offset += PAGE
                if offset >= page["total"]:
                    break
        return found

    def assignee(self, kind, assignee_id):
        """``{kind, id, name, region_code}`` of an org unit, structure, person or
        organisation outside the Assembly (with ``closed_on``, an ISO date or None); None if
        unknown."""
        try:
            if kind == "organisation":
                item = self.proxy.get_organisation(assignee_id)
                return {**_assignee(kind, item["id"], item["name_ru"], item["region_code"]),
                        "closed_on": item.get("closed_on")}
            if kind == "org_unit":
                unit = self.proxy.get_org_unit(assignee_id)
                return _assignee(kind, unit["id"], unit["name_ru"], unit["region_code"])
            if kind == "structure":
                item = self.proxy.get_structure(assignee_id)
                return _assignee(kind, item["id"], item["name"], item["region_code"])
            # one person by id (the registry's region rule applies as on GET): listing every
            # person to find one cost an RPC answer growing with the registry
            person = self.proxy.get_person(assignee_id)
            return _assignee(kind, person["id"], person["full_name"], person["region_code"])
        except NotFound:
            return None


def _assignee(kind, assignee_id, name, region_code):
    return {"kind": kind, "id": assignee_id, "name": name, "region_code": region_code}
