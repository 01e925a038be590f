"""The notifications service's contract: what the gateway and the other services may know
of it.

- ``SERVICE``: the nameko name its RPC methods answer under;
- the words of its data (channels, digest frequencies, delivery statuses, the event types
  that notify people and those that cannot be muted), which its domain
  (``services/notifications/domain``) takes from here;
- ``schemas``: the marshmallow schemas of what its RPC methods accept and return (the
  gateway's requests and answers, and ``/openapi.json``).

It publishes no events of its own (the regional stream carries the others' events).
Its RPC methods raise the shared errors of :mod:`kelisim.errors` (``NotFound``,
``Conflict``, ``Invalid``, ``Forbidden``), which cross RPC intact.
Nothing here imports the service's domain, adapters, service layer or entrypoints
(``make lint`` checks it: pyproject.toml's ``[tool.importlinter]``).
"""

SERVICE = "notifications"

CHANNELS = ("inbox", "email", "webhook", "stream")
PREFERENCE_CHANNELS = ("inbox", "email")
FREQUENCIES = ("immediate", "hourly", "daily")
# What a KGU must learn: these cannot be muted (inbox and e-mail stay on).
CRITICAL_TYPES = ("task_assigned", "task_reassigned", "deadline_slipped", "task_overdue")
# Event types that notify people (inbox, e-mail, webhooks); every consumed event also
# goes to the regional stream.
NOTIFIED_TYPES = (
    "task_assigned", "task_reassigned", "deadline_slipped", "task_overdue", "budget_overrun",
    "risk_escalated", "plan_status_changed", "report_due_soon", "report_overdue",
    "report_submitted", "report_accepted", "report_returned", "report_reopened",
)
DELIVERY_STATUSES = ("pending", "sending", "delivered", "digest", "digested", "dead",
                     "cancelled")


def is_critical(event_type):
    """Whether ``event_type`` (a str) is one a KGU cannot mute (inbox and e-mail stay on)."""
    return event_type in CRITICAL_TYPES


def event_types():
    """The types of the events the notifications service publishes: none (the regional
    stream carries the other services' events)."""
    return ()
