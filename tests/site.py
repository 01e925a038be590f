"""The platform started as `make run` starts it (``kelisim run``: every component, SQLite,
its own vhost, data folder and ports), with people who sign in: for the web pages' tests
(tests/integration/web/) and the browser tests (tests/browser/).

``running_site()`` is a context manager yielding a :class:`Site`; the fixture ``site`` in
tests/integration/web/conftest.py shares one among all the web modules (and
tests/browser/conftest.py one among the browser tests), so a test that changes what
another reads makes its own people (:meth:`Site.person`) or regions.
"""
import contextlib
import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from gateway.adapters.accounts import AccountRepository
from gateway.service_layer import accounts
from tests.support import free_port, on_database

ROOT = Path(__file__).resolve().parents[1]
API = "/api/v1"
ADMIN_TOKEN = "site-admin-token-" + "x" * 24
PASSWORD = "Сенім-2026 kelisim"
# who signs in: login -> (role, region); coordinators of Turkistan and of Almaty city
PEOPLE = {"rgu@kelisim.kz": ("rgu_admin", None),
          "observer@kelisim.kz": ("observer", None),
          "turkistan@kelisim.kz": ("kgu_coordinator", "KZ-61"),
          "almaty@kelisim.kz": ("kgu_coordinator", "KZ-75")}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@dataclass
class Reader:
    """A person's browser without a browser: a cookie jar signed in through the sign-in
    form, and the CSRF token the pages write into their forms."""

    url: str
    http: requests.Session = field(default_factory=requests.Session)
    csrf: str = None

    def get(self, path, **kwargs):
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        response = self.http.get(self.url + path, **kwargs)
        found = CSRF_FIELD.search(response.text) if response.ok else None
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path, data=None, csrf=True, **kwargs):
        """A form posted as the browser posts it (url-encoded, the CSRF field added)."""
        data = dict(data or {})
        if csrf and self.csrf:
            data.setdefault("csrf_token", self.csrf)
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return self.http.post(self.url + path, data=data, **kwargs)


@dataclass
class Site:
    url: str
    env: dict
    log: Path
    logins: dict = field(default_factory=dict)  # login -> account

    def api(self, method, path, token=ADMIN_TOKEN, expect=None, **kwargs):
        """A call of the JSON API with a bearer token (the bootstrap administrator's)."""
        kwargs.setdefault("timeout", 120)
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en",
                   **kwargs.pop("headers", {})}
        response = requests.request(method, self.url + API + path, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, response.status_code,
                                                    response.text[:2000])
        return response

    def reader(self, login=None, lang=None):
        """A :class:`Reader`, signed in as ``login`` (one of PEOPLE) unless None; ``lang``
        sets the page language cookie (kk when None, as for a first visit)."""
        reader = Reader(self.url)
        if lang:
            reader.http.cookies.set("kelisim_lang", lang)
        if login:
            reader.get("/sign-in")
            signed = reader.post("/sign-in", {"login": login, "password": PASSWORD,
                                              "next": "/"}, csrf=False)
            assert signed.status_code == 303, (signed.status_code, signed.text[:2000])
            reader.get("/account")  # the session's CSRF token, from a page's form
        return reader

    def person(self, role="kgu_coordinator", region=None):
        """A new account of its own (a unique login, PASSWORD set), for a test that changes
        what the account shows or may do (its password, its tokens, its inbox): returns
        the login. ``region``: a KGU coordinator's region code."""
        login = f"{role.split('_')[0]}-{(region or 'rk').lower()}-{uuid.uuid4().hex[:8]}" \
                f"@kelisim.kz"
        self.logins[login] = _make_person(self, login, role, region)
        return login

    def cli(self, *argv):
        done = subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", *argv], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout


def _make_people(site):
    for login, (role, region) in PEOPLE.items():
        site.logins[login] = _make_person(site, login, role, region)


def _make_person(site, login, role, region):
    """An account ``login`` with ``role`` (a KGU coordinator: of ``region``'s KGU, a person
    of the registry), its password set to PASSWORD; returns the API's account."""
    body = {"login": login, "role": role, "send_invitation": False}
    if role == "kgu_coordinator":
        kgu = site.api("GET", f"/regions/{region}/kgu", expect=200).json()["org_unit"]
        person = site.api("POST", "/people", expect=201, json={
            "full_name": f"Үйлестіруші {region}", "org_unit_id": kgu["id"],
            "email": f"{login.split('@')[0]}.{uuid.uuid4().hex[:6]}@example.kz"}).json()
        body["person_id"] = person["id"]
    else:
        body.update(display_name_kk=f"Қызметкер {login.split('@')[0]}",
                    display_name_ru=f"Сотрудник {login.split('@')[0]}")
    account = site.api("POST", "/accounts", expect=201, json=body).json()
    # the link `kelisim account link` prints, issued on the gateway's database here
    # (a CLI run per person cost seconds of imports on a loaded machine)
    token = on_database(f"sqlite:///{site.env['KELISIM_DATA_DIR']}/gateway.db",
                        AccountRepository,
                        lambda uow: accounts.issue_link(uow, account["id"]))[2]
    site.api("POST", "/password", token=None, expect=204,
             json={"token": token, "password": PASSWORD})
    return account


def _stop_with_parent():
    """In the child before exec: SIGTERM (kelisim run then stops every component) when the
    test process dies without its teardown (pytest-timeout's exit, a kill): no platform
    left running on a vhost nobody deletes."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def running_site(**settings):
    """``kelisim run`` on a vhost, data folder and ports of its own (``settings``: more
    KELISIM_* variables), the people of PEOPLE made with their passwords; killed
    afterwards and its vhost deleted."""
    vhost = f"kelisim-site-{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    folder = Path(tempfile.mkdtemp(prefix="kelisim-site-"))
    env = dict(os.environ, KELISIM_AMQP_URI=f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
               KELISIM_DATA_DIR=str(folder / "var"), KELISIM_ADMIN_TOKEN=ADMIN_TOKEN,
               KELISIM_GATEWAY_ADDRESS=f"127.0.0.1:{free_port()}", KELISIM_LOG_LEVEL="WARNING",
               **settings)
    for component in ("registry", "projects", "reports", "notifications", "gateway"):
        env[f"KELISIM_{component.upper()}_METRICS_PORT"] = str(free_port())
    log = folder / "platform.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kelisim_platform.cli.main", "run"], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_stop_with_parent)
    site = Site(url=f"http://{env['KELISIM_GATEWAY_ADDRESS']}", env=env, log=log)
    try:
        deadline = time.monotonic() + 120
        while "started; gateway on" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "kelisim run did not start:\n" + log.read_text()
            time.sleep(0.2)
        _make_people(site)
        yield site
    finally:
        if proc.poll() is None:
            # killed at once, launcher and components (its process group): a clean stop is
            # tested elsewhere (tests/e2e) and these data are thrown away; waiting for one
            # after Ctrl-C cost up to 8 s and more per platform on a loaded machine
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        rabbitmqctl("delete_vhost", vhost)
        shutil.rmtree(folder, ignore_errors=True)
