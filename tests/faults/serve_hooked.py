"""``kelisim serve COMPONENT`` with a fault hook chosen by ``KELISIM_FAULT_HOOK``:

- ``relay-asleep``: commits do not wake the outbox relay, so with a long
  ``KELISIM_OUTBOX_POLL_INTERVAL`` committed events wait in the outbox (the moment
  between a service's commit and its publish, held open for a test to kill it in).
"""
import eventlet

import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

eventlet.monkey_patch()

import os  # noqa: E402
import sys  # noqa: E402

from kelisim.events.relay import RelayLoop  # noqa: E402
from kelisim_platform.cli.serve import serve  # noqa: E402

HOOK = os.environ.get("KELISIM_FAULT_HOOK")
if HOOK == "relay-asleep":
    RelayLoop.wake = lambda self: None
elif HOOK:
    raise SystemExit(f"unknown KELISIM_FAULT_HOOK {HOOK!r}")

if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
