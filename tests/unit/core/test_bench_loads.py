"""bench/load_gateway.py's loads of distinct writes: when they run out, the figure says so.

On a fast machine the assignment load's distinct (task, role, person) triples ran out in
a round: each client thread died on StopIteration with its answered requests uncounted,
the round read 0/s, and the target was judged on the median of the other rounds
(bench/README.md, twenty-fifth machine)."""
import http.server
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import load_gateway  # noqa: E402
from load_common import Assignments, http_load  # noqa: E402


class _Created(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(201)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Created)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_a_load_whose_distinct_writes_run_out_counts_what_it_made_and_says_it_ran_out(server):
    assign = Assignments([server], [(task, "R", 1) for task in range(50)])
    result = http_load(assign.url, 4, 3, "POST", {}, assign.body, expect=201)
    assert result["ok"] == 50
    assert result["errors"] == 4  # each client ended when it found none left
    assert result["error_samples"][0] == b"its distinct requests ran out"


def test_a_target_whose_load_had_errors_is_not_measured(capsys):
    hop = {"per_s": 100.0, "errors": 0}
    ran_out = {"per_s": 60.0, "errors": 4, "error_samples": [b"its distinct requests ran out"]}
    rounds = [{"hop": hop, "assigned": ran_out, "whole": {"per_s": 50.0, "errors": 0}},
              {"hop": hop, "assigned": dict(ran_out, errors=0), "whole": {"per_s": 50.0}}]
    load_gateway.judge("assignment write", rounds, "assigned", "hop", 0.5)
    load_gateway.judge("  its whole shape", rounds, "whole", "hop", 0.5, floor=True,
                       work="assigned")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "target: assignment write -> NOT MEASURED: round 1: assigned 4 errors "
        "(b'its distinct requests ran out')",
        "  its whole shape -> NOT MEASURED: round 1: assigned 4 errors "
        "(b'its distinct requests ran out')"]


def test_a_target_whose_loads_all_answered_is_judged_by_the_median(capsys):
    rounds = [{"hop": {"per_s": 100.0, "errors": 0}, "assigned": {"per_s": share, "errors": 0}}
              for share in (40.0, 60.0, 55.0)]
    load_gateway.judge("assignment write", rounds, "assigned", "hop", 0.5)
    assert capsys.readouterr().out.strip() == (
        "target: assignment write >= 50% of bare HTTP + one RPC hop -> meets "
        "(median 55%; rounds 40%, 60%, 55%)")


@pytest.mark.parametrize(("cached", "at_least", "verdict"), [
    ((1800.0, 2400.0, 2200.0), 300, "(median 2200/s) -> meets (median 55%; rounds 45%, 60%, 55%)"),
    ((1800.0, 2400.0, 2200.0), 2300, "(median 2200/s) -> MISSES (median 55%; rounds 45%, 60%, 55%)"),
    ((1800.0, 1900.0, 2100.0), 300, "(median 1900/s) -> MISSES (median 48%; rounds 45%, 48%, 52%)"),
], ids=["both-met", "rate-missed", "share-missed"])
def test_the_cached_read_is_judged_by_its_median_share_of_bare_http_and_its_rate(
        capsys, cached, at_least, verdict):
    rounds = [{"hello": {"per_s": 4000.0, "errors": 0}, "cached": {"per_s": per_s, "errors": 0}}
              for per_s in cached]
    load_gateway.judge("reads", rounds, "cached", "hello", 0.5, of_label="bare HTTP",
                       at_least=at_least)
    assert capsys.readouterr().out.strip() == (
        f"target: reads >= 50% of bare HTTP and >= {at_least}/s {verdict}")
