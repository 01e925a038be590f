"""``optional_calls()``: a timed proxy's calls made inside it wait ``optional_timeout``
seconds instead of ``timeout`` (kelisim/rpc.py), in that green thread only."""
import time
from types import SimpleNamespace

import eventlet
import pytest

from kelisim.config import nameko_config
from kelisim.rpc import RpcTimeout, TimedServiceProxy, optional_calls


def _never_answered(timeout, optional_timeout):
    """A proxy of the registry whose ``ping`` is sent and never answered."""
    def call_async(*args, **kwargs):
        return SimpleNamespace(result=lambda: eventlet.sleep(30))

    return TimedServiceProxy(SimpleNamespace(ping=SimpleNamespace(call_async=call_async)),
                             "registry", timeout, optional_timeout=optional_timeout)


def _waited(call):
    """Seconds until ``call()`` raised RpcTimeout, and its text."""
    started = time.monotonic()
    with pytest.raises(RpcTimeout) as raised:
        call()
    return time.monotonic() - started, str(raised.value)


def test_an_optional_call_gives_up_after_the_shorter_deadline():
    calls = _never_answered(timeout=2.0, optional_timeout=0.05)
    with optional_calls():
        waited, text = _waited(calls.ping)
    assert waited < 1.0
    assert text == "the registry service did not answer within 0.05 s"


def test_a_call_outside_waits_its_whole_timeout_and_nesting_keeps_it_on():
    calls = _never_answered(timeout=0.3, optional_timeout=0.05)
    with optional_calls():
        with optional_calls():
            pass
        assert _waited(calls.ping)[0] < 0.25  # the inner block did not switch it off
    waited, text = _waited(calls.ping)
    assert waited >= 0.3 and text.endswith("within 0.3 s")


def test_a_green_thread_spawned_inside_is_not_optional():
    calls = _never_answered(timeout=0.3, optional_timeout=0.05)
    with optional_calls():
        waited, _text = eventlet.spawn(_waited, calls.ping).wait()
    assert waited >= 0.3


def test_an_optional_deadline_longer_than_the_timeout_does_not_lengthen_it():
    calls = _never_answered(timeout=0.05, optional_timeout=5.0)
    with optional_calls():
        waited, text = _waited(calls.ping)
    assert waited < 1.0 and text.endswith("within 0.05 s")


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf"])
def test_a_deadline_that_is_not_a_positive_number_is_refused_at_start(monkeypatch, value):
    """0 would have meant no shorter deadline and a negative one no optional part ever."""
    monkeypatch.setenv("KELISIM_OPTIONAL_RPC_TIMEOUT", value)
    with pytest.raises(ValueError, match="KELISIM_OPTIONAL_RPC_TIMEOUT must be a positive"):
        nameko_config("gateway")


def test_the_deadline_is_the_gateway_s_two_seconds_unless_set(monkeypatch):
    monkeypatch.delenv("KELISIM_OPTIONAL_RPC_TIMEOUT", raising=False)
    assert nameko_config("gateway")["OPTIONAL_RPC_TIMEOUT"] == 2.0
    monkeypatch.setenv("KELISIM_OPTIONAL_RPC_TIMEOUT", "0.5")
    assert nameko_config("gateway")["OPTIONAL_RPC_TIMEOUT"] == 0.5
    assert "OPTIONAL_RPC_TIMEOUT" not in nameko_config("projects")
