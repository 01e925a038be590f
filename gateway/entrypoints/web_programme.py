"""The RGU's home page: the programme across the 20 regions.

``GET /rgu`` shows the regions' tile map coloured by a chosen measure (``?measure=``, see
gateway/service_layer/programme_view.py) with a table of the same figures, earned value per
base project, the risk heat map, and overdue tasks and missing reports per region. An htmx
request aimed at ``#rgu-map`` gets the map and its table only. ``GET /rgu/regions/<code>``
lists one region's overdue tasks and missing reports; ``GET /rgu/risks`` the regions with
open risks in one heat map cell.

Every figure comes from the RPC calls the API routes make, with the same parameters, as the
reader: a KGU coordinator, whose home is ``/kgu``, is sent there.
"""
from gateway.service_layer import programme_view as view
from gateway.web.pages import Page, page, redirect
from kelisim.errors import NotFound
from kelisim.i18n import _

READERS = ("rgu_admin", "observer")
MAP_TARGET = "rgu-map"
LIST_LIMIT = "200"


def _is_kgu(actor):
    return actor.get("role") == "kgu_coordinator"


class WebProgrammePages:
    """Mixed into GatewayService (``registry``, ``projects``, ``reports`` RPC proxies)."""

    @page("GET", "/rgu")
    def web_rgu_home(self, req):
        if _is_kgu(req.actor):
            return redirect("/kgu")
        measure = view.measure_of(req.args.get("measure"))
        regions = self.registry.list_regions()
        only_map = req.http.headers.get("HX-Target") == MAP_TARGET
        rates = self.reports.reporting_rates({}) if (
            not only_map or measure.code in view.NEEDS_RATES) else None
        programme = self.projects.programme_summary({})
        projects = self.projects.list_projects()
        summaries = [self.projects.project_summary(project["code"], {})
                     for project in projects] if measure.code in view.NEEDS_SUMMARIES else None
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
        region = next((r for r in self.registry.list_regions() if r["code"] == region_code),
                      None)
        if region is None:
            raise NotFound(_("region {region_code} not found", region_code=region_code))
        tasks = self.projects.list_tasks({"region": region_code, "overdue": "true",
                                          "sort": "due_date", "limit": LIST_LIMIT})
        reports = self.reports.list_reports({"region": region_code, "overdue": "true",
                                             "sort": "due_date", "limit": LIST_LIMIT})
        projects = {p["code"]: p for p in self.projects.list_projects()}
        return Page("rgu_region.html", {"region": region, "tasks": tasks, "reports": reports,
                                        "projects": projects})

    @page("GET", "/rgu/risks")
    def web_rgu_risks(self, req):
        if _is_kgu(req.actor):
            return redirect("/kgu")
        probability = _scale(req.args.get("probability"))
        impact = _scale(req.args.get("impact"))
        regions = {r["code"]: r for r in self.registry.list_regions()}
        programme = self.projects.programme_summary({})
        counts = view.regions_in_cell(programme, probability, impact)
        risks = []
        for code in counts:
            if code not in regions:
                continue  # the RGU's own plans: counted, not listed here
            for plan in self.projects.list_plans({"region": code, "limit": LIST_LIMIT})["items"]:
                risks.extend(risk for risk in self.projects.list_risks(plan["id"])
                             if risk["probability"] == probability and risk["impact"] == impact
                             and risk["status"] != "closed")
        projects = {p["code"]: p for p in self.projects.list_projects()}
        return Page("rgu_risks.html", {"probability": probability, "impact": impact,
                                       "score": probability * impact, "counts": counts,
                                       "regions": regions, "risks": risks,
                                       "projects": projects})


def _scale(value):
    """1..5 from a query value; NotFound (404) otherwise (no such heat map cell)."""
    if value not in {str(n) for n in view.SCALE}:
        raise NotFound(_("no such cell of the risk heat map"))
    return int(value)
