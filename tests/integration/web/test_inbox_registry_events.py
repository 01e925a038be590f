"""The inbox (the unread count in every page's header), notification preferences, webhooks,
the registry's lists and the events register, against the platform as `make run` starts
it: what the reader sees, what each role may, and forms' errors beside their fields."""
import re
import uuid

import pytest

from kelisim.events.envelope import new_envelope
from tests.integration.notifications.samples import task_assigned
from tests.support import publish_envelope, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.e2e]
BADGE = re.compile(r'id="unread-count"[^>]*>(\d+)<')
# the platform (conftest.py) allows webhooks to this machine (a receiver need not answer);
# the inbox's counts are read in regions no other web test rolls a project out to (a
# rollout's task_assigned fills its KGU's inbox), each by a coordinator of its own


def notify(site, org_unit_id, task_id=1, title="Медиаторлар тренингі", region="KZ-61"):
    """A task assigned to ``org_unit_id``, published on the platform's broker as the
    projects service's outbox relay publishes it; returns the envelope."""
    envelope = new_envelope("task_assigned", task_assigned(
        {"kind": "org_unit", "id": org_unit_id}, region=region, title=title, task_id=task_id),
        source="projects", correlation_id=f"corr-{uuid.uuid4()}", regions=[region])
    return publish_envelope(site.env["KELISIM_AMQP_URI"], envelope)


def kgu_of(site, region):
    return site.api("GET", f"/regions/{region}/kgu", expect=200).json()["org_unit"]["id"]


def badge(html):
    found = BADGE.search(html)
    return int(found.group(1)) if found else None


def test_the_unread_count_is_in_the_header_and_drops_when_an_item_is_read(site):
    kgu = kgu_of(site, "KZ-31")
    notify(site, kgu, task_id=101, title="Жастар форумы", region="KZ-31")
    notify(site, kgu, task_id=102, title="Медиаторлар тренингі", region="KZ-31")
    reader = site.reader(site.person(region="KZ-31"), lang="kk")
    wait_for(lambda: badge(reader.get("/account").text) == 2, timeout=30)
    inbox = reader.get("/inbox")
    assert inbox.status_code == 200 and badge(inbox.text) == 2
    assert "Жастар форумы" in inbox.text and "Оқылмаған" in inbox.text  # "Unread", kk
    item = re.search(r'action="/inbox/(\d+)/read"', inbox.text).group(1)
    # without JavaScript: the form posts and the browser is sent back to the list
    done = reader.post(f"/inbox/{item}/read", {"back": "/inbox?unread=1"})
    assert done.status_code == 303 and done.headers["Location"] == "/inbox?unread=1"
    assert badge(reader.get("/registry").text) == 1  # every page's header
    # with htmx: the item comes back read, the header's badge out of band
    other = re.search(r'action="/inbox/(\d+)/read"', reader.get("/inbox").text).group(1)
    swapped = reader.post(f"/inbox/{other}/read", {"back": "/inbox"},
                          headers={"HX-Request": "true"})
    assert swapped.status_code == 200 and "<html" not in swapped.text
    assert re.search(r'id="unread-count" hx-swap-oob="true"[^>]*>0<', swapped.text)
    assert f'id="inbox-item-{other}"' in swapped.text and f"/inbox/{other}/read" not in \
        swapped.text
    unread_only = reader.get("/inbox?unread=1").text
    assert badge(unread_only) == 0 and "Жастар форумы" not in unread_only
    # another region's coordinator cannot touch it (the service's 404, as the API's)
    assert site.reader("almaty@kelisim.kz").post(f"/inbox/{item}/archive").status_code == 404
    archived = reader.post(f"/inbox/{item}/archive", {"back": "/inbox"})
    assert archived.status_code == 303
    assert f'id="inbox-item-{item}"' not in reader.get("/inbox").text


def test_read_all_marks_every_item_and_observers_have_no_inbox(site):
    kgu = kgu_of(site, "KZ-39")
    for task in (201, 202, 203):
        notify(site, kgu, task_id=task, region="KZ-39", title=f"Тапсырма {task}")
    reader = site.reader(site.person(region="KZ-39"), lang="en")
    wait_for(lambda: badge(reader.get("/inbox").text) == 3, timeout=30)
    swapped = reader.post("/inbox/read-all", {"back": "/inbox"}, headers={"HX-Request": "true"})
    assert 'id="inbox-items"' in swapped.text and "3 marked read." in swapped.text
    assert badge(reader.get("/inbox").text) == 0
    assert site.reader("observer@kelisim.kz").get("/inbox").status_code == 403


def test_a_webhook_secret_is_shown_once(site):
    reader = site.reader("turkistan@kelisim.kz", lang="ru")
    refused = reader.post("/webhooks", {"url": "not an address", "description": "CRM"})
    assert refused.status_code == 422
    assert 'id="hook-url-error"' in refused.text and 'id="hook-types-error"' in refused.text
    assert 'value="CRM"' in refused.text and 'aria-invalid="true"' in refused.text
    made = reader.post("/webhooks", {"url": "http://127.0.0.1:9/kelisim", "description": "CRM",
                                     "type.task_overdue": "on", "type.report_due_soon": "on"})
    assert made.status_code == 201, made.text[:3000]
    secret = re.search(r'id="webhook-secret" readonly value="(whsec_[^"]+)"', made.text).group(1)
    again = reader.get("/webhooks").text
    assert "http://127.0.0.1:9/kelisim" in again and secret not in again
    assert "Задача просрочена" in again  # the event types by name, in Russian
    hook = re.search(r'action="/webhooks/(\d+)/delete"', again).group(1)
    assert site.reader("almaty@kelisim.kz").post(f"/webhooks/{hook}/delete").status_code == 404
    assert reader.post(f"/webhooks/{hook}/delete").status_code == 303
    assert "http://127.0.0.1:9/kelisim" not in reader.get("/webhooks").text


def test_preferences_are_saved_and_critical_ones_stay_on(site):
    reader = site.reader("turkistan@kelisim.kz", lang="en")
    shown = reader.get("/inbox/preferences").text
    assert 'name="report_due_soon.email" value="on"' in shown
    form = {"report_due_soon.email": "on", "report_due_soon.frequency": "daily",
            "task_assigned.frequency": "immediate"}  # task_assigned's boxes cannot be unticked
    saved = reader.post("/inbox/preferences", form)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("saved=channels")
    page = reader.get(saved.headers["Location"]).text
    assert "Preferences saved." in page
    row = re.search(r'id="pref-report_due_soon".*?</tr>', page, re.S).group(0)
    assert 'name="report_due_soon.inbox" value="on" aria' in row  # not checked any more
    assert re.search(r'name="report_due_soon.email"[^>]* checked', row)
    assert re.search(r'<option value="daily" selected>', row)
    rows = site.api("GET", "/preferences", expect=200,
                    params={"org_unit_id": kgu_of(site, "KZ-61")}).json()["items"]
    chosen = next(r for r in rows if r["event_type"] == "report_due_soon")
    assert (chosen["channels"], chosen["frequency"]) == (["email"], "daily")
    language = reader.post("/inbox/preferences/language", {"language": "ru"})
    assert language.status_code == 303
    assert re.search(r'<option value="ru" lang="ru" selected>',
                     reader.get("/inbox/preferences").text)


def test_registry_search_finds_a_structure_by_part_of_its_name(site):
    kgu = kgu_of(site, "KZ-61")
    site.api("POST", "/structures", expect=201, json={
        "type": "council_of_mothers", "name": "Сарыағаш аудандық аналар кеңесі",
        "org_unit_id": kgu, "member_count": 12})
    site.api("POST", "/structures", expect=201, json={
        "type": "youth_movement_hq", "name": "Кентау жастар штабы", "org_unit_id": kgu})
    reader = site.reader("rgu@kelisim.kz", lang="kk")
    found = reader.get("/registry/structures", params={"q": "аналар", "region": "KZ-61"})
    assert found.status_code == 200
    assert "Сарыағаш аудандық аналар кеңесі" in found.text and "Кентау" not in found.text
    assert "Түркістан облысы" in found.text and "Аналар кеңесі" in found.text  # region, type
    by_type = reader.get("/registry/structures", params={"type": "youth_movement_hq"}).text
    assert "Кентау жастар штабы" in by_type and "Сарыағаш" not in by_type
    # a coordinator of another region finds nothing of Turkistan's
    other = site.reader("almaty@kelisim.kz").get("/registry/structures",
                                                 params={"q": "Сарыағаш"})
    assert other.status_code == 200 and "аудандық аналар кеңесі" not in other.text
    regions = reader.get("/registry", params={"q": "Түркістан"}).text
    assert "Түркістан облысы «Қоғамдық келісім» КММ" in regions and "Шымкент" not in regions
    people = reader.get("/registry/people", params={"q": "KZ-61"}).text
    assert "Үйлестіруші KZ-61" in people and "Үйлестіруші KZ-75" not in people
    organisations = reader.get("/registry/organisations", params={"q": "zzzz-none"})
    assert organisations.status_code == 200


def test_a_coordinator_sees_its_regions_events_and_cannot_record_for_another(site):
    for region, title in (("KZ-61", "Түркістандағы достық форумы"),
                          ("KZ-75", "Алматыдағы медиация тренингі")):
        site.api("POST", "/events", expect=201, json={
            "region": region, "kind": "forum", "starts_at": "2026-05-12T10:00:00",
            "title_kk": title, "participants": 120})
    reader = site.reader("turkistan@kelisim.kz", lang="ru")
    listed = reader.get("/events").text
    assert "Түркістандағы достық форумы" in listed and "Алматыдағы" not in listed
    assert re.search(r"Количественные цели, \d{4} год: Туркестанская область", listed)
    assert reader.get("/events", params={"region": "KZ-75"}).status_code == 403
    other = site.api("GET", "/events", params={"region": "KZ-75"}, expect=200).json()
    assert reader.get(f"/events/{other['items'][0]['id']}").status_code == 404

    form = reader.get("/events/new")
    assert form.status_code == 200 and 'value="KZ-75"' not in form.text
    refused = reader.post("/events/new", {"region": "KZ-75", "kind": "forum",
                                          "starts_at": "2026-05-20T15:00",
                                          "title_kk": "Бөгде өңір", "participants": "30"})
    assert refused.status_code == 403
    assert 'id="ev-region-error"' in refused.text and "KZ-61" in refused.text
    assert 'value="Бөгде өңір"' in refused.text  # what was typed stays
    bad = reader.post("/events/new", {"region": "KZ-61", "kind": "", "starts_at": "",
                                      "participants": "many"})
    assert bad.status_code == 422 and 'id="ev-participants-error"' in bad.text
    assert "целое число" in bad.text  # beside the field, in the reader's language
    bad = reader.post("/events/new", {"region": "KZ-61", "kind": "", "starts_at": "",
                                      "participants": "5"})
    assert bad.status_code == 422
    assert 'id="ev-kind-error"' in bad.text and 'id="ev-starts_at-error"' in bad.text
    made = reader.post("/events/new", {"region": "KZ-61", "kind": "training",
                                       "starts_at": "2026-05-20T15:00",
                                       "title_kk": "Медиаторлар тренингі", "participants": "35",
                                       "languages": "kk, ru", "district": "Сарыағаш"})
    assert made.status_code == 303, made.text[:3000]
    page = reader.get(made.headers["Location"])
    assert page.status_code == 200 and "Медиаторлар тренингі" in page.text
    assert "20.05.2026 15:00" in page.text and "Сарыағаш" in page.text
    assert "Мероприятие записано." in page.text
    assert site.reader("observer@kelisim.kz").get("/events/new").status_code == 403


def test_an_unknown_region_of_the_targets_progress_is_a_422_naming_it(site):
    for lang, word in (("en", "no region with code KZ-99"), ("ru", "нет региона с кодом KZ-99"),
                       ("kk", "KZ-99 кодты өңір жоқ")):
        answer = site.api("GET", "/targets/progress", params={"region": "KZ-99"},
                          headers={"Accept-Language": lang})
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert "region" in problem["errors"] and word in problem["errors"]["region"]
    assert site.api("GET", "/targets/progress", params={"region": "KZ-61"}).status_code == 200
