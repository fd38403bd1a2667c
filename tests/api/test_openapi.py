"""The OpenAPI document: served without authentication, valid OpenAPI 3, and the committed copy
(api/openapi/openapi.json, linted in CI against the NL API Design Rules) equal to what the code
generates."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema

COMMITTED = Path(settings.BASE_DIR) / "api" / "openapi" / "openapi.json"
OUTDATED = (
    "api/openapi/openapi.json differs from the document the code generates: run `make openapi` "
    "and commit the result (then `make apilint`)."
)


def _generated() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, as the command writes it: lazy strings and tuples become plain values.
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def _differences(a, b, where="", depth=3) -> list[str]:
    """Where two JSON values differ, down to ``depth`` levels: a readable failure message."""
    if a == b:
        return []
    if depth == 0 or not (isinstance(a, dict) and isinstance(b, dict)):
        return [where or "/"]
    return [
        d
        for key in sorted(a.keys() | b.keys())
        for d in _differences(a.get(key), b.get(key), f"{where}/{key}", depth - 1)
    ]


def test_committed_document_equals_generated(committed):
    generated = _generated()

    assert committed == generated, f"{OUTDATED} Differs at: {_differences(committed, generated)}"


def test_document_is_valid_openapi_3(committed):
    assert committed["openapi"].startswith("3.0.")
    validate_schema(committed)  # raises on an invalid document


def test_document_is_relative_to_the_versioned_server(committed):
    # ADR /core/uri-version and /core/publish-openapi: paths under servers[0] = /api/v1.
    assert [server["url"] for server in committed["servers"]] == ["/api/v1"]
    assert "/openapi.json" in committed["paths"]
    assert list(committed["paths"]["/openapi.json"]) == ["get"]
    assert not any(p.startswith("/api/") for p in committed["paths"])


def test_every_response_documents_api_version_and_errors_are_problems(committed):
    for path, item in committed["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    naam = response["$ref"].rsplit("/", 1)[1]
                    response = committed["components"]["responses"][naam]
                assert "API-Version" in response["headers"], (path, method, status)
                if status[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], (
                        path,
                        method,
                        status,
                    )
            if path != "/openapi.json":
                assert operation["security"] == [{"bearerAuth": []}], (path, method)
                assert "401" in operation["responses"] and "403" in operation["responses"]


@pytest.mark.django_db
def test_openapi_json_served_without_authentication(http, committed):
    response = http.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in (
        "application/json",
        "application/vnd.oai.openapi+json",
    )
    # The served document is the committed one: nothing in it depends on host or request.
    assert json.loads(response.content) == committed
    # The headers the document promises for this resource (ADR /core/version-header and
    # /core/publish-openapi: any web application may fetch it).
    assert response["API-Version"] == settings.API_VERSIE
    assert response.headers.get("Access-Control-Allow-Origin") == "*"


@pytest.mark.django_db
def test_openapi_json_as_plain_json_on_request(http):
    response = http.get("/api/v1/openapi.json", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/json"


@pytest.mark.django_db
def test_openapi_yaml_served_without_authentication(http, committed):
    response = http.get("/api/v1/openapi.yaml")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in (
        "application/vnd.oai.openapi",
        "application/yaml",
    )
    assert response["API-Version"] == settings.API_VERSIE
    assert yaml.safe_load(response.content) == committed


@pytest.mark.django_db
def test_openapi_served_with_an_invalid_token_too(http):
    # The document is public: a wrong or revoked token must not turn it into a 401.
    http.credentials(HTTP_AUTHORIZATION="Bearer inn_onbekend")

    assert http.get("/api/v1/openapi.json").status_code == 200


def _problem_validator(document: dict):
    # The components as root, so "#/components/schemas/..." resolves within the document.
    return jsonschema.Draft7Validator(
        {"$ref": "#/components/schemas/Problem", "components": document["components"]}
    )


ONBEKEND = "00000000-0000-4000-8000-000000000000"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scopes", "method", "path", "documented_as", "status"),
    [
        (None, "get", "/vorderingen", "/vorderingen", 401),
        ([], "get", "/vorderingen", "/vorderingen", 403),
        (["vorderingen.lezen"], "get", f"/vorderingen/{ONBEKEND}", "/vorderingen/{uuid}", 404),
        (["vorderingen.aanmaken"], "post", "/vorderingen", "/vorderingen", 400),
    ],
)
def test_error_answers_are_as_documented(
    http, maak_client, organisatie, committed, scopes, method, path, documented_as, status
):
    if scopes is not None:
        _, token = maak_client(organisatie, scopes=scopes)
        http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = getattr(http, method)(
        f"/api/v1{path}", {} if method == "post" else None, format="json"
    )

    assert response.status_code == status
    documented = committed["paths"][documented_as][method]["responses"][str(status)]
    documented = committed["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
    assert response["Content-Type"] == "application/problem+json"
    for header in documented["headers"]:
        assert response.has_header(header), header
    _problem_validator(committed).validate(response.json())
