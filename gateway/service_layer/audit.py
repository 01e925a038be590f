"""One audit view over the writes of every service.

The gateway asks each service for the newest ``offset + limit`` entries that match the
filters (``audit_entries`` over RPC, all at once), merges them by time and cuts the page:
exactly the page a single merged log would give, since no entry of the page can lie
deeper than ``offset + limit`` in its own service's log. ``total`` is the sum of the
services' totals. Each service stays the owner of its audit trail and an entry is visible
as soon as its write commits; the price is a bounded window (``kelisim.audit.MAX_WINDOW``).
A service that is not running or does not answer in time is named in ``unavailable``
(the rest is answered, never a silently partial log).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import eventlet

from gateway.errors import UNANSWERED
from kelisim.audit import AuditQuery
from kelisim.schemas import load

AUDITED = ("registry", "projects", "reports", "notifications")


def _newest_first(entry: dict[str, Any]) -> tuple[datetime, str, int]:
    return (datetime.fromisoformat(entry["occurred_at"]), entry["service"], entry["id"])


def merged_page(proxies: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """``proxies``: ``{service: rpc proxy}``; ``params``: the query as sent.
    Returns ``{"items", "total", "limit", "offset"}``, newest first."""
    query = load(AuditQuery, params)
    window = {**params, "limit": query["offset"] + query["limit"], "offset": 0}

    def ask(name: str) -> tuple[str, dict[str, Any] | None]:
        try:
            return name, proxies[name].audit_entries(window)
        except UNANSWERED:
            return name, None

    pool = eventlet.GreenPool(len(proxies))
    answers = dict(pool.imap(ask, proxies))
    answered = [answer for answer in answers.values() if answer is not None]
    entries = sorted((entry for answer in answered for entry in answer["items"]),
                     key=_newest_first, reverse=True)
    start = query["offset"]
    return {"items": entries[start:start + query["limit"]],
            "total": sum(answer["total"] for answer in answered),
            "limit": query["limit"], "offset": query["offset"],
            "unavailable": sorted(name for name, answer in answers.items() if answer is None)}
