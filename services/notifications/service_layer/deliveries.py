"""The delivery log: every delivery with each of its attempts."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kelisim.access import scope_region
from kelisim.schemas import load
from services.notifications.contract import schemas
from services.notifications.domain.model import Attempt

if TYPE_CHECKING:
    from kelisim.db.uow import UnitOfWork

_OUT = schemas.DeliverySchema()
_ATTEMPT = schemas.DeliveryAttemptSchema()


def list_deliveries(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    query = load(schemas.DeliveryQuery, query)
    with uow:
        region = scope_region(uow.context.actor)
        limit, offset = query.pop("limit"), query.pop("offset")
        items, total = uow.repo.deliveries(region=region, limit=limit, offset=offset, **query)
        attempts = uow.repo.attempts_of([d.id for d in items])
        dumped = []
        for delivery in items:
            row = _OUT.dump(delivery)
            row["log"] = [_ATTEMPT.dump(a) for a in attempts.get(delivery.id, [])]
            if delivery.channel == "inbox" and delivery.delivered_at and not row["log"]:
                # written in the transaction that took the event in: its one attempt
                row["log"] = [_ATTEMPT.dump(Attempt(delivery.id, delivery.delivered_at,
                                                    "delivered", duration_ms=0.0))]
            dumped.append(row)
        return {"items": dumped, "total": total, "limit": limit, "offset": offset}
