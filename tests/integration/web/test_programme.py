"""The RGU's home page, the programme (GET /rgu): the 20 regions' tile map coloured by a
chosen measure with a table of the same figures, earned value per base project, the risk
heat map and each region's overdue tasks and missing reports, against the platform as
`make run` starts it, after a project is rolled out to two regions."""
import re
import time

import pytest
import requests

pytestmark = [pytest.mark.broker, pytest.mark.e2e]
PROJECT = "mediation"
RISK = "Медиаторлар кетіп қалуы"


@pytest.fixture(scope="module")
def programme(site, rollout):
    """Mediation rolled out to Turkistan and Almaty (conftest.py; the platform keeps
    answers a minute in the gateway's read cache, not 5 s: a second load on a busy machine
    still finds the first one's), with money spent and a high risk in Turkistan; returns
    the API's programme summary."""
    plan = rollout["KZ-61"]
    site.api("POST", f"/plans/{plan['id']}/budget-lines", expect=201,
             json={"category": "training", "planned": "1000000", "actual": "250000"})
    site.api("POST", f"/plans/{plan['id']}/risks", expect=201,
             json={"title": RISK, "probability": 4, "impact": 4})
    return site.api("GET", "/programme/summary", expect=200).json()


def tile_label(page, region_name):
    """What a region's tile reads out: "<region>: <measure> <figure>" (the full name and
    the measure in a visually hidden span, the figure shown)."""
    found = re.search(r'<span class="visually-hidden">(' + re.escape(region_name)
                      + r': [^<]*)</span>\s*<span class="tile-value">([^<]*)</span>', page)
    assert found, f"no tile for {region_name}"
    return f"{found.group(1)} {found.group(2)}"


def test_the_rgu_sees_the_20_regions_of_today_on_the_map_with_their_names(site, programme):
    page = site.reader("rgu@kelisim.kz", lang="en").get("/rgu")
    assert page.status_code == 200
    assert page.text.count('class="tile-cell ') == 20
    regions = site.api("GET", "/regions", expect=200).json()
    assert len(regions) == 20
    for region in regions:  # each tile named, and linked to the region's lists
        tile_label(page.text, region["name_en"])
        assert f'href="/rgu/regions/{region["code"]}"' in page.text
    for reform in ("Abai Region", "Jetisu Region", "Ulytau Region"):
        assert tile_label(page.text, reform).startswith(f"{reform}: Reporting rate ")
    # the figures' table beside the map, and the legend
    assert "<caption>Reporting rate by region, worst first</caption>" in page.text
    assert "higher is better" in page.text and "no figure yet" in page.text


def test_choosing_a_measure_changes_the_figures_on_the_map_and_in_the_table(site, programme):
    reader = site.reader("rgu@kelisim.kz", lang="en")
    overdue = programme["totals"]["overdue_by_region"]["KZ-61"]
    assert overdue > 0  # a plan from 15 January: its early tasks are past due in any month
    page = reader.get("/rgu?measure=overdue_tasks").text
    assert tile_label(page, "Turkistan Region") == f"Turkistan Region: Overdue tasks {overdue}"
    assert tile_label(page, "Akmola Region") == "Akmola Region: Overdue tasks 0"
    assert '<option value="overdue_tasks" selected>' in page
    assert "lower is better" in page
    risks = reader.get("/rgu?measure=high_risks").text
    assert tile_label(risks, "Turkistan Region") == "Turkistan Region: Open high risks 1"
    assert tile_label(risks, "Almaty") == "Almaty: Open high risks 0"
    # no report is due yet in a new rollout (reports start with the current period)
    rates = site.api("GET", "/reporting-rates", expect=200).json()
    by_region = {row["region_code"]: row for row in rates["by_region"]}
    rate = by_region.get("KZ-61", {}).get("reporting_rate")
    shown = "—" if rate is None else f"{rate:.1f}%".replace(".0%", "%")
    page = reader.get("/rgu?measure=reporting_rate").text
    assert tile_label(page, "Turkistan Region") == f"Turkistan Region: Reporting rate {shown}"
    if not any(row["reporting_rate"] is not None for row in rates["by_region"]):
        assert "Rates count the reports whose due date has passed this year" in page
    assert "No region has this figure yet." not in reader.get("/rgu?measure=overdue_tasks").text


def test_htmx_swaps_only_the_map_and_its_table(site, programme):
    reader = site.reader("rgu@kelisim.kz", lang="en")
    fragment = reader.get("/rgu?measure=spi", headers={"HX-Request": "true",
                                                        "HX-Target": "rgu-map"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'id="rgu-map"' in fragment.text
    assert fragment.text.count('class="tile-cell ') == 20
    assert "Schedule performance index (SPI) by region, worst first" in fragment.text
    # a screen reader hears which measure the new map shows (an out-of-band status line)
    assert re.search(r'<p id="rgu-map-status" [^>]*role="status" hx-swap-oob="true">The map '
                     r'and the table now show: Schedule performance index \(SPI\)</p>',
                     fragment.text)
    for measure, label in (("reporting_rate", "Reporting rate"), ("high_risks", "Open high risks")):
        # each measure's map reads only the answers it needs
        swapped = reader.get(f"/rgu?measure={measure}", headers={"HX-Request": "true",
                                                                   "HX-Target": "rgu-map"})
        assert swapped.status_code == 200 and swapped.text.count('class="tile-cell ') == 20
        assert tile_label(swapped.text, "Turkistan Region").startswith(f"Turkistan Region: {label} ")
    assert tile_label(swapped.text, "Turkistan Region") == "Turkistan Region: Open high risks 1"
    # without JS the same choice is a plain GET form around the select
    page = reader.get("/rgu").text
    assert '<form method="get" action="/rgu"' in page and '<select id="measure" name="measure">' \
        in page and '<label for="measure">' in page


def test_earned_value_per_project_and_the_risk_heat_map(site, programme):
    reader = site.reader("rgu@kelisim.kz", lang="en")
    page = reader.get("/rgu").text
    projects = site.api("GET", "/projects", expect=200).json()
    mediation = next(p for p in projects if p["code"] == PROJECT)
    assert mediation["title_en"] in page
    earned = programme["by_project"][PROJECT]["earned_value"]
    assert earned["ac"] == "250000.00" and "250,000.00\u00a0₸" in page
    assert "against a baseline: " in page and "Earned value by base project" in page
    assert "not rolled out yet" in page  # the other base projects have no plan
    # the heat map: a count in the cell (probability 4, impact 4) leads to its risks
    assert 'href="/rgu/risks/4/4"' in page
    cell = reader.get("/rgu/risks/4/4")
    assert cell.status_code == 200 and RISK in cell.text and "Turkistan Region" in cell.text
    assert reader.get("/rgu/risks/9/4").status_code == 404
    assert reader.get("/rgu/risks/4/0").status_code == 404


def test_overdue_tasks_and_missing_reports_per_region_lead_to_the_regions_lists(site,
                                                                                programme):
    reader = site.reader("rgu@kelisim.kz", lang="ru")
    page = reader.get("/rgu").text
    assert "Просроченные задачи и непредставленные отчёты по регионам" in page
    overdue = site.api("GET", "/tasks", expect=200,
                       params={"region": "KZ-61", "overdue": "true"}).json()["items"]
    # the region's page counts as the programme's table does: tasks, not their phases
    counted = programme["totals"]["overdue_by_region"]["KZ-61"]
    assert counted == len([t for t in overdue if t["kind"] != "phase"])
    region = reader.get("/rgu/regions/KZ-61")
    assert region.status_code == 200
    assert f"Просроченные задачи ({counted})" in region.text
    task = next(t for t in overdue if t["kind"] != "phase")
    assert f'href="/plans/{task["plan_id"]}/tasks/{task["id"]}"' in region.text
    assert reader.get("/rgu/regions/KZ-99").status_code == 404
    assert reader.get("/rgu/regions/nowhere").status_code == 404


def test_the_page_is_in_kazakh_by_default(site, programme):
    page = site.reader("rgu@kelisim.kz").get("/rgu").text
    assert '<html lang="kk">' in page and "Түркістан облысы: Есеп ұсыну деңгейі" in page
    assert "Тәуекелдер картасы" in page


def test_an_observer_can_view_the_programme(site, programme):
    reader = site.reader("observer@kelisim.kz", lang="en")
    page = reader.get("/rgu?measure=overdue_tasks")
    assert page.status_code == 200 and page.text.count('class="tile-cell ') == 20
    assert reader.get("/rgu/regions/KZ-75").status_code == 200


def test_a_kgu_coordinator_is_sent_to_their_own_regions_home(site, programme):
    """A coordinator's home is /kgu; the programme's links lead there rather than to an
    error page (the API would answer only their own region anyway)."""
    reader = site.reader("turkistan@kelisim.kz", lang="en")
    for path in ("/rgu", "/rgu?measure=spi", "/rgu/regions/KZ-75", "/rgu/risks/4/4"):
        answer = reader.get(path)
        assert answer.status_code == 303 and answer.headers["Location"] == "/kgu", path


def projects_calls(site, entrypoint):
    """How many times the projects service has answered RPC ``entrypoint`` (its metrics,
    read until two reads half a second apart agree: a call is counted after its reply)."""
    port = site.env["KELISIM_PROJECTS_METRICS_PORT"]

    def read():
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=60).text
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("kelisim_entrypoint_calls_total{")
                   and 'service="projects"' in line and f'entrypoint="{entrypoint}"' in line)
    last = read()
    while True:
        time.sleep(0.5)
        now = read()
        if now == last:
            return now
        last = now


def overdue_tile(reader):
    return tile_label(reader.get("/rgu?measure=overdue_tasks").text, "Turkistan Region")


def test_a_second_load_reads_the_summary_from_the_gateways_cache_until_a_write(site,
                                                                             programme):
    reader = site.reader("rgu@kelisim.kz", lang="en")
    overdue_tile(reader)
    before = projects_calls(site, "programme_summary")
    assert before > 0
    shown = overdue_tile(reader)
    assert projects_calls(site, "programme_summary") == before  # no summary RPC
    # a task finished through the API: the next load asks the projects service again
    task = next(t for t in site.api("GET", "/tasks", expect=200, params={
        "region": "KZ-61", "overdue": "true"}).json()["items"] if t["kind"] == "task")
    site.api("PATCH", f"/tasks/{task['id']}", expect=200,
             json={"version": task["version"], "status": "done", "progress": 100})
    calls = projects_calls(site, "programme_summary")
    tile = overdue_tile(reader)
    assert projects_calls(site, "programme_summary") == calls + 1
    fresh = site.api("GET", "/programme/summary", expect=200).json()
    count = fresh["totals"]["overdue_by_region"]["KZ-61"]
    assert tile == f"Turkistan Region: Overdue tasks {count}"
    assert shown != f"Turkistan Region: Overdue tasks {count}"  # the figure changed
