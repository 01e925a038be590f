"""What a page waits for (gateway/web/pages.py): the header's unread count is read while
the page reads its own data, not after it; ``gather`` makes a page's independent reads at
once. Each RPC is stood in for by a green sleep of WAIT seconds."""
import time
from types import SimpleNamespace

import eventlet
import pytest
from werkzeug.wrappers import Request

from gateway.web.pages import Page, gather, page

WAIT = 0.5
ADMIN = {"id": "rgu-1", "role": "rgu_admin", "region": None, "name": "Әкімші"}


def _service(state):
    def unread_count(params):
        eventlet.sleep(WAIT)
        return {"unread": state["unread"], "org_unit_id": 1}

    return SimpleNamespace(auth=SimpleNamespace(require=lambda spec: dict(ADMIN)),
                           read_cache=SimpleNamespace(invalidate=lambda: None),
                           notifications=SimpleNamespace(unread_count=unread_count))


def _call(endpoint, service, method="GET"):
    request = Request.from_values("/slow", method=method)
    started = time.perf_counter()
    response = endpoint(service, request)
    return response, time.perf_counter() - started


def _error_page(req):
    return Page("error.html", {"status": 200, "title": "Бет", "message": "Дайын"})


def test_the_unread_count_is_read_while_the_page_reads_its_data():
    state = {"unread": 7}

    def slow_page(service, req):
        eventlet.sleep(WAIT)  # the page's own RPC
        return _error_page(req)

    response, took = _call(page("GET", "/slow")(slow_page), _service(state))
    assert response.status_code == 200
    assert 'id="unread-count"' in response.get_data(as_text=True)
    assert ">7</span>" in response.get_data(as_text=True)
    assert took < 1.6 * WAIT, f"{took:.2f} s: the count was read after the page's data"


def test_a_form_counts_the_unread_items_after_its_change():
    state = {"unread": 7}

    def read_all(service, req):
        eventlet.sleep(WAIT / 3)
        state["unread"] = 0  # the form's write
        return _error_page(req)

    response, _took = _call(page("POST", "/slow")(read_all), _service(state), "POST")
    assert ">0</span>" in response.get_data(as_text=True)


def test_gather_makes_the_calls_at_once_and_keeps_their_order():
    def read(value):
        def call():
            eventlet.sleep(WAIT)
            return value
        return call

    started = time.perf_counter()
    assert gather(read("regions"), read("plans"), read("rates")) == ["regions", "plans",
                                                                      "rates"]
    assert time.perf_counter() - started < 1.6 * WAIT
    assert gather() == []


def test_gather_raises_the_first_failure_after_every_call_ended():
    ended = []

    def fails(message, delay):
        def call():
            eventlet.sleep(delay)
            ended.append(message)
            raise LookupError(message)
        return call

    def fine():
        eventlet.sleep(WAIT)
        ended.append("fine")
        return 1

    with pytest.raises(LookupError, match="first"):
        gather(fails("first", WAIT / 2), fine, fails("second", 0))
    assert sorted(ended) == ["fine", "first", "second"]


def test_an_error_page_keeps_the_signed_in_readers_header():
    """A signed-in reader refused a page (another region's plan: 404, a page of another
    role: 403) still sees their own header — their name, the menu, the unread count and
    "Sign out" — not the signed-out header that offers to sign in (found by a new user's
    walk: a KGU coordinator thought the 404 had signed them out)."""
    from gateway.web.pages import error_page
    from kelisim.errors import NotFound

    def missing(service, req):
        raise NotFound("plan 21 not found")

    request = Request.from_values("/plans/21", headers={"Cookie": "kelisim_session=abc"})
    endpoint = page("GET", "/plans/<int:plan_id>")(missing)
    with pytest.raises(NotFound) as caught:
        endpoint(_service({"unread": 4}), request)
    response = error_page(caught.value, request)
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Әкімші" in body
    assert 'action="/sign-out"' in body
    assert 'href="/sign-in"' not in body
    assert ">4</span>" in body


def test_the_unread_count_is_asked_once_when_it_came_before_the_page_data():
    """A finished green thread is falsy (greenlet's bool is "active"): the count that came
    back before the page's own data must be used, not asked for a second time."""
    state = {"unread": 7, "asked": 0}
    service = _service(state)
    counted = service.notifications.unread_count

    def unread_count(params):
        state["asked"] += 1
        return counted(params)

    service.notifications.unread_count = unread_count

    def slower_page(service, req):
        eventlet.sleep(2 * WAIT)  # the page's own RPC, slower than the count
        return _error_page(req)

    response, took = _call(page("GET", "/slow")(slower_page), service)
    assert ">7</span>" in response.get_data(as_text=True)
    assert state["asked"] == 1
    assert took < 2.6 * WAIT
