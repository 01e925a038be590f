"""People's accounts through the running gateway: a browser that signs in, and the platform
that makes people and accounts (the ``accounts_platform`` fixture starts one)."""
from dataclasses import dataclass

import requests

from gateway.adapters.accounts import AccountRepository
from gateway.service_layer import accounts
from tests.support import on_database

API = "/api/v1"
PASSWORD = "Сенім-2026 kelisim"


@dataclass
class Browser:
    """A person's browser: a cookie jar, and the session's CSRF token once signed in."""

    url: str
    jar: requests.Session
    csrf: str = None
    signed_in: dict = None

    def request(self, method, path, csrf=True, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept-Language", "en")  # the assertions read English problems
        if csrf and self.csrf:
            headers.setdefault("X-CSRF-Token", self.csrf)
        kwargs.setdefault("timeout", 15)
        return self.jar.request(method, self.url + path, headers=headers, **kwargs)

    def sign_in(self, login, password=PASSWORD, **kwargs):
        response = self.request("POST", f"{API}/session",
                                json={"login": login, "password": password}, **kwargs)
        if response.status_code == 200:
            self.signed_in = response.json()
            self.csrf = self.signed_in["csrf_token"]
        return response


@dataclass
class Platform:
    gateway: object
    mailbox: object

    def browser(self):
        return Browser(self.gateway.url, requests.Session())

    def person(self, region="KZ-61", name="Айгүл Сапарова"):
        """A person of the region's KGU, made through the API."""
        kgu = self.gateway.get(f"{API}/regions/{region}/kgu").json()["org_unit"]
        made = self.gateway.post(f"{API}/people", {"full_name": name, "org_unit_id": kgu["id"]})
        assert made.status_code == 201, made.text
        return made.json()

    def account(self, login, role="kgu_coordinator", region="KZ-61", who="admin",
                password=PASSWORD):
        """An account made through the API (no e-mail): a coordinator for a new person of
        ``region``'s KGU, others by name only; its password set through a link issued as
        ``kelisim account link`` does. Returns the account."""
        body = {"login": login, "role": role, "send_invitation": False}
        if role == "kgu_coordinator":
            body["person_id"] = self.person(region, f"Қызметкер {login.split('@')[0]}")["id"]
        else:
            body.update(display_name_kk=f"Әкімші {login}", display_name_ru=f"Админ {login}")
        made = self.gateway.post(f"{API}/accounts", body, who=who)
        assert made.status_code == 201, made.text
        account = made.json()
        if password:
            response = self.browser().request("POST", f"{API}/password", json={
                "token": self.link(account["id"]), "password": password})
            assert response.status_code == 204, response.text
        return account

    def link(self, account_id):
        """A set-password token, issued on the database as ``kelisim account link`` does."""
        return on_database(self.gateway.gateway_db, AccountRepository,
                           lambda uow: accounts.issue_link(uow, account_id))[2]
