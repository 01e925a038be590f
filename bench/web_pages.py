"""Server time and first-visit weight of every web page (issue 15's speed section), each
beside the API calls that serve the same data, measured in the same run.

The platform is started as `make run` starts it (tests/site.py ``running_site``: `kelisim
run`, every component, SQLite, a vhost of its own) with people who sign in through the
form (the RGU administrator and Turkistan's KGU coordinator). The data: the four base
projects rolled out to the 20 regions for this year (POST /projects/<code>/rollouts), and
the quarterly report templates again with ``active_from`` a year back (POST
/report-templates: a new version of each), so the reports service's collection job owes a
year of reports per KGU; about two thirds of the past ones are submitted through the API,
and of those some accepted and some returned.

Pages: every ``@page("GET", ...)`` of GatewayService, read from the code (a new page is
measured without touching this file); a path value is filled from FILL (a plan, task,
report, template or region of the data) or the page is skipped and listed. Each page is
read by the person PAIRS names (else the RGU administrator, or the KGU coordinator when
the page's roles exclude the RGU) over one keep-alive session: ``--warmup`` requests,
then ``--requests`` sequential requests timed to the last byte (p50/p95). Beside it, in
the same run and the same session (its cookie: the API takes it for reads), the API calls
PAIRS lists for the page, made one after another as a client would, timed as one (sent
with ``Cache-Control: no-cache``: pages do not use the gateway's read cache, so neither
does the comparison). Each timed block also gives the CPU milliseconds each component
spent per request (/proc/<pid>/stat).

Weight: the page's HTML plus every same-origin stylesheet and script it references
(``<link rel=stylesheet href>``, ``<script src>``, ``<link rel=preload/modulepreload>``),
summed: as sent (the gateway does not compress; if it ever answers gzip the figure is what
came over the wire), uncompressed, and gzip-compressed (level 6) for comparison. The
target (< 500 kB, 500 000 bytes) is judged on the bytes sent.

``--profile`` records the gateway and the services with py-spy (``pip install py-spy``;
``--idle``: the eventlet hub's wait counts, i.e. the time the gateway waits for the
services' answers) while the slowest page is read again, and prints where the gateway's
time goes (waiting, templates, JSON, its database, ...) and each process's top functions.

    .venv/bin/python bench/web_pages.py [--requests 50] [--warmup 5] [--profile] [--only /rgu]
"""
import argparse
import collections
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from load_common import cpu_seconds  # noqa: E402
from load_gateway import received  # noqa: E402

from tests.site import running_site  # noqa: E402

TARGET_P95_MS, TARGET_KB = 150.0, 500.0
PROJECTS = ("mediation", "civic-identity", "cultural-diversity", "ethnocultural-genesis")
RGU, KGU = "rgu@kelisim.kz", "turkistan@kelisim.kz"
REGION = "KZ-61"  # Turkistan, the KGU coordinator's region
COMPONENTS = ("gateway", "registry", "projects", "reports", "notifications")

# page (as declared by @page) -> (who reads it: "rgu" | "kgu" | None for the default, the
# API calls serving the same data: paths under /api/v1 with {placeholders} of FILL, or a
# full path). Read from each page's RPC calls; a page not listed is measured alone.
PAIRS = {
    "/rgu": (None, ["/regions", "/reporting-rates", "/programme/summary", "/projects"]),
    "/rgu/regions/<region_code>": (None, [
        "/regions", "/tasks?region={region}&overdue=true&sort=due_date&limit=200",
        "/reports?region={region}&overdue=true&sort=due_date&limit=200", "/projects"]),
    "/rgu/risks/<int:probability>/<int:impact>": (None, [
        "/regions", "/programme/summary", "/projects", "{risk_calls}"]),
    "/kgu": ("kgu", [
        "/plans?region={region}&limit=50",
        "/tasks?region={region}&overdue=true&sort=due_date&limit={tasks_shown}",
        "/tasks?region={region}&overdue=false&due_after={today}&sort=due_date"
        "&limit={tasks_shown2}",
        "/reports?region={region}&missing=true&sort=due_date&limit=50",
        "/inbox?unread=true&limit={inbox_shown}", "/regions", "/projects",
        "/report-templates"]),
    "/plans": (None, ["/plans?limit=100", "/projects", "/regions"]),
    "/plans/<int:plan_id>": (None, ["/plans/{plan}", "/plans/{plan}/tasks",
                                    "/plans/{plan}/baseline", "/plans/{plan}/history",
                                    "/plans/{plan}/budget-lines", "/plans/{plan}/risks",
                                    "/projects/{project}", "/regions"]),
    "/plans/<int:plan_id>/tasks/<int:task_id>": (None, [
        "/plans/{plan}", "/tasks/{task}", "/plans/{plan}/tasks", "/tasks/{task}/history?limit=50",
        "/people?region={region}", "/org-units?region={region}", "/plans/{plan}/baseline"]),
    "/reports": ("kgu", ["/regions", "/report-templates",
                         "/reports?missing=true&sort=due_date&limit=200",
                         "/reports?missing=false&sort=-period_start&limit=20"]),
    "/reports/<int:report_id>": (None, ["/reports/{report}", "/report-templates/{template}",
                                        "/reports/{report}/history", "/regions"]),
    "/review": (None, ["/regions", "/report-templates",
                       "/reports?status=submitted&sort=due_date&limit=200",
                       "/reports?status=accepted&sort=-id&limit=10",
                       "/reports?status=returned&sort=due_date&limit=20"]),
    "/review/rates": (None, ["/reporting-rates", "/regions", "/report-templates"]),
    "/review/rollups": (None, ["/regions", "/report-templates",
                               "/rollups?template={first_template}"]),
    "/inbox": ("kgu", ["/inbox?limit=20&offset=0"]),
    "/inbox/preferences": ("kgu", ["/preferences", "/preferences/language"]),
    "/webhooks": ("kgu", ["/webhooks"]),
    "/registry": (None, ["/regions", "/org-units?kind=kgu"]),
    "/registry/structures": (None, ["/structure-types", "/structures?limit=20&offset=0",
                                    "/regions"]),
    "/registry/people": (None, ["/people", "/org-units", "/regions"]),
    "/registry/organisations": (None, ["/organisations?limit=20&offset=0", "/regions"]),
    "/events": (None, ["/events?limit=20&offset=0", "/events/stats?by=region",
                       "/event-kinds", "/regions"]),
    "/events/<int:event_id>": (None, ["/events/{event}", "/events/{event}/history",
                                      "/event-kinds", "/regions",
                                      "/org-units/{event_unit}"]),
    "/events/new": (None, ["/event-kinds", "/regions"]),
    "/account": (None, ["/session", "/tokens"]),
    "/docs": (None, ["/openapi.json"]),
}
# the query a page needs (it answers 404 without one)
PAGE_QUERY = {}
# a path value of a page -> the key of the data (see load_data) that fills it
FILL = {"plan_id": "plan", "task_id": "task", "report_id": "report",
        "template_id": "template", "region_code": "region", "region": "region",
        "event_id": "event", "code": "project", "probability": "cell_p",
        "impact": "cell_i"}
PARAM = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


# -- the pages, from the code ---------------------------------------------------------

def page_routes():
    """Every GET page of GatewayService: [(path as declared, PageSpec)], sorted."""
    from gateway.entrypoints.service import GatewayService

    found = {}
    for name in dir(GatewayService):
        spec = getattr(getattr(GatewayService, name, None), "page_spec", None)
        if spec is not None and spec.method == "GET":
            found[spec.path] = spec
    return sorted(found.items())


def fill(path, data):
    """``path`` with its <values> from ``data``, or None when one cannot be filled."""
    missing = []

    def value(match):
        key = FILL.get(match.group(1))
        if key is None or data.get(key) is None:
            missing.append(match.group(1))
            return ""
        return str(data[key])

    filled = PARAM.sub(value, path)
    return None if missing else filled


# -- the data -------------------------------------------------------------------------

def _pages(site, path, **params):
    """Every item of a paged API listing (admin token)."""
    items, offset = [], 0
    while True:
        query = "&".join(f"{k}={v}" for k, v in dict(params, limit=200, offset=offset).items())
        page = site.api("GET", f"{path}?{query}", expect=200).json()
        items += page["items"]
        offset += 200
        if offset >= page["total"]:
            return items


def _values(template):
    """Values of a template's fields that pass its rules (every number 0)."""
    values = {}
    for spec in template["fields"]:
        kind = spec["type"]
        if kind == "choice":
            values[spec["code"]] = spec["choices"][0]
        elif kind in ("text", "string"):
            values[spec["code"]] = "Жоспар бойынша орындалды."
        elif kind == "date":
            values[spec["code"]] = date.today().isoformat()
        elif kind == "boolean":
            values[spec["code"]] = True
        else:
            values[spec["code"]] = "0" if kind in ("money", "decimal", "percent") else 0
    return values


def load_data(site, say):
    """The four projects rolled out, a year of reports owed and some submitted, accepted
    and returned; returns the values FILL reads and the counts."""
    year = date.today().year
    made = {"tasks": 0, "assignments": 0, "plans": 0}
    for code in PROJECTS:
        answer = site.api("POST", f"/projects/{code}/rollouts", expect=201,
                          json={"year": year, "regions": "all"}).json()
        made["plans"] += len(answer["created"])
        made["tasks"] += answer["tasks"]
        made["assignments"] += answer["assignments"]
    say(f"rolled out {len(PROJECTS)} projects for {year}: {made}")
    plans = _pages(site, "/plans")
    for number, plan in enumerate(plans):  # three risks a plan, spread over the heat map
        for k in range(3):
            site.api("POST", f"/plans/{plan['id']}/risks", expect=201, json={
                "title": f"Тәуекел {k + 1}", "probability": 1 + (number + k) % 5,
                "impact": 1 + (number * 2 + k) % 5})
    say(f"{3 * len(plans)} risks added to {len(plans)} plans")
    listed = site.api("GET", "/regions", expect=200).json()
    regions = [r["code"] for r in (listed["items"] if isinstance(listed, dict) else listed)]
    for region in regions:  # ten events held a year in each region
        for month in range(1, 11):
            site.api("POST", "/events", expect=201, json={
                "starts_at": f"{year}-{month:02d}-15T10:00:00", "kind": "meeting",
                "region": region, "title_kk": f"Келісім кеңесінің отырысы {month}",
                "participants": 20 + month, "languages": ["kk", "ru"]})
    say(f"{10 * len(regions)} events recorded")
    # the quarterly templates again, owed from a year back (the job collects 366 days)
    reference = (ROOT / "services/reports/reference/templates.json").read_text()
    since = (date.today() - timedelta(days=365)).isoformat()
    for template in json.loads(reference):
        if template["period_type"] == "quarterly":
            site.api("POST", "/report-templates", expect=201,
                     json=dict(template, active_from=since))
    templates = {t["id"]: t for t in site.api("GET", "/report-templates", expect=200).json()}
    say(f"collection job run now: {run_collection(site)}")
    reports = _pages(site, "/reports")
    today = date.today().isoformat()
    past = [r for r in reports if r["due_date"] < today]
    submitted = accepted = returned = 0
    for number, report in enumerate(past):
        if number % 3 == 2:
            continue  # a third stays owed (overdue)
        template = templates.get(report["template_id"]) or site.api(
            "GET", f"/report-templates/{report['template_id']}", expect=200).json()
        done = site.api("POST", f"/reports/{report['id']}/submit", expect=200, json={
            "version": report["version"], "values": _values(template)}).json()
        submitted += 1
        if number % 3 == 0 and number % 2 == 0:
            site.api("POST", f"/reports/{report['id']}/accept", expect=200,
                     json={"version": done["version"]})
            accepted += 1
        elif number % 9 == 1:
            site.api("POST", f"/reports/{report['id']}/return", expect=200, json={
                "version": done["version"], "comment": "Қатысушылар саны көрсетілмеген."})
            returned += 1
    say(f"{len(reports)} reports ({len(past)} of past periods): {submitted} submitted, "
        f"{accepted} accepted, {returned} returned")
    plan = max((p for p in plans if p["region_code"] == REGION),
               key=lambda p: len(site.api("GET", f"/plans/{p['id']}/tasks", expect=200).json()))
    tasks = site.api("GET", f"/plans/{plan['id']}/tasks", expect=200).json()
    task = next(t for t in tasks if t.get("kind") != "phase")
    mine = [r for r in reports if r["region_code"] == REGION]
    report = next((r for r in _pages(site, "/reports", region=REGION, status="submitted")),
                  mine[0])
    events = site.api("GET", f"/events?region={REGION}&limit=1",
                      expect=200).json().get("items") or [None]
    template_code = templates[report["template_id"]]["code"] \
        if report["template_id"] in templates else report.get("template_code")
    summary = site.api("GET", "/programme/summary", expect=200).json()
    heat = summary["totals"]["risk_heat_map"]
    cell = max(heat["project"]["cells"].items(), key=lambda item: int(item[1]))[0]
    cell_p, cell_i = (int(n) for n in cell.split(","))
    # the cell's open risks across every plan, one page (the page's one call since 993cc27)
    risk_calls = [f"/risks?probability={cell_p}&impact={cell_i}&status=open&limit=200&offset=0"]
    from gateway.entrypoints import web_region  # how much the KGU home lists

    shown = getattr(web_region, "TASKS_SHOWN", 20)
    data = {"today": date.today().isoformat(), "tasks_shown": shown, "tasks_shown2": 2 * shown,
            "inbox_shown": getattr(web_region, "INBOX_SHOWN", 5),
            "first_template": min(t["code"] for t in templates.values()),
            "cell_p": cell_p, "cell_i": cell_i, "risk_calls": risk_calls,
            "plan": plan["id"], "task": task["id"], "report": report["id"],
            "template": report["template_id"], "template_code": template_code,
            "region": REGION, "project": plan["project_code"],
            "event": events[0]["id"] if events[0] else None,
            "event_unit": events[0]["org_unit_id"] if events[0] else None}
    total_tasks = site.api("GET", "/tasks?limit=1", expect=200).json()["total"]
    return data, {"tasks": total_tasks, "plans": made["plans"], "reports": len(reports),
                  "submitted": submitted, "accepted": accepted, "returned": returned,
                  "assignments": made["assignments"]}


# the reports service's job, called as the RGU does over RPC (its timer runs hourly; the
# standalone proxy needs eventlet's patching, so it runs in a process of its own)
COLLECT = """
import eventlet; eventlet.monkey_patch()
import sys
from nameko.standalone.rpc import ServiceRpcProxy
actor = {"id": "bench", "role": "rgu_admin", "region": None}
with ServiceRpcProxy("reports", {"AMQP_URI": sys.argv[1], "serializer": "json"},
                     context_data={"actor": actor}, timeout=600) as reports:
    print(reports.run_collection())
"""


def run_collection(site):
    """The reports' collection job, run once now; what it answered (text)."""
    done = subprocess.run([sys.executable, "-c", COLLECT, site.env["KELISIM_AMQP_URI"]],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def wait_quiet(site, assignments, say):
    """Until notifications has taken in every task_assigned event of the rollouts."""
    data_dir = site.env["KELISIM_DATA_DIR"]
    deadline = time.monotonic() + 600
    while received(data_dir, {}, "task_assigned") < assignments:
        assert time.monotonic() < deadline, "the rollouts' events were not consumed"
        time.sleep(1)
    say(f"notifications took in {assignments} task_assigned events")
    time.sleep(5)


# -- measuring ------------------------------------------------------------------------

def component_pids(site):
    """{component: pid} of the `kelisim_platform.cli.serve COMPONENT` processes of this site."""
    marker = f"KELISIM_GATEWAY_ADDRESS={site.env['KELISIM_GATEWAY_ADDRESS']}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            if b"kelisim_platform.cli.serve" not in cmdline:
                continue
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
        except OSError:
            continue
        found[cmdline[cmdline.index(b"kelisim_platform.cli.serve") + 1].decode()] = int(entry.name)
    assert set(found) == set(COMPONENTS), found
    return found


def p50_p95(seconds):
    ms = sorted(s * 1000 for s in seconds)
    cuts = statistics.quantiles(ms, n=20, method="inclusive")
    return cuts[9], cuts[18]


def timed(session, base, paths, count, warmup, pids, headers=None):
    """``count`` sequential loads of ``paths`` (one after another, timed as one), after
    ``warmup``; p50/p95 ms, statuses seen, each component's CPU ms per load."""
    def once():
        statuses = []
        for path in paths:
            response = session.get(base + path, headers=headers, timeout=120,
                                   allow_redirects=False)
            response.content  # noqa: B018  (to the last byte)
            statuses.append(response.status_code)
        return statuses

    for _ in range(warmup):
        once()
    seen, times = collections.Counter(), []
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    for _ in range(count):
        started = time.perf_counter()
        seen.update(once())
        times.append(time.perf_counter() - started)
    cpu = {name: (cpu_seconds(pid) - before[name]) * 1000 / count for name, pid in pids.items()}
    p50, p95 = p50_p95(times)
    return {"p50": p50, "p95": p95, "statuses": dict(seen), "cpu": cpu}


class Assets(HTMLParser):
    """Same-origin stylesheets and scripts an HTML page references."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower().split()
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and (
                "stylesheet" in rel or "modulepreload" in rel or
                ("preload" in rel and attrs.get("as") in ("script", "style"))):
            self.urls.append(attrs["href"])


def weight(session, base, path):
    """Bytes of a first visit: {sent, raw, gzip, files, compressed (did the gateway
    answer gzip?)}."""
    origin = urlsplit(base)
    response = session.get(base + path, timeout=120, allow_redirects=False,
                           headers={"Accept-Encoding": "gzip"}, stream=True)
    files = [(path, response)]
    parser = Assets()
    body = response.content
    parser.feed(body.decode("utf-8", errors="replace"))
    for url in dict.fromkeys(parser.urls):
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != origin.netloc:
            continue  # another origin: none should exist (issue 15), not counted here
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        files.append((local, session.get(base + local, timeout=120, stream=True,
                                         headers={"Accept-Encoding": "gzip"})))
    sent = raw = packed = 0
    compressed = False
    for _name, answer in files:
        content = answer.content
        encoding = answer.headers.get("Content-Encoding", "")
        compressed |= "gzip" in encoding
        sent += int(answer.headers.get("Content-Length") or len(content))
        raw += len(content)
        packed += len(gzip.compress(content, 6))
    return {"sent": sent, "raw": raw, "gzip": packed, "files": len(files),
            "compressed": compressed, "names": [name for name, _ in files]}


# -- profiling ------------------------------------------------------------------------

SPY = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
# where a gateway sample's time is counted: the innermost frame matching (file or name)
CATEGORIES = (
    ("templates (jinja2)", ("jinja2/", "/templates/", "gateway/web/render.py")),
    ("Babel formats", ("babel/",)),
    ("page code (web entrypoints, view models)", ("gateway/entrypoints/web_",
                                                  "gateway/service_layer/", "gateway/web/")),
    ("catalogue texts (gettext)", ("gettext.py", "kelisim/i18n.py")),
    ("socket writes and reads to the broker (eventlet GreenSocket)", ("eventlet/greenio",)),
    ("JSON/kombu (de)serialise", ("json/", "orjson", "kombu/serialization", "simplejson")),
    ("gateway database (session, accounts)", ("sqlalchemy/", "sqlite3", "psycopg2")),
    ("marshmallow schemas", ("marshmallow/",)),
    ("AMQP publish/receive (kombu, py-amqp)", ("amqp/", "kombu/")),
    ("nameko machinery", ("nameko/",)),
    ("HTTP (werkzeug, eventlet.wsgi)", ("werkzeug/", "eventlet/wsgi")),
    ("eventlet scheduling", ("eventlet/", "greenlet")),
)


def _frames(stack):
    return [frame for frame in stack.split(";") if frame]


def _category(frames):
    if not frames:
        return "no Python frame (native code, GC)"
    leaf = frames[-1]
    if "eventlet/hubs" in leaf or ("select" in leaf and "hubs" in ";".join(frames[-3:])):
        return "waiting (hub idle: services' answers, the client)"
    for frame in reversed(frames):
        for name, marks in CATEGORIES:
            if any(mark in frame for mark in marks):
                return name
    return "other Python"


def profile(pids, load, seconds_hint, folder):
    """``load()`` under py-spy (every process of ``pids``); {name: collapsed stacks}."""
    spies, outputs = {}, {}
    for name, pid in pids.items():
        outputs[name] = Path(folder) / f"{name}.txt"
        spies[name] = subprocess.Popen(
            [SPY, "record", "--pid", str(pid), "--rate", "250", "--format", "raw",
             "--duration", str(int(seconds_hint) + 30), "--nonblocking", "--idle",
             "--output", str(outputs[name])],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(2)
    started = time.perf_counter()
    load()
    took = time.perf_counter() - started
    for spy in spies.values():
        spy.send_signal(2)  # SIGINT: py-spy writes what it has
    stacks = {}
    for name, spy in spies.items():
        try:
            spy.wait(timeout=60)
        except subprocess.TimeoutExpired:
            spy.kill()
        counts = collections.Counter()
        if outputs[name].exists():
            for line in outputs[name].read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                if stack.startswith("Thread._bootstrap"):
                    continue  # other threads (eventlet's tpool, exporters): not the hub
                if count.isdigit():
                    counts[stack] += int(count)
        stacks[name] = counts
    return stacks, took


def report_profile(stacks, requests, took):
    gateway = stacks.get("gateway") or collections.Counter()
    total = sum(gateway.values()) or 1
    by = collections.Counter()
    for stack, count in gateway.items():
        by[_category(_frames(stack))] += count
    wall_ms = took * 1000 / requests
    print(f"\ngateway, {requests} requests, {wall_ms:.1f} ms each at the client "
          f"({total} samples at 250/s, idle included):")
    for name, count in by.most_common():
        print(f"  {name:<52}{count / total:>6.1%}  ~{wall_ms * count / total:6.1f} ms/request")
    for name, counts in stacks.items():
        busy = collections.Counter()
        all_samples = sum(counts.values()) or 1
        for stack, count in counts.items():
            frames = _frames(stack)
            if frames and _category(frames).startswith("waiting"):
                continue
            for frame in set(frames):  # inclusive, each function once per sample
                busy[frame] += count
        awake = sum(c for s, c in counts.items()
                    if not _category(_frames(s)).startswith("waiting"))
        busy = collections.Counter({frame: count for frame, count in busy.items()
                                    if count < 0.9 * awake})  # not the roots
        print(f"\n{name}: busy {awake / all_samples:.0%} of the samples; top functions "
              f"(inclusive share of busy samples):")
        for frame, count in busy.most_common(14):
            print(f"  {count / max(1, awake):6.1%}  {frame[:130]}")


# -- the run --------------------------------------------------------------------------

def load_text():
    return open("/proc/loadavg").read().strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--profile", nargs="?", const="slowest", action="append",
                        metavar="PAGE", help="py-spy a page (as declared or as measured; "
                        "alone: the slowest by p95) while it is read --requests times "
                        "again; may be repeated (needs py-spy on PATH or in .venv)")
    parser.add_argument("--only", action="append", help="measure only these pages")
    args = parser.parse_args()

    def say(text):
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    say(f"start; {os.cpu_count()} cores, load average {load_text()}")
    # a four-project rollout on a loaded machine can take longer than the default 10 s;
    # and under load a page's optional parts must not be left out (faster, and wrong)
    with running_site(KELISIM_RPC_TIMEOUT="120", KELISIM_OPTIONAL_RPC_TIMEOUT="120") as site:
        pids = component_pids(site)
        data, counts = load_data(site, say)
        wait_quiet(site, counts["assignments"], say)
        readers = {"rgu": site.reader(RGU), "kgu": site.reader(KGU)}
        say(f"data: {counts}; filled with {data}; load average {load_text()}")
        rows, skipped = [], []
        for path, spec in page_routes():
            if args.only and path not in args.only:
                continue
            url = fill(path, data)
            if url is None:
                skipped.append(path)
                continue
            who, calls = PAIRS.get(path, (None, []))
            if who is None:
                who = "kgu" if spec.roles and "rgu_admin" not in spec.roles else "rgu"
            reader = readers[who]
            api = [call if call.startswith("/openapi") else "/api/v1" + call.format(**data)
                   for listed in calls
                   for call in (data[listed[1:-1]] if listed[1:-1] in data and isinstance(
                       data[listed[1:-1]], list) else [listed])]
            url += PAGE_QUERY.get(path, "").format(**data)
            page = timed(reader.http, site.url, [url], args.requests, args.warmup, pids)
            paired = timed(reader.http, site.url, api, args.requests, args.warmup, pids,
                           headers={"Cache-Control": "no-cache"}) if api else None
            heavy = weight(reader.http, site.url, url)
            rows.append({"path": path, "url": url, "who": who, "page": page, "api": paired,
                         "calls": api, "weight": heavy})
            say(f"{url} ({who}): p50 {page['p50']:.0f} p95 {page['p95']:.0f} ms "
                f"{page['statuses']}; API " + (f"{paired['p50']:.0f}/{paired['p95']:.0f} ms "
                                              f"{paired['statuses']}" if paired else "none")
                + f"; {heavy['sent'] / 1000:.0f} kB sent; load {load_text()}")
        say(f"measured; load average {load_text()}")
        slowest = max(rows, key=lambda r: r["page"]["p95"]) if rows else None
        profiled = []
        for wanted in args.profile or []:
            row = slowest if wanted == "slowest" else next(
                (r for r in rows if wanted in (r["path"], r["url"])), None)
            if row is None:
                continue
            reader = readers[row["who"]]
            folder = tempfile.mkdtemp(prefix="web-pages-profile-")  # kept: py-spy's stacks
            profiled.append((row, *profile(
                pids, lambda row=row, reader=reader: timed(
                    reader.http, site.url, [row["url"]], args.requests, 0, {}),
                args.requests * row["page"]["p50"] / 1000 * 1.5, folder), folder))

    print(f"\nweb pages, {args.requests} sequential requests each after {args.warmup} of "
          f"warm-up, one keep-alive session; API: the page's data from the API, the calls "
          f"one after another (Cache-Control: no-cache). {counts['tasks']} tasks in "
          f"{counts['plans']} plans, {counts['reports']} reports ({counts['submitted']} "
          f"submitted, {counts['accepted']} accepted, {counts['returned']} returned).")
    print(f"{'page':<40}{'as':<5}{'p50':>7}{'p95':>7}  {'target':<12}{'API p50/p95':>14}"
          f"{'calls':>6}{'CPU page/API':>14}  {'sent kB':>8}{'gzip kB':>8}  weight")
    for row in rows:
        page, api, heavy = row["page"], row["api"], row["weight"]
        fast = "meets" if page["p95"] < TARGET_P95_MS else "MISSES"
        light = "meets" if heavy["sent"] / 1000 < TARGET_KB else "MISSES"
        bad = {s: n for s, n in page["statuses"].items() if s != 200}
        api_text = f"{api['p50']:.0f}/{api['p95']:.0f}" if api else "—"
        cpu = f"{sum(page['cpu'].values()):.0f}/" + (f"{sum(api['cpu'].values()):.0f}"
                                                      if api else "—")
        print(f"{row['url']:<40}{row['who']:<5}{page['p50']:>7.0f}{page['p95']:>7.0f}  "
              f"{'<150 ' + fast:<12}{api_text:>14}{len(row['calls']):>6}{cpu:>14}  "
              f"{heavy['sent'] / 1000:>8.0f}{heavy['gzip'] / 1000:>8.0f}  {light}"
              + (f"  (statuses {bad})" if bad else ""))
    print("CPU page/API: milliseconds of CPU all five processes spent per load of the page "
          "/ of its API calls (/proc/<pid>/stat; the machine's load does not inflate it "
          "as it does the wall time)")
    print(f"targets: server time p95 < {TARGET_P95_MS:g} ms; first visit < {TARGET_KB:g} kB "
          f"as sent (the gateway compresses: "
          f"{'yes' if any(r['weight']['compressed'] for r in rows) else 'no'})")
    if skipped:
        print("not measured (a path value this benchmark cannot fill):", ", ".join(skipped))
    print("\nCPU ms per load (page | its API calls):")
    for row in rows:
        cpu = ", ".join(f"{n} {ms:.1f}" for n, ms in row["page"]["cpu"].items() if ms >= 0.05)
        api = ", ".join(f"{n} {ms:.1f}" for n, ms in row["api"]["cpu"].items()
                        if ms >= 0.05) if row["api"] else "—"
        print(f"  {row['url']:<40}{cpu}  |  {api}")
    print("\nAPI calls paired with each page:")
    for row in rows:
        print(f"  {row['url']}: {', '.join(row['calls']) or '—'}; weight: "
              f"{', '.join(row['weight']['names'])}")
    for row, stacks, took, folder in profiled:
        print(f"\nprofile of {row['url']} (py-spy --idle, collapsed stacks in {folder}):")
        report_profile(stacks, args.requests, took)
    print(f"\nload average at the end: {load_text()}")


if __name__ == "__main__":
    main()
