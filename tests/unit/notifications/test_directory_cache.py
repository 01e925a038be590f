"""The registry directory's cache: what one answer of the registry already holds is not
asked for again."""
from services.notifications.adapters.directory import RegistryDirectory, TtlCache

KGU = {"id": 7, "name_ru": "КГУ «Қоғамдық келісім» области Абай", "region_code": "KZ-10"}
RGU = {"id": 1, "name_ru": "РГУ «Қоғамдық келісім»", "region_code": None}
PEOPLE = {7: [{"id": 70, "full_name": "Айгүл Сапарова", "org_unit_id": 7}],
          1: [{"id": 10, "full_name": "Ерлан Оспанов", "org_unit_id": 1}]}


class CountingRegistry:
    def __init__(self):
        self.calls = []

    def kgu_of(self, region):
        self.calls.append(("kgu_of", region))
        return {"org_unit": dict(KGU), "contacts": list(PEOPLE[7])}

    def rgu(self):
        self.calls.append(("rgu",))
        return dict(RGU)

    def org_unit(self, unit_id):
        self.calls.append(("org_unit", unit_id))
        return dict(KGU if unit_id == 7 else RGU)

    def people(self, query):
        self.calls.append(("people", tuple(sorted(query.items()))))
        return list(PEOPLE[query["org_unit_id"]])


def test_a_kgu_s_unit_and_people_come_with_it():
    registry = CountingRegistry()
    directory = RegistryDirectory(registry, TtlCache(300))
    assert directory.kgu_of("KZ-10") == (KGU, PEOPLE[7])
    assert directory.org_unit(7) == KGU
    assert directory.people_of_unit(7) == PEOPLE[7]
    assert registry.calls == [("kgu_of", "KZ-10")]


def test_the_rgu_s_unit_and_people_come_with_it():
    registry = CountingRegistry()
    directory = RegistryDirectory(registry, TtlCache(300))
    assert directory.rgu() == (RGU, PEOPLE[1])
    assert directory.org_unit(1) == RGU and directory.people_of_unit(1) == PEOPLE[1]
    assert registry.calls == [("rgu",), ("people", (("org_unit_id", 1),))]


def test_a_kept_answer_is_not_replaced_and_an_expired_one_is():
    now = [0.0]
    cache = TtlCache(10, clock=lambda: now[0])
    cache.put("k", "first", cache.generation)
    cache.put("k", "second", cache.generation)
    assert cache.get_or_load("k", lambda: "loaded") == "first"
    now[0] = 11.0
    cache.put("k", "third", cache.generation)
    assert cache.get_or_load("k", lambda: "loaded") == "third"


def test_an_answer_a_change_overtook_is_returned_but_not_kept():
    """A registry event heard while a look-up waited (the cache cleared meanwhile): what
    the look-up brings back may predate the change, so it is not kept, nor is what it
    put aside; a slow answer kept after the clear stayed until the TTL (a review's find)."""
    cache = TtlCache(300)
    since = cache.generation

    def slow_load():
        cache.clear()  # the change's event, heard while the registry was answering
        cache.put("aside", "old", since)
        return "old"

    assert cache.get_or_load("k", slow_load) == "old"
    assert cache.get_or_load("k", lambda: "new") == "new"
    assert cache.get_or_load("aside", lambda: "new") == "new"


def test_the_directory_keeps_answers_as_long_as_the_container_config_says(monkeypatch):
    """``NOTIFICATIONS: {directory_ttl: ...}`` in a container's config, as before the
    directory's cache was shared with projects (a review's find: it was refused)."""
    from services.notifications.adapters.directory import Directory

    monkeypatch.setenv("KELISIM_DIRECTORY_TTL", "120")
    assert Directory().ttl_of({}) == 120
    assert Directory().ttl_of({"NOTIFICATIONS": {"directory_ttl": 60}}) == 60
