from prometheus_client import REGISTRY

from gateway.http.metrics import observe_request


def count(method, route, status_class):
    return REGISTRY.get_sample_value("kelisim_http_requests_total", {
        "method": method, "route": route, "status_class": status_class}) or 0


def test_requests_are_counted_by_method_route_and_status_class():
    before = count("GET", "/unit-test/<int:id>", "4xx")
    observe_request("GET", "/unit-test/<int:id>", 404, 0.01)
    observe_request("GET", "/unit-test/<int:id>", 422, 0.01)
    assert count("GET", "/unit-test/<int:id>", "4xx") == before + 2


def test_durations_are_observed_with_the_same_labels():
    labels = {"method": "POST", "route": "/unit-test", "status_class": "2xx"}
    before = REGISTRY.get_sample_value("kelisim_http_request_duration_seconds_count", labels) or 0
    observe_request("POST", "/unit-test", 201, 0.2)
    assert REGISTRY.get_sample_value(
        "kelisim_http_request_duration_seconds_count", labels) == before + 1


def test_unknown_methods_share_one_label():
    before = count("OTHER", "/unit-test", "4xx")
    observe_request("BREW", "/unit-test", 405, 0.0)
    observe_request("XYZZY", "/unit-test", 405, 0.0)
    assert count("OTHER", "/unit-test", "4xx") == before + 2
    assert count("BREW", "/unit-test", "4xx") == 0
