"""Failed sign-ins: slowed, then locked for a while, per login name and per address.

Counted per key whether or not the login names an account, so the answer never tells.
After ``slow_after`` failures each attempt must wait ``base_delay * 2**k`` seconds after the
last failure; after ``lock_after`` failures the key is locked for ``lock_seconds``. A
successful sign-in clears the login's key (not the address's).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    slow_after: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    lock_after: int = 10
    lock_seconds: float = 900.0
    forget_seconds: float = 3600.0  # failures older than this no longer count


@dataclass
class SignInFailures:
    key: str
    failures: int
    last_failed_at: datetime
    locked_until: datetime | None = None

    def wait(self, now: datetime, policy: ThrottlePolicy) -> float:
        """Seconds before another attempt may be tried (0: go ahead)."""
        if self.locked_until is not None and now < self.locked_until:
            return (self.locked_until - now).total_seconds()
        if self.failures < policy.slow_after or self.forgotten(now, policy):
            return 0.0
        delay = min(policy.max_delay, policy.base_delay * 2 ** (self.failures - policy.slow_after))
        ready = self.last_failed_at + timedelta(seconds=delay)
        return max(0.0, (ready - now).total_seconds())

    def forgotten(self, now: datetime, policy: ThrottlePolicy) -> bool:
        return (now - self.last_failed_at).total_seconds() > policy.forget_seconds and (
            self.locked_until is None or now >= self.locked_until)

    def fail(self, now: datetime, policy: ThrottlePolicy) -> bool:
        """Count one failure; True when this one locked the key."""
        if self.forgotten(now, policy):
            self.failures, self.locked_until = 0, None
        self.failures += 1
        self.last_failed_at = now
        if self.failures >= policy.lock_after and (
                self.locked_until is None or self.locked_until <= now):
            self.locked_until = now + timedelta(seconds=policy.lock_seconds)
            return True
        return False
