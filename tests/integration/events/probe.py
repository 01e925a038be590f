"""A producer named ``registry`` with the outbox relay, and a ``probe`` consumer using
``on_event``, ``Database`` and ``first_time``, for the event bus's tests.

The probe's behaviour is chosen by the event itself: a ``full_name`` of ``fail-N`` fails
the first N deliveries, ``always-fail`` never succeeds, ``huge-error`` never succeeds with
a 200 kB message, anything else succeeds.
"""
import collections

from nameko.rpc import rpc

from kelisim.context import RequestContext
from kelisim.db.provider import Database
from kelisim.events.handler import on_event

CONSUMER = "probe.on_person"
PROBE_QUEUE = "evt-registry-person_created--probe.on_person"

# What the probe saw, per test: event id -> [correlation id of each delivery].
DELIVERIES = collections.defaultdict(list)


class Producer:
    """Stands in for the registry: writes person_created to its outbox."""

    name = "registry"
    db = Database()

    @rpc
    def emit_person(self, full_name, commit=True):
        with self.db as uow:
            envelope = uow.emit("person_created", {
                "id": 1, "full_name": full_name, "org_unit_id": 2, "region_code": "KZ-61",
                "version": 1}, regions=["KZ-61"])
            if commit:
                uow.commit()
        return envelope.id


class Probe:
    """An idempotent consumer whose failures are scripted by the event payload."""

    name = "probe"
    context = RequestContext()
    db = Database(relay=False)

    @on_event("registry", "person_created")
    def on_person(self, event):
        DELIVERIES[event.id].append(self.context.correlation_id)
        plan = event.data["full_name"]
        with self.db as uow:
            if not uow.first_time(event.id, CONSUMER):
                return "duplicate"
            uow.audit("handled", "event", event.id, after={
                "name": plan, "correlation_id": self.context.correlation_id})
            if plan == "always-fail":
                raise RuntimeError("this handler always fails")
            if plan == "huge-error":
                raise RuntimeError("x" * 200_000)
            if plan.startswith("fail-") and len(DELIVERIES[event.id]) <= int(plan[5:]):
                raise RuntimeError(f"failure {len(DELIVERIES[event.id])} of {plan}")
            uow.commit()
        return "handled"
