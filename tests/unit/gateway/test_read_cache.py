"""The gateway's read cache: time to live, generations, bounded size."""
from gateway.http.cache import ReadCache


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_an_answer_is_served_until_it_is_too_old():
    clock = Clock()
    cache = ReadCache(seconds=5, clock=clock)
    cache.put("k", cache.generation, b"page")
    clock.now += 4.9
    assert cache.get("k") == b"page"
    clock.now += 0.1
    assert cache.get("k") is None
    assert len(cache) == 0


def test_invalidation_drops_everything_and_refuses_answers_read_before_it():
    cache = ReadCache(seconds=5, clock=Clock())
    cache.put("a", cache.generation, b"a")
    reading = cache.generation  # a read began ...
    cache.invalidate()  # ... a write or an event came in while it ran ...
    cache.put("b", reading, b"stale")  # ... so its answer is not kept
    assert cache.get("a") is None and cache.get("b") is None
    cache.put("b", cache.generation, b"fresh")
    assert cache.get("b") == b"fresh"


def test_the_least_recently_used_answers_go_first_when_the_bytes_run_out():
    cache = ReadCache(seconds=5, max_bytes=10, clock=Clock())
    cache.put("a", 0, b"aaaa")
    cache.put("b", 0, b"bbbb")
    assert cache.get("a") == b"aaaa"  # "b" is now the least recently used
    cache.put("c", 0, b"cccc")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"aaaa", None, b"cccc")
    assert cache.size == 8
    cache.put("a", 0, b"aaaaaaa")  # replaced, not counted twice; 4 + 7 > 10: "c" goes
    assert (cache.size, cache.get("c")) == (7, None)
    cache.put("huge", 0, b"x" * 11)  # larger than the whole budget: not kept
    assert cache.get("huge") is None and cache.get("a") == b"aaaaaaa"


def test_zero_seconds_turns_it_off():
    cache = ReadCache(seconds=0, clock=Clock())
    cache.put("k", cache.generation, b"page")
    assert cache.get("k") is None
