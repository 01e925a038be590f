"""HTTP request metrics, labelled by route template (never the raw path) and status class."""
from prometheus_client import Counter, Histogram

from kelisim.metrics import child

UNMATCHED = "<unmatched>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "kelisim_http_requests_total",
    "HTTP requests answered by the gateway, by method, route template and status class.",
    ["method", "route", "status_class"],
)
HTTP_DURATION = Histogram(
    "kelisim_http_request_duration_seconds",
    "Time to answer an HTTP request at the gateway, by method, route template and status class.",
    ["method", "route", "status_class"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def observe_request(method, route, status, seconds):
    """Count one answered request; unknown methods collapse into OTHER to bound the labels."""
    method = method if method in METHODS else "OTHER"
    status_class = f"{status // 100}xx"
    child(HTTP_REQUESTS, method, route, status_class).inc()
    child(HTTP_DURATION, method, route, status_class).observe(seconds)
