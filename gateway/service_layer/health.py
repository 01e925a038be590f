"""Is the platform usable? The broker, the gateway database and every service, checked at once."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import eventlet
from eventlet.greenpool import GreenPool
from kombu import Connection
from nameko.exceptions import UnknownService

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork


def _timed(check: Callable[[], object], timeout: float) -> dict[str, Any]:
    """Run ``check()`` under a deadline; return its report as ``{"ok": ..., ...}``."""
    started = time.monotonic()
    timer = eventlet.Timeout(timeout)
    try:
        check()
    except eventlet.Timeout as exc:
        if exc is not timer:
            raise
        return {"ok": False, "error": f"did not answer within {timeout:g}s"}
    except UnknownService:
        return {"ok": False, "error": "not running"}
    except Exception as exc:  # any failure means "not healthy"; say why without internals
        # (a detail may be a Msg, e.g. a late service's 504: its English text, as the rest)
        return {"ok": False, "error": str(getattr(exc, "detail", None) or type(exc).__name__)}
    finally:
        timer.cancel()
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def broker_check(amqp_uri: str, timeout: float) -> Callable[[], None]:
    def connect() -> None:
        with Connection(amqp_uri, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    return connect


def database_check(uow: UnitOfWork) -> Callable[[], None]:
    def select_one() -> None:
        with uow:
            uow.repo.ping()
    return select_one


def check_all(checks: Any, timeout: float) -> Any:
    """Run named checks concurrently, each within ``timeout`` seconds.

    Returns ``(healthy, reports)`` where reports maps each name to its outcome.
    """
    pool = GreenPool(max(1, len(checks)))
    names = list(checks)
    reports = dict(zip(names, pool.imap(lambda name: _timed(checks[name], timeout), names), strict=False))
    return all(report["ok"] for report in reports.values()), reports
