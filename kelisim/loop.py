"""A loop that works as soon as it is woken, else every so often: written once for the
outbox relay (woken by a commit) and the notifications dispatcher (woken by an event
taken in).

``step()`` does one round of work and returns the seconds to wait before the next (0 or
less: at once); :meth:`WakeOrPollLoop.wake` ends the wait early. A step that raises (the
database or the broker is down) is logged and run again after a backoff: 0.5 s doubling
up to 30 s. Each round starts with a fresh wake-up event *before* the step, so a wake
during the step is not lost.
"""
from collections.abc import Callable

import eventlet
import eventlet.event

from kelisim.logging import get_logger

log = get_logger(__name__)


def backoff(failures: int) -> float:
    """Seconds to wait after ``failures`` failed rounds in a row: 0.5 doubling, at most 30."""
    return min(30.0, 0.5 * float(2 ** min(failures, 6)))


class WakeOrPollLoop:
    """Runs ``step`` until :meth:`stop`. ``failed`` is the log message of a failing step;
    ``on_failure()`` runs after one (e.g. to show a growing backlog); with
    ``wake_ends_backoff`` false, the backoff after a failure lasts whatever wakes come."""

    def __init__(self, name: str, step: Callable[[], float], *,
                 failed: str = "loop step failed",
                 on_failure: Callable[[], None] | None = None,
                 recovered: str | None = None, wake_ends_backoff: bool = True) -> None:
        self.name = name
        self.step = step
        self.failed = failed
        self.on_failure = on_failure
        self.recovered = recovered
        self.wake_ends_backoff = wake_ends_backoff
        self.running = True
        self._wakeup = eventlet.event.Event()

    def wake(self) -> None:
        """End the current wait (no effect while a step runs: it runs again at once after)."""
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def stop(self) -> None:
        """Stop after the current step; ends the current wait."""
        self.running = False
        self.wake()

    def run(self) -> None:
        failures = 0
        while self.running:
            # A fresh event before the step: a wake after this point ends the wait below;
            # one before it is already visible to the step.
            self._wakeup = eventlet.event.Event()
            try:
                wait = self.step()
            except Exception as exc:  # database or broker down: back off, keep going
                failures += 1
                log.warning(self.failed, loop=self.name, error=repr(exc), failures=failures)
                if self.on_failure is not None:
                    self.on_failure()
                if not self.wake_ends_backoff:
                    eventlet.sleep(backoff(failures))
                    continue
                wait = backoff(failures)
            else:
                if failures and self.recovered:
                    log.info(self.recovered, loop=self.name, after_failures=failures)
                failures = 0
            if wait > 0 and self.running:
                with eventlet.Timeout(wait, False):
                    self._wakeup.wait()
