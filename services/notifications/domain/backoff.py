"""When to try a failed delivery again: exponential backoff with jitter, within a window."""
import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Delays grow ``first_delay * factor**n`` up to ``max_delay``; each is jittered into
    [half, full] of itself. Retries go on until ``window`` seconds after the first attempt."""

    first_delay: float = 30.0
    factor: float = 2.0
    max_delay: float = 6 * 3600.0
    window: float = 24 * 3600.0

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt."""
        uniform = rng.uniform if rng is not None else random.uniform
        base = min(self.max_delay, self.first_delay * self.factor ** max(0, attempts - 1))
        return base / 2 + uniform(0, base / 2)

    def next_attempt(self, first_attempt_at: datetime, now: datetime, attempts: int,
                     rng: random.Random | None = None) -> datetime | None:
        """When to try again, or None once the window since the first attempt has passed."""
        if (now - first_attempt_at).total_seconds() >= self.window:
            return None
        return now + timedelta(seconds=self.delay(attempts, rng))
