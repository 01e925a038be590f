"""The registry's pages, read-only: the regions with their KGU, public structures (by
region and type, searched by name), responsible people and organisations outside the
Assembly, each with a search box (a GET form) and paging.

The calls are the API routes' (gateway/entrypoints/registry_routes.py) with the same query
parameters, so the registry's region rules apply to the reader; a bad filter is said
beside the search form (422), not as an error page.
"""
from gateway.web.listing import PAGE_SIZE, filterable, listed, offset_of, paging
from gateway.web.pages import Page, gather, page
from kelisim.i18n import N_
from kelisim.labels import LABELS, label

ACCREDITATION_NAMES = {"accredited": N_("accredited"), "pending": N_("accreditation pending"),
                       "not_accredited": N_("not accredited")}


def _kept(args, names):
    """The filters of ``names`` the reader gave (blank ones dropped), as the API reads them."""
    return {name: args[name].strip() for name in names if (args.get(name) or "").strip()}


def _labels(kind, lang):
    return {code: message.render(lang) for code, message in LABELS.get(kind, {}).items()}


def _matches(text, *values):
    needle = text.casefold()
    return any(needle in (value or "").casefold() for value in values)


class WebRegistryPages:
    """Mixed into GatewayService (``registry``: an RPC proxy). Each page's reads are made
    at once (pages.gather)."""

    @page("GET", "/registry")
    def web_registry(self, req):
        q = (req.args.get("q") or "").strip()
        regions, units = gather(self.registry.list_regions,
                                lambda: self.registry.list_org_units({"kind": "kgu"}))
        kgus = {unit["region_code"]: unit for unit in units}
        if q:
            regions = [r for r in regions if _matches(q, r["code"], r.get("name_kk"),
                                                      r.get("name_ru"), r.get("name_en"))
                       or (r["code"] in kgus and _matches(
                           q, kgus[r["code"]].get("name_kk"), kgus[r["code"]].get("name_ru")))]
        return Page("registry.html", {"regions": regions, "kgus": kgus, "q": q})

    @page("GET", "/registry/structures")
    def web_structures(self, req):
        offset = offset_of(req.args)
        filters = _kept(req.args, ("region", "type", "q"))
        (found, errors), types, regions = gather(
            listed(lambda: self.registry.list_structures(dict(
                filters, limit=str(PAGE_SIZE), offset=str(offset))), req.lang,
                {"items": [], "total": 0}),
            self.registry.list_structure_types, self.registry.list_regions)
        return Page("registry_structures.html", {
            "items": found["items"], "filters": filters, "errors": errors,
            "regions": filterable(req.actor, regions),
            "region_of": {r["code"]: r for r in regions},
            "types": types, "type_of": {t["code"]: t for t in types},
            "levels": _labels("level", req.lang), "accreditations": ACCREDITATION_NAMES,
            "paging": paging(req.http.path, req.args, found["total"], offset)},
            422 if errors else 200)

    @page("GET", "/registry/people")
    def web_people(self, req):
        offset = offset_of(req.args)
        filters = _kept(req.args, ("region", "q"))
        (people, errors), units, regions = gather(
            listed(lambda: self.registry.list_people(_kept(filters, ("region",))), req.lang,
                   []),
            lambda: self.registry.list_org_units({}), self.registry.list_regions)
        if filters.get("q"):
            people = [p for p in people if _matches(filters["q"], p.get("full_name"),
                                                    p.get("position"), p.get("email"))]
        people.sort(key=lambda p: (p.get("full_name") or "").casefold())
        return Page("registry_people.html", {
            "items": people[offset:offset + PAGE_SIZE], "filters": filters, "errors": errors,
            "regions": filterable(req.actor, regions),
            "region_of": {r["code"]: r for r in regions},
            "units": {unit["id"]: unit for unit in units},
            "paging": paging(req.http.path, req.args, len(people), offset)},
            422 if errors else 200)

    @page("GET", "/registry/organisations")
    def web_organisations(self, req):
        offset = offset_of(req.args)
        filters = _kept(req.args, ("kind", "region", "q"))
        (found, errors), regions = gather(
            listed(lambda: self.registry.list_organisations(dict(
                filters, limit=str(PAGE_SIZE), offset=str(offset))), req.lang,
                {"items": [], "total": 0}),
            self.registry.list_regions)
        return Page("registry_organisations.html", {
            "items": found["items"], "filters": filters, "errors": errors,
            "regions": filterable(req.actor, regions),
            "region_of": {r["code"]: r for r in regions},
            "kinds": _labels("organisation_kind", req.lang),
            "kind_name": lambda code: label("organisation_kind", code).render(req.lang),
            "paging": paging(req.http.path, req.args, found["total"], offset)},
            422 if errors else 200)
