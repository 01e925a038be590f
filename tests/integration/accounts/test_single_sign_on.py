"""Single sign-on against a real OpenID Connect provider (panva's ``oidc-provider`` from npm,
run with node on loopback by the test): the authorisation code flow with PKCE through the
real gateway, the claim mapped to the account, and every way the answer can be wrong."""
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests

from tests.integration.gateway.helpers import problem
from tests.support import free_port
from tests.support_accounts import API, Platform

pytestmark = pytest.mark.broker
HERE = Path(__file__).with_name("oidc_provider.mjs")
PROVIDER_PACKAGE = "oidc-provider@9"
CLIENT_ID, CLIENT_SECRET = "kelisim-gateway", "oidc-test-secret"


@pytest.fixture(scope="session")
def provider_module():
    """oidc-provider installed with npm once into a cache folder (the path of its module)."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed to run a real OpenID Connect provider")
    cache = Path(os.environ.get("KELISIM_TEST_NPM_CACHE",
                                Path.home() / ".cache" / "kelisim-tests" / "oidc-provider"))
    module = cache / "node_modules" / "oidc-provider" / "lib" / "index.js"
    if not module.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(cache),
                        PROVIDER_PACKAGE], check=True, capture_output=True, timeout=300)
    return module


@pytest.fixture
def sso(start_gateway, provider_module):
    """The gateway configured for a provider started on a free loopback port after it."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    gateway = start_gateway(OIDC={"issuer": issuer, "client_id": CLIENT_ID,
                                  "client_secret": CLIENT_SECRET})
    callback = f"{gateway.url}{API}/sso/callback"
    proc = subprocess.Popen(["node", str(HERE), str(port), CLIENT_ID, CLIENT_SECRET, callback],
                            env=dict(os.environ, OIDC_PROVIDER_MODULE=str(provider_module)),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout.readline().startswith("ready"), "the OIDC provider did not start"
        yield Platform(gateway, None), callback
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action")
        if tag == "input" and attrs.get("name") and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")


def sign_in_at_provider(browser, start_url, callback, login):
    """Follow the browser from ``start_url`` through the provider's sign-in and consent
    forms until it is sent to ``callback``; returns that URL (not yet opened)."""
    url = start_url
    for _ in range(20):
        response = browser.get(url, allow_redirects=False, timeout=15)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(callback):
                return url
            continue
        form = _Form()
        form.feed(response.text)
        assert form.action, response.text[:500]
        fields = dict(form.fields)
        if fields.get("prompt") == "login" or 'name="login"' in response.text:
            fields.update(prompt="login", login=login, password="anything")
        posted = browser.post(urljoin(url, form.action), data=fields, allow_redirects=False,
                              timeout=15)
        assert posted.is_redirect, posted.text[:500]
        url = urljoin(url, posted.headers["Location"])
        if url.startswith(callback):
            return url
    raise AssertionError("the provider never sent the browser back")


def _start(platform):
    browser = requests.Session()
    started = browser.get(f"{platform.gateway.url}{API}/sso/login", allow_redirects=False,
                          timeout=15)
    assert started.status_code == 302, started.text
    return browser, started.headers["Location"]


def test_a_person_signs_in_through_the_provider_with_pkce(sso):
    platform, callback = sso
    account = platform.account("sso.person@example.kz", password=None)
    browser, authorize = _start(platform)
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["response_type"] == ["code"] and "openid" in query["scope"][0]
    assert "code_verifier" not in query
    back = sign_in_at_provider(browser, authorize, callback, "SSO.Person@example.kz")
    signed = browser.get(back, headers={"Accept-Language": "en"}, timeout=15)
    assert signed.status_code == 200, signed.text
    assert signed.json()["account"]["id"] == account["id"]
    assert "HttpOnly" in signed.headers["Set-Cookie"]
    me = browser.get(f"{platform.gateway.url}{API}/session", timeout=15).json()
    assert me["actor"]["id"] == f"account:{account['id']}"
    replay = requests.Session()
    replay.cookies.update(browser.cookies)
    problem(replay.get(back, headers={"Accept-Language": "en"}, timeout=15), 401)  # once


def test_no_account_or_a_disabled_one_is_refused(sso):
    platform, callback = sso
    for login in ("stranger@example.kz", "gone@example.kz"):
        if login.startswith("gone"):
            made = platform.account(login, password=None)
            platform.gateway.patch(f"{API}/accounts/{made['id']}",
                                   {"version": made["version"], "active": False})
        browser, authorize = _start(platform)
        back = sign_in_at_provider(browser, authorize, callback, login)
        refused = browser.get(back, headers={"Accept-Language": "en"}, timeout=15)
        problem(refused, 401)
        assert "kelisim_session" not in refused.headers.get("Set-Cookie", "")


def test_an_answer_for_another_browser_or_a_forged_state_is_refused(sso):
    platform, callback = sso
    platform.account("victim@example.kz", password=None)
    browser, authorize = _start(platform)
    back = sign_in_at_provider(browser, authorize, callback, "victim@example.kz")
    other = requests.Session()  # no kelisim_sso cookie: not the browser that asked
    problem(other.get(back, headers={"Accept-Language": "en"}, timeout=15), 401)
    forged = re.sub(r"state=[^&]+", "state=forged", back)
    problem(browser.get(forged, headers={"Accept-Language": "en"}, timeout=15), 401)


def test_without_a_provider_single_sign_on_is_not_found(start_gateway):
    gateway = start_gateway()
    problem(gateway.get(f"{API}/sso/login", who=None), 404)


def test_a_provider_that_cannot_be_reached_is_a_503_in_the_reader_language(start_gateway):
    """Nothing answers at the issuer's address: the sign-in cannot start. Was a 500 («an
    unexpected error»); the provider's address and the library's words stay in the log."""
    issuer = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    gateway = start_gateway(OIDC={"issuer": issuer, "client_id": CLIENT_ID,
                                  "client_secret": CLIENT_SECRET})
    for lang, title, detail in (
            ("kk", "Қызмет қолжетімсіз",
             "сәйкестендіру провайдеріне қосылу мүмкін емес; сәлден соң қайталап көріңіз"),
            ("ru", "Сервис недоступен",
             "поставщик удостоверений недоступен; повторите попытку чуть позже"),
            ("en", "Service unavailable",
             "the identity provider cannot be reached; try again shortly")):
        answer = requests.get(f"{gateway.url}{API}/sso/login", allow_redirects=False,
                              headers={"Accept-Language": lang}, timeout=15)
        body = problem(answer, 503)
        assert (body["title"], body["detail"]) == (title, detail)
        assert "127.0.0.1" not in answer.text and "Connection" not in answer.text


def test_a_provider_with_a_broken_discovery_document_is_a_503_and_is_asked_again(
        start_gateway):
    """A discovery document that is not one ({}, a list, a text) failed the sign-in with
    a 500 for an hour: it was kept as if good."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    served = {"document": {}}

    class Discovery(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(served["document"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", port), Discovery)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        gateway = start_gateway(OIDC={"issuer": issuer, "client_id": CLIENT_ID,
                                      "client_secret": CLIENT_SECRET})
        login = f"{gateway.url}{API}/sso/login"
        for document in ({}, [], "hello", {"issuer": issuer, "token_endpoint": 7}):
            served["document"] = document
            answer = requests.get(login, allow_redirects=False, timeout=15,
                                  headers={"Accept-Language": "ru"})
            assert problem(answer, 503)["title"] == "Сервис недоступен", document
        served["document"] = {"issuer": issuer, "jwks_uri": f"{issuer}/jwks",
                              "authorization_endpoint": f"{issuer}/auth",
                              "token_endpoint": f"{issuer}/token"}
        answer = requests.get(login, allow_redirects=False, timeout=15)
        assert answer.status_code in (302, 303), answer.text[-500:]
        assert answer.headers["Location"].startswith(f"{issuer}/auth?")
    finally:
        server.shutdown()
        server.server_close()
