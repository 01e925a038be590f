"""Request context from nameko context data, and how entrypoint outcomes are classified."""
from types import SimpleNamespace

from nameko.events import EventHandler
from nameko.rpc import Rpc
from nameko.timer import Timer
from prometheus_client import CollectorRegistry, Counter

from kelisim import config
from kelisim.context import SYSTEM_ACTOR, Context, context_from_worker
from kelisim.errors import NotFound
from kelisim.metrics import child, entrypoint_kind, outcome_of


def worker(context_data):
    return SimpleNamespace(data=context_data,
                           container=SimpleNamespace(service_name="registry"))


def test_context_reads_correlation_id_and_actor():
    actor = {"id": "c", "role": "kgu_coordinator", "region": "KZ-61"}

    context = context_from_worker(worker({"correlation_id": "corr-5", "actor": actor}))

    assert context == Context(correlation_id="corr-5", actor=actor, source="registry")
    assert context.actor_id == "c"


def test_missing_correlation_id_is_created_and_kept_for_onward_calls():
    data = {}

    first = context_from_worker(worker(data))

    assert first.correlation_id and data["correlation_id"] == first.correlation_id
    assert context_from_worker(worker(data)).correlation_id == first.correlation_id
    assert first.actor == SYSTEM_ACTOR and first.actor is not SYSTEM_ACTOR


def test_outcomes_and_kinds():
    assert outcome_of(None) == "ok"
    assert outcome_of((NotFound, NotFound("x"), None)) == "client_error"
    assert outcome_of((KeyError, KeyError("x"), None)) == "error"
    assert entrypoint_kind(Rpc()) == "rpc"
    assert entrypoint_kind(EventHandler("registry", "x")) == "event"
    assert entrypoint_kind(Timer(interval=1)) == "timer"
    assert entrypoint_kind(object()) == "other"


def test_retry_delays_from_the_environment(monkeypatch):
    monkeypatch.setenv("KELISIM_EVENT_RETRY_DELAYS", "0.5, 2,,10")
    assert config.retry_delays() == [0.5, 2.0, 10.0]
    monkeypatch.setenv("KELISIM_EVENT_RETRY_DELAYS", "")
    assert config.retry_delays() == [1, 5, 30, 120, 600]


def test_a_remembered_child_counts_into_the_same_series_as_labels():
    counter = Counter("kelisim_test_children_total", "children", ["route", "outcome"],
                      registry=CollectorRegistry())

    child(counter, "/tasks", "hit").inc()
    child(counter, "/tasks", "hit").inc(2)
    counter.labels("/tasks", "hit").inc()
    child(counter, "/tasks", "miss").inc()

    assert child(counter, "/tasks", "hit") is counter.labels("/tasks", "hit")
    assert counter.labels("/tasks", "hit")._value.get() == 4
    assert counter.labels("/tasks", "miss")._value.get() == 1
