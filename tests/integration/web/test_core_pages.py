"""The pages every reader meets: signing in and out, the language, my account and tokens,
the static files and the API documentation, against the platform as `make run` starts it."""
import re

import pytest

from tests.site import PASSWORD

pytestmark = [pytest.mark.broker, pytest.mark.e2e]


def test_a_page_without_a_session_sends_the_reader_to_sign_in_and_back(site):
    reader = site.reader()
    answer = reader.get("/account?x=1")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/sign-in?next=%2Faccount%3Fx%3D1"
    form = reader.get("/sign-in?next=%2Faccount")
    assert form.status_code == 200 and '<html lang="kk">' in form.text
    assert 'name="next" value="/account"' in form.text
    signed = reader.post("/sign-in", {"login": "turkistan@kelisim.kz", "password": PASSWORD,
                                      "next": "/account"}, csrf=False)
    assert signed.status_code == 303 and signed.headers["Location"] == "/account"
    assert "HttpOnly" in signed.headers["Set-Cookie"] and "SameSite=Lax" in signed.headers[
        "Set-Cookie"]
    assert reader.get("/account").status_code == 200


def test_a_wrong_password_is_said_beside_the_form_in_the_readers_language(site):
    reader = site.reader(lang="ru")
    answer = reader.post("/sign-in", {"login": "turkistan@kelisim.kz", "password": "wrong",
                                      "next": "/"}, csrf=False)
    assert answer.status_code == 401
    assert 'role="alert"' in answer.text and '<html lang="ru">' in answer.text
    assert 'value="turkistan@kelisim.kz"' in answer.text  # what was typed stays
    assert "kelisim_session" not in answer.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_sign_in_never_sends_the_reader_to_another_site(site, target):
    reader = site.reader()
    signed = reader.post("/sign-in", {"login": "almaty@kelisim.kz", "password": PASSWORD,
                                      "next": target}, csrf=False)
    assert signed.status_code == 303 and signed.headers["Location"] == "/"


def test_the_start_page_leads_each_role_home(site):
    assert site.reader("rgu@kelisim.kz").get("/").headers["Location"] == "/rgu"
    assert site.reader("almaty@kelisim.kz").get("/").headers["Location"] == "/kgu"


def test_a_form_without_the_sessions_csrf_token_changes_nothing(site):
    reader = site.reader("turkistan@kelisim.kz")
    refused = reader.post("/account/tokens", {"name": "no-token"}, csrf=False)
    assert refused.status_code == 403
    forged = reader.post("/account/tokens", {"name": "forged", "csrf_token": "0" * 64},
                         csrf=False)
    assert forged.status_code == 403
    page = reader.get("/account").text
    assert "no-token" not in page and "forged" not in page


def test_a_token_made_on_my_account_is_shown_once_and_works_for_the_api(site):
    reader = site.reader(site.person(region="KZ-61"))  # its only token: the first listed
    made = reader.post("/account/tokens", {"name": "Есеп жүйесі"})
    assert made.status_code == 201
    secret = re.search(r'<code id="new-token">([^<]+)</code>', made.text).group(1)
    again = reader.get("/account").text
    assert "Есеп жүйесі" in again and secret not in again
    answer = site.api("GET", "/org-units", token=secret, params={"kind": "kgu"})
    assert [u["region_code"] for u in answer.json()] == ["KZ-61"]
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', again).group(1)
    assert reader.post(f"/account/tokens/{token_id}/revoke").status_code == 303
    assert site.api("GET", "/org-units", token=secret).status_code == 401


def test_an_empty_token_name_is_refused_beside_the_form(site):
    reader = site.reader("almaty@kelisim.kz", lang="en")
    answer = reader.post("/account/tokens", {"name": "  "})
    assert answer.status_code == 422 and 'role="alert"' in answer.text


def test_the_language_chosen_is_kept_for_the_next_pages(site):
    reader = site.reader("almaty@kelisim.kz")
    assert '<html lang="kk">' in reader.get("/account").text
    chosen = reader.get("/account?lang=ru")
    assert '<html lang="ru">' in chosen.text and "kelisim_lang=ru" in chosen.headers["Set-Cookie"]
    assert '<html lang="ru">' in reader.get("/account").text
    assert '<html lang="kk">' in reader.get("/account?lang=xx").text.replace(
        'lang="ru"', 'lang="kk"')  # an unknown language changes nothing (the cookie's)


def test_signing_out_ends_the_session_at_once(site):
    reader = site.reader("almaty@kelisim.kz")
    cookie = reader.http.cookies.get("kelisim_session")
    assert reader.post("/sign-out").headers["Location"] == "/sign-in"
    stale = site.reader()
    stale.http.cookies.set("kelisim_session", cookie)
    assert stale.get("/account").status_code == 303


def test_set_password_page_takes_the_links_token_and_refuses_a_short_password(site):
    reader = site.reader(lang="en")
    login = site.person("observer")  # the web tests' observer keeps its password
    link = site.cli("account", "link", login).strip().split()[-1]
    token = link.split("token=")[-1]
    assert reader.get("/set-password").status_code == 200
    short = reader.post("/set-password", {"token": token, "password": "short"}, csrf=False)
    assert short.status_code == 422 and 'role="alert"' in short.text
    done = reader.post("/set-password", {"token": token, "password": PASSWORD + "!"},
                       csrf=False)
    assert done.status_code == 303
    # the sign-in page it leads to says the password was set (a new user was left unsure)
    assert "Your password is set: sign in with it." in reader.get(done.headers["Location"]).text
    signed = reader.post("/sign-in", {"login": login, "password": PASSWORD + "!",
                                      "next": "/"}, csrf=False)
    assert signed.status_code == 303


def test_static_files_are_served_by_digest_and_nothing_else_of_the_tree(site):
    reader = site.reader()
    page = reader.get("/sign-in").text
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        answer = reader.get(url)
        assert answer.status_code == 200, url
        assert "immutable" in answer.headers["Cache-Control"]
    for path in ("/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml",
                 "/static/.hidden", "/static/package.json", "/static/vendor/package.json"):
        assert reader.get(path).status_code in (404, 400), path


def test_the_api_documentation_page_loads_the_document_from_this_platform(site):
    page = site.reader().get("/docs")
    assert page.status_code == 200
    assert 'data-url="/openapi.json"' in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text


def test_switching_the_language_keeps_what_the_page_shows(site):
    reader = site.reader("almaty@kelisim.kz")
    page = reader.get("/inbox?unread=true&page=2").text
    assert 'href="/inbox?unread=true&amp;page=2&amp;lang=ru"' in page
    assert 'href="/inbox?unread=true&amp;page=2&amp;lang=ru&amp;lang=en"' not in reader.get(
        "/inbox?unread=true&page=2&lang=ru").text
