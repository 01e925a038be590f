"""Assertions and look-ups shared by the gateway's integration tests."""
API = "/api/v1"


def problem(response, status):
    """Assert ``response`` is an RFC 7807 problem with ``status``; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json; charset=utf-8"
    body = response.json()
    assert body["status"] == status
    assert body["instance"] and body["title"] and body["type"]
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]
    return body


def ok(response, status=200):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def kgu_id(gateway, region):
    units = ok(gateway.get(f"{API}/org-units", params={"kind": "kgu", "region": region}))
    return units[0]["id"]


def house_of_friendship(parent_id, code, region="KZ-61", **fields):
    return {"code": code, "name_kk": "Достық үйі", "name_ru": "Дом дружбы", "kind":
            "house_of_friendship", "level": "regional", "region_code": region,
            "parent_id": parent_id, **fields}
