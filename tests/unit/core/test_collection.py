"""kelisim.collection.paused: the cyclic collector off for the block, back on only when the
last overlapping pause ends, and left off if it was off."""
import gc

import pytest

from kelisim import collection


@pytest.fixture(autouse=True)
def collector_restored():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


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
