"""Issue 12.8: the gateway's one audit view merges every service's audit trail by time,
and any page of it is exactly that page of one merged log."""
from datetime import UTC, datetime, timedelta

import pytest
from nameko.exceptions import UnknownService

from gateway.http.rpc import TimedRpcProxy
from gateway.service_layer.audit import AUDITED, merged_page
from kelisim.errors import Invalid

START = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


class FakeService:
    """Answers ``audit_entries`` as kelisim.audit.entries_page does, from a list."""

    def __init__(self, name, minutes):
        self.asked = []
        self.entries = [{"id": n, "service": name, "action": "update", "entity": "x",
                         "region_code": "KZ-61" if n % 2 else None,
                         "occurred_at": (START + timedelta(minutes=m)).isoformat()}
                        for n, m in enumerate(minutes, start=1)]

    def audit_entries(self, query):
        self.asked.append(query)
        rows = [e for e in self.entries
                if not query.get("region") or e["region_code"] == query["region"]]
        rows.sort(key=lambda e: (e["occurred_at"], e["id"]), reverse=True)
        start = query["offset"]
        return {"items": rows[start:start + query["limit"]], "total": len(rows)}


@pytest.fixture
def services():
    # interleaved times, ties across services, microseconds that isoformat writes or omits
    minutes = {"registry": [0, 3, 6, 9, 12.5], "projects": [1, 3, 4, 5, 7, 8, 10, 11],
               "reports": [2, 6.25], "notifications": []}
    return {name: FakeService(name, minutes[name]) for name in AUDITED}


def everything(services, region=None):
    rows = [e for s in services.values() for e in s.entries
            if region is None or e["region_code"] == region]
    return sorted(rows, key=lambda e: (datetime.fromisoformat(e["occurred_at"]),
                                       e["service"], e["id"]), reverse=True)


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 20])
def test_every_page_is_the_same_page_of_one_merged_log(services, limit):
    merged = everything(services)
    seen = []
    for offset in range(0, len(merged) + limit, limit):
        page = merged_page(services, {"limit": str(limit), "offset": str(offset)})
        assert page["total"] == len(merged)
        assert page["items"] == merged[offset:offset + limit] and page["unavailable"] == []
        seen += page["items"]
    assert seen == merged  # nothing lost, nothing twice
    times = [datetime.fromisoformat(e["occurred_at"]) for e in seen]
    assert times == sorted(times, reverse=True)


def test_filters_reach_every_service_and_the_window_is_offset_plus_limit(services):
    page = merged_page(services, {"region": "KZ-61", "limit": "2", "offset": "3"})
    assert page["items"] == everything(services, "KZ-61")[3:5]
    for service in services.values():
        assert service.asked == [{"region": "KZ-61", "limit": 5, "offset": 0}]


def test_a_service_that_does_not_answer_is_named_not_hidden(services):
    class Stopped:
        def audit_entries(self, query):
            raise UnknownService("notifications")

    services["notifications"] = Stopped()
    page = merged_page(services, {"limit": "200"})
    assert page["unavailable"] == ["notifications"]
    assert page["items"] == everything({k: v for k, v in services.items()
                                        if k != "notifications"})


def test_a_service_late_through_the_gateway_proxy_is_named_not_a_504(services):
    class Late:  # what the gateway's timed proxy raises when a service does not answer
        def audit_entries(self, query):
            raise TimedRpcProxy.timeout_error("the reports service did not answer within 10 s")

    services["reports"] = Late()
    page = merged_page(services, {"limit": "200"})
    assert page["unavailable"] == ["reports"]
    assert page["items"] == everything({k: v for k, v in services.items() if k != "reports"})


def test_an_unknown_filter_or_a_page_beyond_the_window_is_refused(services):
    with pytest.raises(Invalid) as unknown:
        merged_page(services, {"who": "admin"})
    assert unknown.value.errors == {"who": "unknown query parameter"}
    with pytest.raises(Invalid) as deep:
        merged_page(services, {"offset": "20000"})
    assert "offset" in deep.value.errors
