"""The gateway's log lines, read from a running gateway: a 4xx is one line without a
traceback, and the access log line of a request carries its correlation id."""
import io
import json
import logging

import pytest
import structlog

from kelisim import logging as kelisim_logging
from tests.support import wait_for


@pytest.fixture
def log_lines():
    """Logging configured as ``kelisim serve`` does (JSON), into a buffer: its records."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    config = structlog.get_config()
    buffer = io.StringIO()
    kelisim_logging.configure("gateway", "INFO", "json", stream=buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)
    structlog.contextvars.clear_contextvars()


def test_a_not_found_is_one_line_and_the_access_line_has_the_correlation_id(
        log_lines, gateway):
    answer = gateway.get("/api/v1/org-units/99999",
                         headers={"X-Correlation-ID": "corr-logs-404"})
    assert answer.status_code == 404

    def access_line():
        return [r for r in log_lines() if "/api/v1/org-units/99999" in r["event"]
                and r.get("logger", r.get("event")) and " 404 " in r["event"]]

    wait_for(access_line)
    (access,) = access_line()
    assert access["correlation_id"] == "corr-logs-404"
    related = [r for r in log_lines() if "99999" in json.dumps(r, ensure_ascii=False)]
    assert not [r for r in related if "exception" in r or "exc_info" in r], related
    expected = [r for r in log_lines() if r["event"].startswith("(expected)")]
    assert expected and all(r["level"] == "warning" for r in expected)
