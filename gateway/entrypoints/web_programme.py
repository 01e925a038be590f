"""The RGU's home page: the programme across the 20 regions.

``GET /rgu`` shows the regions' tile map coloured by a chosen measure (``?measure=``, see
gateway/service_layer/programme_view.py) with a table of the same figures, earned value per
base project, the risk heat map, and overdue tasks and missing reports per region. An htmx
request aimed at ``#rgu-map`` gets the map and its table only. ``GET /rgu/regions/<code>``
lists one region's overdue tasks and missing reports; ``GET /rgu/risks/<p>/<i>`` the open
risks of one heat map cell (probability, impact) by region (GET /risks, not plan by plan).

Every figure comes from the RPC calls the API routes make, with the same parameters, as the
reader: a KGU coordinator, whose home is ``/kgu``, is sent there.
"""
import functools
import re

from gateway.service_layer import programme_view as view
from gateway.web.pages import Page, cached, gather, page, redirect
from kelisim.errors import NotFound
from kelisim.i18n import _

READERS = ("rgu_admin", "observer")
MAP_TARGET = "rgu-map"
LIST_LIMIT = "200"
REGION_CODE = re.compile(r"^KZ-\d{2}$")


def together(calls, at_once=8):
    """``{name: answer}`` of RPC ``calls`` (``{name: (function, *args)}``) made at the same
    time by :func:`gateway.web.pages.gather`, at most ``at_once`` in flight (a summary per
    base project); the first failure in ``calls``' order is raised."""
    answers = gather(*(functools.partial(function, *args) for function, *args
                       in calls.values()), at_once=at_once)
    return dict(zip(calls, answers, strict=True))


def _is_kgu(actor):
    return actor.get("role") == "kgu_coordinator"


class WebProgrammePages:
    """Mixed into GatewayService (``registry``, ``projects``, ``reports`` RPC proxies)."""

    @page("GET", "/rgu")
    def web_rgu_home(self, req):
        if _is_kgu(req.actor):
            return redirect("/kgu")
        measure = view.measure_of(req.args.get("measure"))
        only_map = req.http.headers.get("HX-Target") == MAP_TARGET
        # the whole page reads everything; a swapped map only what its measure needs
        # the summaries cost the projects service tens of ms of CPU each: kept a moment in
        # the gateway's read cache (dropped on any write or projects event)
        calls = {"regions": (self.registry.list_regions,)}
        if not only_map or measure.code in view.NEEDS_RATES:
            calls["rates"] = (self.reports.reporting_rates, {})
        if not only_map or measure.code in view.NEEDS_PROGRAMME:
            calls["programme"] = (self._cached(req, "programme_summary"), {})
        if not only_map or measure.code in view.NEEDS_SUMMARIES:
            calls["projects"] = (self.projects.list_projects,)
        answers = together(calls)
        regions, rates = answers["regions"], answers.get("rates")
        programme, projects = answers.get("programme"), answers.get("projects")
        summaries = None
        if measure.code in view.NEEDS_SUMMARIES:
            summary = self._cached(req, "project_summary")
            found = together({p["code"]: (summary, p["code"], {}) for p in projects})
            summaries = [found[p["code"]] for p in projects]
        figures = view.region_figures(regions, rates, programme, summaries)
        tiles = view.tiles(regions, figures, measure, req.lang)
        values = {"measure": measure, "measures": view.MEASURES, "tiles": tiles,
                  "rows": view.table_rows(tiles, measure), "legend": view.legend(measure),
                  "columns": view.GRID_COLUMNS,
                  "rows_count": max(tile["row"] for tile in tiles) if tiles else 0}
        if only_map:
            return Page("rgu_map.html", values)
        earned, earned_total = view.earned_value_rows(projects, programme)
        values.update(
            as_of=programme.get("as_of"), rates=rates, projects=projects, earned=earned,
            earned_total=earned_total, heat=view.heat_map(programme),
            backlog=view.backlog_rows(regions, programme, rates),
            national=(rates or {}).get("national") or {})
        return Page("rgu_home.html", values)

    @page("GET", "/rgu/regions/<region_code>")
    def web_rgu_region(self, req, region_code):
        if _is_kgu(req.actor):
            return redirect("/kgu")
        if not REGION_CODE.match(region_code):
            raise NotFound(_("region {region_code} not found", region_code=region_code))
        found = together({
            "regions": (self.registry.list_regions,),
            "tasks": (self._cached(req, "list_tasks"), {
                "region": region_code, "overdue": "true", "sort": "due_date",
                "limit": LIST_LIMIT}),
            "reports": (self.reports.list_reports, {"region": region_code, "overdue": "true",
                                                    "sort": "due_date", "limit": LIST_LIMIT}),
            "projects": (self.projects.list_projects,)})
        region = next((r for r in found["regions"] if r["code"] == region_code), None)
        if region is None:
            raise NotFound(_("region {region_code} not found", region_code=region_code))
        reports = found["reports"]
        # phases are not counted as overdue work (as the programme summary counts them):
        # their tasks are
        items = [task for task in found["tasks"]["items"] if task["kind"] != "phase"]
        tasks = {"items": items, "complete": found["tasks"]["total"] <= len(
            found["tasks"]["items"])}
        projects = {p["code"]: p for p in found["projects"]}
        return Page("rgu_region.html", {"region": region, "tasks": tasks, "reports": reports,
                                        "projects": projects})

    @page("GET", "/rgu/risks/<int:probability>/<int:impact>")
    def web_rgu_risks(self, req, probability, impact):
        if _is_kgu(req.actor):
            return redirect("/kgu")
        if probability not in view.SCALE or impact not in view.SCALE:
            raise NotFound(_("no such cell of the risk heat map"))
        found = together({"regions": (self.registry.list_regions,),
                          "programme": (self._cached(req, "programme_summary"), {}),
                          "projects": (self.projects.list_projects,)})
        regions = {r["code"]: r for r in found["regions"]}
        counts = view.regions_in_cell(found["programme"], probability, impact)
        # the RGU's own plans (no region) are counted, not listed here
        risks = [risk for risk in self._open_risks(req, probability, impact)
                 if risk["region_code"] in counts]
        projects = {p["code"]: p for p in found["projects"]}
        return Page("rgu_risks.html", {"probability": probability, "impact": impact,
                                       "score": probability * impact, "counts": counts,
                                       "regions": regions, "risks": risks,
                                       "projects": projects})

    def _cached(self, req, name):
        """The projects service's RPC ``name`` through the gateway's read cache, for the
        reader of ``req`` (gateway.web.pages.cached_call)."""
        return cached(self, req.actor, name, getattr(self.projects, name))

    def _open_risks(self, req, probability, impact):
        """The open risks of one heat map cell the reader may read, across every plan
        (GET /risks, a page of LIST_LIMIT at a time: one call for any cell seen so far)."""
        list_risks = self._cached(req, "list_all_risks")
        risks, offset = [], 0
        while True:
            page_ = list_risks({"probability": str(probability), "impact": str(impact),
                                "status": "open", "limit": LIST_LIMIT, "offset": str(offset)})
            risks.extend(page_["items"])
            offset += len(page_["items"])
            if not page_["items"] or offset >= page_["total"]:
                return risks
