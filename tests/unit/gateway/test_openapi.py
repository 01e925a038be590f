import pytest
from openapi_spec_validator import validate

from gateway.entrypoints.service import GatewayService, openapi_document
from gateway.http import build_openapi, routes_of
from gateway.http.openapi import ACCEPT_LANGUAGE
from services.registry.contract import schemas

ROUTES = routes_of(GatewayService)


@pytest.fixture(scope="module")
def document():
    return build_openapi(ROUTES)


def test_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_route_is_documented_once(document):
    documented = {(method.upper(), path) for path, ops in document["paths"].items()
                  for method in ops}
    assert documented == {(r.method, r.openapi_path) for r in ROUTES}
    operation_ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert sorted(operation_ids) == sorted(r.name for r in ROUTES)


PUBLIC_API = {("post", "/api/v1/session"), ("post", "/api/v1/password-reset"),
              ("post", "/api/v1/password"), ("get", "/api/v1/sso/login"),
              ("get", "/api/v1/sso/callback")}


def test_bearer_and_cookie_security_apply_to_the_api_not_to_operations(document):
    schemes = document["components"]["securitySchemes"]
    assert {k: v for k, v in schemes["bearerAuth"].items() if k != "description"} == {
        "type": "http", "scheme": "bearer"}
    assert {k: v for k, v in schemes["cookieAuth"].items() if k != "description"} == {
        "type": "apiKey", "in": "cookie", "name": "kelisim_session"}
    assert "X-CSRF-Token" in schemes["cookieAuth"]["description"]
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            public = not path.startswith("/api/") or (method, path) in PUBLIC_API
            assert op["security"] == ([] if public else [{"bearerAuth": []}, {"cookieAuth": []}])


def test_the_registry_contract_is_derived_from_its_schemas(document):
    components = document["components"]["schemas"]
    for name, schema in [("OrgUnit", schemas.OrgUnitSchema), ("Structure", schemas.StructureSchema),
                         ("Person", schemas.PersonSchema), ("OrgUnitCreate", schemas.OrgUnitCreateSchema)]:
        assert set(components[name]["properties"]) == set(schema().fields)
    assert set(components["OrgUnitCreate"]["required"]) == {
        n for n, f in schemas.OrgUnitCreateSchema().fields.items() if f.required}


def test_operations_reference_request_response_and_problem_schemas(document):
    create = document["paths"]["/api/v1/org-units"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrgUnitCreate"}
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrgUnit"}
    for status, name in [("400", "MalformedRequest"), ("401", "Unauthorized"),
                         ("403", "Forbidden"), ("409", "Conflict"), ("413", "PayloadTooLarge"),
                         ("415", "UnsupportedMediaType"), ("422", "Unprocessable")]:
        assert create["responses"][status] == {"$ref": f"#/components/responses/{name}"}
    problem = document["components"]["responses"]["Unprocessable"]["content"]
    assert problem["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    listing = document["paths"]["/api/v1/org-units"]["get"]["responses"]["200"]
    assert listing["content"]["application/json"]["schema"]["type"] == "array"


def test_path_and_query_parameters_are_typed(document):
    get = document["paths"]["/api/v1/structures/{structure_id}"]["get"]
    assert get["parameters"] == [{"in": "path", "name": "structure_id", "required": True,
                                  "schema": {"type": "integer"}}, ACCEPT_LANGUAGE]
    assert "404" in get["responses"]
    listing = [p for p in document["paths"]["/api/v1/structures"]["get"]["parameters"]
               if p["in"] != "header"]
    assert {p["name"] for p in listing} == set(schemas.StructureQuery().fields)
    assert all(p["in"] == "query" for p in listing)


def test_every_operation_takes_the_readers_language():
    for operations in build_openapi(routes_of(GatewayService))["paths"].values():
        for operation in operations.values():
            assert ACCEPT_LANGUAGE in operation["parameters"]


def test_health_documents_its_503(document):
    assert "503" in document["paths"]["/health"]["get"]["responses"]


def test_the_served_document_is_built_once_per_service_class():
    assert openapi_document(GatewayService) is openapi_document(GatewayService)
