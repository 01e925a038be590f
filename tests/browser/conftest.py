"""The web interface in a real browser: headless Chromium from Debian's ``chromium`` package
(/usr/bin/chromium), driven by Playwright (PyPI), against the platform started as
``make run`` starts it (``kelisim run``) on a vhost, data folder and ports of its own.

- ``site`` (one for the whole package, so the suite stays near two minutes: the journeys
  run first and leave the report returned): the platform of tests/site.py (``running_site``: people who
  sign in with a password: the RGU's administrator, an observer, Turkistan's (KZ-61) and
  Almaty's (KZ-75) KGU coordinators), with mediation rolled out to both regions and a
  quarterly report template whose reports the collection job made.
- ``browser`` (one per run): Chromium, launched once (a fresh profile, no downloads).
- ``tab(who)``: a new browser context of its own (cookies), signed in as ``who`` unless
  ``who`` is None. A tab fails the test at the step where the page wrote an error to the
  console or threw (an answer's status the step expected, such as a 403, excepted), and
  keeps a screenshot of every page it shows in ``var/test-artefacts/browser/<test>/``
  (``<n>-<who>-<name>.png``); ``tab.check_accessibility()`` runs axe-core on the page.

Without /usr/bin/chromium the tests are skipped saying so; with
``KELISIM_REQUIRE_BROWSER=1`` (set by .ci/run, which installs the package) they fail.
"""
import functools
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from tests.browser.samples import LOGINS, OTHER, OWN, TEMPLATE
from tests.site import PASSWORD, running_site
from tests.support_reports import mediation_template

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("KELISIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = ROOT / "gateway" / "web" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = ROOT / "var" / "test-artefacts" / "browser"
SERIOUS = ("serious", "critical")


def _chromium_missing():
    return None if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK) else (
        f"{CHROMIUM} not found: the browser tests need Debian's chromium package "
        f"(apt-get install chromium; .ci/run installs it)")


@pytest.fixture(scope="session")
def chromium():
    """The browser's path; skips (fails with KELISIM_REQUIRE_BROWSER=1) without it."""
    missing = _chromium_missing() or (None if AXE.is_file() else
                                      f"{AXE} not found: run make install (npm ci)")
    if missing:
        if os.environ.get("KELISIM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KELISIM_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium, tmp_path_factory):
    """Headless Chromium, once per run; never a browser Playwright would download."""
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    try:
        launched = driver.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS,
                                          headless=True)
        yield launched
        launched.close()
    finally:
        _stop_driver(driver)


def _stop_driver(driver):
    """End Playwright's driver process. Not ``driver.stop()``: it waits for the process
    with asyncio's child watcher, whose thread eventlet (patched in by tests/conftest.py)
    turns green while asyncio's loop blocks the real thread in epoll — it never returns."""
    manager = getattr(driver.stop, "__self__", None)
    proc = getattr(getattr(getattr(manager, "_client", None), "_transport", None), "_proc", None)
    if proc is None or proc.returncode is not None:
        return
    proc.kill()


# the platform


@pytest.fixture(scope="package")
def site(chromium):
    """tests/site.py's platform (the collection job every 2 s), mediation rolled out to
    Turkistan and Almaty and a quarterly report template collected for this quarter."""
    with running_site(KELISIM_REPORTS_JOB_INTERVAL="2") as running:
        trace("platform log", running.log)
        running.api("POST", "/projects/mediation/rollouts", expect=201, json={
            "year": time.gmtime().tm_year, "regions": [OWN, OTHER]})
        running.api("POST", "/report-templates", expect=201, json=mediation_template(
            code=TEMPLATE, active_from="2020-01-01"))
        deadline = time.monotonic() + 120
        while not running.api("GET", "/reports", expect=200, params={
                "template": TEMPLATE, "region": OWN}).json()["items"]:
            assert time.monotonic() < deadline, "the collection job made no report"
            time.sleep(0.3)
        yield running


# the browser's tabs


class BrowserProblem(AssertionError):
    pass


def trace(*words):
    """With KELISIM_BROWSER_TRACE=1: each step on stderr as it happens (a hang shows where)."""
    if os.environ.get("KELISIM_BROWSER_TRACE") == "1":
        print(time.strftime("%H:%M:%S"), "browser:", *words, file=sys.__stderr__, flush=True)


class Tab:
    """One person's browser context and page, with the console watched and each page
    shown kept as a screenshot."""

    def __init__(self, context, site, folder, who, counter):
        self.context, self.site, self.folder, self.who = context, site, folder, who
        self.counter = counter
        self.page = context.new_page()
        self.problems = []
        self.allowed = []  # (status, url) a step expects the browser to see refused
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(
            f"uncaught exception on {self.page.url}: {exc}"))

    def _console(self, message):
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        for status, url in self.allowed:  # "Failed to load resource: ... status of 403 ()"
            if f"status of {status}" in message.text and url in (None, where.split("?")[0]):
                return
        self.problems.append(f"console error on {self.page.url} ({where}): {message.text}")

    def check_console(self):
        """Fails with every console error and uncaught exception seen since the last check."""
        problems, self.problems[:] = list(self.problems), []
        if problems:
            raise BrowserProblem("the browser saw errors:\n  " + "\n  ".join(problems))

    def shot(self, name):
        """A full-page screenshot: ``<n>-<who>-<name>.png`` in the test's folder."""
        trace(self.who, "shot", name)
        self.counter[0] += 1
        safe = re.sub(r"[^\w.-]+", "-", name).strip("-") or "page"
        path = self.folder / f"{self.counter[0]:02d}-{self.who or 'anonymous'}-{safe}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def expect(self, status, path):
        """The next step is expected to meet ``status`` loading ``path`` (no error then)."""
        self.allowed.append((status, self.site.url + path))

    def go(self, path, name=None, status=200):
        """Open ``path``; the answer must have ``status`` (or one of a tuple of them).
        Screenshot, console checked."""
        trace(self.who, "go", path)
        wanted = status if isinstance(status, tuple) else (status,)
        for each in wanted:
            if each >= 400:
                self.expect(each, path)
        response = self.page.goto(self.site.url + path, wait_until="load")
        self.settle()
        self.shot(name or path)
        self._check_status(response and response.status, wanted, name or path)
        self.check_console()
        return response

    def _check_status(self, answered, wanted, name):
        if answered in wanted:
            return
        alert = self.page.locator("#main [role=alert], #main .field-error:not([hidden])")
        said = " | ".join(t.strip() for t in alert.all_inner_texts() if t.strip())
        problems, self.problems[:] = list(self.problems), []
        raise AssertionError(f"{name} as {self.who}: {answered} at {self.page.url}, wanted "
                             f"{' or '.join(map(str, wanted))}; the page says: {said!r}; "
                             f"the browser saw: {problems}")

    def settle(self):
        """Wait until the page is loaded and no htmx request is in flight (in the browser:
        see :meth:`navigate`)."""
        trace(self.who, "settle", self.page.url)
        self.page.wait_for_function("() => document.readyState === 'complete' && "
                                    "!document.querySelector('.htmx-request')", timeout=15000)

    def navigate(self, action, name, status=200):
        """``action()`` (a click, Enter in a form) loads a new page whose answer has
        ``status``: wait for it, screenshot, check the console.

        Waits only in the browser (a marker on the old page gone, the new one complete),
        never with Playwright's Python-side waiters (expect_navigation, "networkidle"):
        under eventlet (patched in by tests/conftest.py) they never return once a console
        listener is registered."""
        trace(self.who, "navigate", name)
        if status >= 400:
            self.allowed.append((status, None))
        self.page.evaluate("() => { window.__kelisimBefore = true; }")
        action()
        self.page.wait_for_function("() => window.__kelisimBefore === undefined && "
                                    "document.readyState === 'complete'", timeout=30000)
        self.settle()
        answered = self.page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].responseStatus")
        self.shot(name)
        self._check_status(answered, (status,), name)
        self.check_console()
        return answered

    def done(self, name):
        """After something changed the page in place (htmx): wait, screenshot, check the
        console."""
        self.settle()
        self.shot(name)
        self.check_console()

    def sign_in(self, who):
        """Through the sign-in form, as a person would."""
        self.go("/sign-in", "sign-in")
        self.page.locator("#login").fill(LOGINS[who])
        self.page.locator("#password").fill(PASSWORD)
        self.navigate(self.page.locator("form[action='/sign-in'] button[type=submit]").click,
                      "signed-in")

    def check_accessibility(self, name=None):
        """axe-core over the page as it is: fails listing every serious or critical
        violation (rule id, impact, what is wrong, the elements); the whole result is
        kept beside the screenshots when there is any."""
        trace(self.who, "axe", self.page.url)
        violations = check_accessibility(self.page)
        if violations:
            self.counter[0] += 1
            report = self.folder / f"{self.counter[0]:02d}-{self.who or 'anonymous'}-axe.json"
            report.write_text(json.dumps(violations, ensure_ascii=False, indent=1))
            raise BrowserProblem(f"axe-core on {self.page.url}"
                                 f"{' (' + name + ')' if name else ''}:\n"
                                 + describe(violations))
        self.check_console()


def check_accessibility(page):
    """The serious and critical violations axe-core finds on ``page`` (a list of axe's
    violation objects, empty when none)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated, not added as a <script> tag: no Content-Security-Policy stops it, and
        # add_script_tag's wait for the tag hangs under eventlet after a form's answer
        page.evaluate(_axe_source() + "\n;undefined")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [v for v in violations if v.get("impact") in SERIOUS]


@functools.cache
def _axe_source():
    return AXE.read_text()


def describe(violations):
    """axe's violations, readably: one block per rule, its elements below."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:8]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.fixture
def tab(browser, site, request):
    """``tab(who)``: a new signed-in browser (``who`` None: not signed in). Every tab's
    console is checked again when the test ends."""
    folder = ARTEFACTS / re.sub(r"[^\w.-]+", "-", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counter, opened = [0], []

    def open_tab(who="rgu", lang=None):
        context = browser.new_context(locale="kk-KZ", timezone_id="Asia/Almaty",
                                      viewport={"width": 1366, "height": 900})
        opened.append(Tab(context, site, folder, who, counter))
        if lang:
            context.add_cookies([{"name": "kelisim_lang", "value": lang, "url": site.url}])
        if who:
            opened[-1].sign_in(who)
        return opened[-1]

    yield open_tab
    try:
        for each in opened:
            each.check_console()
    finally:
        for each in opened:
            each.context.close()
