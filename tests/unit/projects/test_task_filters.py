"""Issue 12.7: task lists search the Russian and Kazakh titles (any case, Cyrillic
included), bound the due date and sort by an allowed list."""
import pytest

from kelisim.errors import Invalid
from services.projects.service_layer import tasks


def listed(uow, **query):
    return tasks.list_tasks(uow(), {"limit": 200, **query})


def test_text_search_finds_russian_and_kazakh_titles_in_any_case(rolled_out, uow):
    every = listed(uow, region="KZ-61")
    titled = [t for t in every["items"] if "медиатор" in t["title"].lower()]
    assert titled and len(titled) < every["total"]
    upper = listed(uow, region="KZ-61", q="МЕДИАТОР")
    assert {t["id"] for t in upper["items"]} == {t["id"] for t in titled}
    kazakh = [t for t in every["items"] if "жоспар" in (t["title_kk"] or "").lower()]
    found = listed(uow, region="KZ-61", q="ЖОСПАР")
    assert kazakh and {t["id"] for t in kazakh} <= {t["id"] for t in found["items"]}
    assert listed(uow, region="KZ-61", q="100%_")["total"] == 0  # LIKE wildcards are text


def test_due_dates_bound_and_sorting_orders_the_list(rolled_out, uow):
    every = listed(uow, region="KZ-61")
    window = listed(uow, region="KZ-61", due_after="2026-03-01", due_before="2026-03-31")
    assert 0 < window["total"] < every["total"]
    assert all("2026-03-01" <= t["due_date"] <= "2026-03-31" for t in window["items"])
    ordered = listed(uow, region="KZ-61", sort="-due_date,title")["items"]
    keys = [(t["due_date"], t["title"]) for t in ordered]
    assert keys == sorted(keys, key=lambda k: (-int(k[0].replace("-", "")), k[1]))
    with pytest.raises(Invalid) as bad:
        listed(uow, sort="secret")
    assert "sort" in bad.value.errors
    with pytest.raises(Invalid) as backwards:
        listed(uow, due_after="2026-04-01", due_before="2026-03-01")
    assert "due_before" in backwards.value.errors
    with pytest.raises(Invalid) as unknown:
        listed(uow, due_befor="2026-03-01")
    assert unknown.value.errors == {"due_befor": "unknown query parameter"}
