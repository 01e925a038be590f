"""kelisim.collection: ``paused``, the cyclic collector off for the block, back on only when
the last overlapping pause ends, and left off if it was off; ``freeze_startup_heap``, what a
started service holds moved out of the collector's reach (``kelisim serve`` calls it)."""
import gc
import signal
import weakref

import pytest

from kelisim import collection
from kelisim.exporter import Exporter
from kelisim_platform.cli import serve


@pytest.fixture(autouse=True)
def collector_restored():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()
    gc.unfreeze()  # what a test froze goes back to the oldest generation


class Node:
    def __init__(self):
        self.other = None


def _tracked(value):
    return any(candidate is value for candidate in gc.get_objects())


def test_the_collector_is_off_in_the_block_and_on_again_after():
    gc.enable()
    with collection.paused():
        assert not gc.isenabled()
        with collection.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still runs
    assert gc.isenabled()


def test_overlapping_pauses_resume_when_the_last_ends():
    gc.enable()
    first, second = collection.paused(), collection.paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off_and_an_error_still_resumes():
    gc.disable()
    with collection.paused():
        pass
    assert not gc.isenabled()
    gc.enable()
    with pytest.raises(RuntimeError), collection.paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_freezing_collects_the_start_up_garbage_then_keeps_the_rest_from_collections():
    kept = [Node(), {"kk": "атауы"}]
    cycle = Node()
    cycle.other = Node()
    cycle.other.other = cycle  # garbage only the cyclic collector frees
    freed = weakref.ref(cycle)
    del cycle
    assert _tracked(kept)

    frozen = collection.freeze_startup_heap()

    assert freed() is None  # collected before the freeze, not frozen for good
    assert frozen == gc.get_freeze_count() > 0
    assert not _tracked(kept)  # in the permanent generation: no collection walks it
    made_after = [Node()]
    assert _tracked(made_after)  # what the service makes from now on is collected as before


class FakeRunner:
    """nameko's ServiceRunner as ``serve.run`` uses it: started, waited for at once."""
    frozen_at_start = None

    def __init__(self, config):
        self.containers = []

    def add_service(self, cls):
        pass

    def start(self):
        FakeRunner.frozen_at_start = gc.get_freeze_count()

    def wait(self):
        pass


def test_serve_freezes_the_heap_once_its_service_has_started(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(serve, "ServiceRunner", FakeRunner)
    handler = signal.getsignal(signal.SIGTERM)
    try:
        serve.run(object, {}, Exporter())
    finally:
        signal.signal(signal.SIGTERM, handler)
    assert FakeRunner.frozen_at_start == 0  # the service starts first ...
    assert gc.get_freeze_count() > 0  # ... then what it made is frozen
