"""Bad input at the HTTP edge, through the gateway and the registry on SQLite and on
PostgreSQL (which cannot store NUL in text): each is a 4xx problem and changes nothing.

Covers every parser in front of a route: the HTTP framing (headers, Content-Length, the
body's end), the path segments, the JSON body (depth, numbers, text) and the query.
"""
import json
import socket

import pytest

from tests.integration.gateway.helpers import API, kgu_id, ok, problem

PROBLEM_TYPE = "application/problem+json; charset=utf-8"


@pytest.fixture(params=["sqlite", "postgres"])
def gateway(start_gateway, request):
    return start_gateway(registry_url=request.getfixturevalue(f"{request.param}_url"),
                         MAX_REQUEST_BYTES=65536)


def structures(gateway):
    return ok(gateway.get(f"{API}/structures", params={"limit": 200}))["total"]


def nested(depth):
    return "[" * depth + "1" + "]" * depth


def raw(gateway, data):
    """Send ``data`` as it is on a connection of its own, the client then closing its side;
    the answer's status, headers and parsed body."""
    host, port = gateway.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=15) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body)


def post_structure(gateway, body, extra_headers=""):
    token = gateway.tokens["admin"]
    return (f"POST {API}/structures HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\n{extra_headers}\r\n").encode() + body


def test_bodies_too_deep_or_beyond_numbers_or_with_unstorable_text_change_nothing(gateway):
    kgu = kgu_id(gateway, "KZ-61")
    before = structures(gateway)
    good = {"type": "mediation_council", "name": "Кеңес", "org_unit_id": kgu}
    for depth in (3000, 30_000, 40):  # inside one field, as the name
        data = json.dumps(good, ensure_ascii=False).replace('"Кеңес"', nested(depth)).encode()
        body = problem(gateway.post(f"{API}/structures", data=data,
                                    headers={"Content-Type": "application/json"}), 400)
        assert "deep" in body["detail"]
    for number in ("1e999", "-1e999"):
        data = json.dumps(good).replace(f"{kgu}", number).encode()
        problem(gateway.post(f"{API}/structures", data=data,
                             headers={"Content-Type": "application/json"}), 400)
    for name in ("\ud800x", "x\udfff", "a\x00b", "bell\x07", "esc\x1b[31m"):
        body = problem(gateway.post(f"{API}/structures", dict(good, name=name)), 422)
        assert set(body["errors"]) == {"name"}
    assert structures(gateway) == before
    assert ok(gateway.post(f"{API}/structures", dict(good, name="Екі\tжол\r\nмәтін")), 201)


def test_control_characters_in_a_path_segment_name_nothing(gateway):
    for path in ("regions/KZ%0061/kgu", "regions/ab%00c/kgu", "regions/KZ-61%0A/kgu"):
        problem(gateway.get(f"{API}/{path}"), 404)
    # bytes that are no UTF-8 (an encoded surrogate) arrive as U+FFFD and name no region
    problem(gateway.get(f"{API}/regions/%ED%A0%80/kgu"), 422)
    assert ok(gateway.get(f"{API}/regions/KZ-61/kgu"))["org_unit"]["region_code"] == "KZ-61"


def test_query_values_with_control_characters_or_beyond_dates_are_refused(gateway):
    for params in ({"region": "KZ-6\x001"}, {"name": "a\x00"}, {"region": "\x1b"}):
        problem(gateway.get(f"{API}/structures", params=params), 422)


def test_ambiguous_or_cut_short_bodies_are_refused_and_change_nothing(gateway):
    kgu = kgu_id(gateway, "KZ-61")
    before = structures(gateway)
    body = json.dumps({"type": "mediation_council", "name": "Кеңес",
                       "org_unit_id": kgu}).encode()
    cases = {
        "two lengths": post_structure(
            gateway, body, f"Content-Length: {len(body)}\r\nContent-Length: 5\r\n"),
        "cut short": post_structure(gateway, body, f"Content-Length: {len(body) + 40}\r\n"),
        "length and chunks": post_structure(
            gateway, b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n",
            f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\n"),
        "chunks cut short": post_structure(
            gateway, b"%x\r\n" % (len(body) + 40) + body, "Transfer-Encoding: chunked\r\n"),
        "a length that is no number": post_structure(gateway, body, "Content-Length: 1e3\r\n"),
    }
    for case, data in cases.items():
        status, headers, answer = raw(gateway, data)
        assert (status, headers["content-type"], answer["status"]) == (
            400, PROBLEM_TYPE, 400), (case, answer)
    assert structures(gateway) == before
    status, _, made = raw(gateway, post_structure(gateway, body, (
        f"Content-Length: {len(body)}\r\nContent-Length: {len(body)}\r\n")))
    assert status == 201 and made["name"] == "Кеңес"  # the same length twice is one length


def test_oversized_header_lines_and_too_many_headers_are_problems(gateway):
    request_line = f"GET {API}/regions HTTP/1.1\r\nHost: x\r\n"
    for extra, status in (("X-Long: " + "a" * 9000 + "\r\n", 431),
                          ("".join(f"X-H{i}: {i}\r\n" for i in range(120)), 431),
                          ("".join(f"X-H{i}: {'b' * 8000}\r\n" for i in range(10)), 431)):
        got, headers, body = raw(gateway, (request_line + extra + "\r\n").encode())
        assert (got, headers["content-type"], body["status"]) == (status, PROBLEM_TYPE, status)
        assert body["title"] and body["detail"] and body["correlation_id"]
    got, headers, body = raw(gateway, f"GET /{'x' * 70000} HTTP/1.1\r\n\r\n".encode())
    assert (got, headers["content-type"], body["status"]) == (414, PROBLEM_TYPE, 414)
    got, headers, body = raw(gateway, b"GET / HTTP/1.1 extra\r\n\r\n")
    assert (got, headers["content-type"]) == (400, PROBLEM_TYPE)
