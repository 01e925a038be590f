"""``kelisim serve COMPONENT`` with a fault hook chosen by ``KELISIM_FAULT_HOOK``:

- ``relay-asleep``: commits do not wake the outbox relay, so with a long
  ``KELISIM_OUTBOX_POLL_INTERVAL`` committed events wait in the outbox (the moment
  between a service's commit and its publish, held open for a test to kill it in).
- ``intake-held``: notifications takes in events until ``KELISIM_FAULT_HOLD_AFTER`` of
  them have gone into its intake, then every further batch waits (before its transaction)
  until the file ``KELISIM_FAULT_GATE`` exists; the file ``<gate>.held`` says it is
  waiting. So a test cuts the connections in the middle of a backlog by construction,
  however fast the batches are taken in: at most HOLD_AFTER - 1 + one batch are in.
"""
import eventlet

import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

eventlet.monkey_patch()

import os  # noqa: E402
import sys  # noqa: E402

from kelisim.events.relay import RelayLoop  # noqa: E402
from kelisim_platform.cli.serve import serve  # noqa: E402


def hold_intake(after, gate):
    """Wrap notifications' intake.receive_many: a batch that starts once ``after`` events
    have started waits until the file ``gate`` exists (the check and the count run with no
    green-thread switch between them, so no batch slips past the hold)."""
    from services.notifications.service_layer import intake

    receive_many, started = intake.receive_many, [0]

    def held(uow, items, *args, **kwargs):
        if started[0] >= after:
            open(f"{gate}.held", "a").close()
            while not os.path.exists(gate):
                eventlet.sleep(0.1)
        started[0] += len(items)
        return receive_many(uow, items, *args, **kwargs)

    intake.receive_many = held


HOOK = os.environ.get("KELISIM_FAULT_HOOK")
if HOOK == "relay-asleep":
    RelayLoop.wake = lambda self: None
elif HOOK == "intake-held":
    hold_intake(int(os.environ["KELISIM_FAULT_HOLD_AFTER"]), os.environ["KELISIM_FAULT_GATE"])
elif HOOK:
    raise SystemExit(f"unknown KELISIM_FAULT_HOOK {HOOK!r}")

if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
