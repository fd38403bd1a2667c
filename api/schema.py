"""The OpenAPI document, completed to the NL API Design Rules (ADR 2.1.0, checked by Logius'
Spectral ruleset in api/openapi/; `make apilint`).

drf-spectacular describes the views; :func:`postprocess` (its POSTPROCESSING_HOOK) adds what the
rules demand and the code already does everywhere, so the views need not repeat it:

- paths relative to ``servers: [{"url": "/api/v1"}]`` (/core/uri-version), with ``/openapi.json``
  itself documented (/core/publish-openapi, GET only, with the CORS header it is served with);
- the ``API-Version`` header on every response (/core/version-header; api.middleware sends it);
- errors as ``application/problem+json`` (RFC 9457, api.problemen): per operation only the
  statuses it can answer with;
- the Bearer token (api.auth) as security scheme, and per operation the scope it requires.

The same function makes the served document and the committed api/openapi/openapi.json
(`make openapi`), so it depends on nothing but the code: no host, no environment, no request.
"""

import json
import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.auth import BearerTokenAuthentication, vereiste_scope
from api.models import Scope

PREFIX = "/api/v1"
SECURITY_SCHEME = "bearerAuth"
PROBLEM_JSON = "application/problem+json"

_HEADER_REF = "#/components/headers/"
_RESPONSE_REF = "#/components/responses/"
_SCHEMA_REF = "#/components/schemas/"

# Business-rule refusals beyond the defaults (api.problemen._STATUS_PER_CODE): a known
# vorderingnummer or a reused Idempotency-Key is 409, another broken rule 422.
_EXTRA_FOUTEN = {"vordering_create": (409, 422)}

# Status → the shared response under components.responses (names without 2xx/3xx digits: the
# ruleset would take those for success responses).
_FOUTEN = {
    400: "OngeldigVerzoek",
    401: "NietGeauthenticeerd",
    403: "GeenToegang",
    404: "NietGevonden",
    409: "Conflict",
    422: "RegelOvertreden",
    429: "TeVeelVerzoeken",
}

# The tags drf-spectacular derives from the first path segment, described (Spectral: every
# operation's tag defined globally). An unknown tag still gets an entry, without description.
_TAGS = {
    "abonnementen": "Notificaties van statuswijzigingen (vorm van de VNG Notificaties API).",
    "debiteuren": "Debiteuren met hun openstaande en achterstallige bedragen.",
    "openapi": "Dit OpenAPI-document.",
    "verantwoordingen": "Financiële verantwoordingen voor het financiële systeem.",
    "vorderingen": "Vorderingen aanleveren en opvragen, zoals Verstrek Vordering (Di01).",
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Lets drf-spectacular name api.auth's scheme itself (once api.schema is imported);
    :func:`postprocess` sets the same, so the document does not depend on import order."""

    target_class = BearerTokenAuthentication
    name = SECURITY_SCHEME

    def get_security_definition(self, auto_schema):
        return _security_scheme()


def _security_scheme() -> dict:
    scopes = ", ".join(f"`{s.value}`" for s in Scope)
    return {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "Het token van een API-client (`manage.py apiclient`) als "
            "`Authorization: Bearer <token>`. Elke bewerking vereist één scope van de client "
            f"({scopes}); zonder geldig token 401, zonder de scope 403. Onbekende tokens vanaf "
            "één adres worden na enkele pogingen tijdelijk geweigerd (429)."
        ),
    }


def _headers() -> dict:
    return {
        "API-Version": {
            "description": "De volledige versie van de API die antwoordde.",
            "required": True,
            "schema": {"type": "string", "example": "1.0.0"},
        },
        "access-control-allow-origin": {
            "description": "Het OpenAPI-document mag door elke webapplicatie worden opgehaald.",
            "required": True,
            "schema": {"type": "string", "example": "*"},
        },
        "Idempotent-Replayed": {
            "description": (
                "`true` als dit het bewaarde antwoord is op een eerder verzoek met dezelfde "
                "Idempotency-Key en body (er is niets opnieuw aangemaakt)."
            ),
            "required": False,
            "schema": {"type": "string", "enum": ["true"]},
        },
        "Location": {
            "description": "De URL van de aangemaakte resource.",
            "required": True,
            "schema": {"type": "string", "format": "uri"},
        },
        "Retry-After": {
            "description": "Over hoeveel seconden een nieuwe poging zin heeft.",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        },
        "WWW-Authenticate": {
            "description": "Het vereiste authenticatieschema: Bearer.",
            "required": True,
            "schema": {"type": "string", "example": 'Bearer realm="inningen-api"'},
        },
    }


def _problem_schemas() -> dict:
    return {
        "InvalidParam": {
            "type": "object",
            "description": "Een veld dat niet voldoet.",
            "properties": {
                "name": {
                    "type": "string",
                    "description": "Het veld, genest met punten: `regels.0.bedragInclBtw`.",
                },
                "code": {"type": "string", "description": "Soort fout, bijv. `required`."},
                "reason": {"type": "string", "description": "Uitleg voor een mens."},
            },
            "required": ["name", "code", "reason"],
        },
        "Problem": {
            "type": "object",
            "description": "Een fout volgens RFC 9457 (application/problem+json).",
            "properties": {
                "type": {
                    "type": "string",
                    "description": (
                        "`about:blank`, of `urn:inningen:problem:<code>` als er een code is."
                    ),
                },
                "title": {"type": "string", "description": "Korte omschrijving van de fout."},
                "status": {"type": "integer", "description": "De HTTP-statuscode."},
                "detail": {"type": "string", "description": "Uitleg bij dit geval."},
                "instance": {"type": "string", "description": "Het pad van het verzoek."},
                "code": {
                    "type": "string",
                    "description": (
                        "Bij een geweigerde bedrijfsregel de FIN/StUF-foutcode van de "
                        "SOAP-kant (bijv. `FIN003`); anders een code van de fout (bijv. "
                        "`invalid`, `not_authenticated`)."
                    ),
                },
                "invalidParams": {
                    "type": "array",
                    "items": {"$ref": _SCHEMA_REF + "InvalidParam"},
                },
            },
            "required": ["type", "title", "status", "detail"],
        },
    }


def _problem_response(description: str, *extra_headers: str) -> dict:
    headers = {"API-Version": {"$ref": _HEADER_REF + "API-Version"}}
    headers.update({h: {"$ref": _HEADER_REF + h} for h in extra_headers})
    return {
        "description": description,
        "headers": headers,
        "content": {PROBLEM_JSON: {"schema": {"$ref": _SCHEMA_REF + "Problem"}}},
    }


def _error_responses() -> dict:
    beschrijving = {
        400: ("Ongeldig verzoek: de fouten per veld staan in `invalidParams`.",),
        401: ("Geen, een onbekend of een ingetrokken token.", "WWW-Authenticate"),
        403: ("De client mist de vereiste scope, of mag niet voor deze organisatie/TSA-code.",),
        404: ("Niet gevonden, of niet binnen de scope van de client.",),
        409: ("Bestaat al (vorderingnummer) of de Idempotency-Key is eerder anders gebruikt.",),
        422: ("Een bedrijfsregel is overtreden; de FIN-code staat in `code`.",),
        429: ("Te veel mislukte aanmeldpogingen vanaf dit adres.", "Retry-After"),
    }
    return {naam: _problem_response(*beschrijving[status]) for status, naam in _FOUTEN.items()}


def _openapi_json_path() -> dict:
    return {
        "get": {
            "operationId": "openapi_read",
            "summary": "Dit OpenAPI-document",
            "description": (
                "Het OpenAPI 3-document van deze API, zonder authenticatie; ook als YAML op "
                "`/openapi.yaml`."
            ),
            "tags": ["openapi"],
            "security": [],
            "responses": {
                "200": {
                    "description": "Het OpenAPI-document.",
                    "headers": {
                        "API-Version": {"$ref": _HEADER_REF + "API-Version"},
                        # Lower case: the ruleset looks the header up by this exact key.
                        "access-control-allow-origin": {
                            "$ref": _HEADER_REF + "access-control-allow-origin"
                        },
                    },
                    # The media type follows Accept; without one it is the first.
                    "content": {
                        "application/vnd.oai.openapi+json": {"schema": {"type": "object"}},
                        "application/json": {"schema": {"type": "object"}},
                    },
                }
            },
        }
    }


def _views_per_operation(generator) -> dict:
    """(path with its parameters unnamed, method) → view class: drf-spectacular may rename a
    path parameter ({pk} → {id}), so the names are left out of the key."""
    views = {}
    for path, _regex, method, callback in generator.endpoints or ():
        view = getattr(callback, "cls", None)
        if view is not None:
            views[_sleutel(path), method.lower()] = view
    return views


def _sleutel(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _foutstatussen(operation: dict, beveiligd: bool) -> list[int]:
    statussen = set(_EXTRA_FOUTEN.get(operation.get("operationId"), ()))
    if beveiligd:
        statussen |= {401, 403, 429}
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
        statussen.add(404)
    if beveiligd:
        # Any query string can hold what no operation accepts (a NUL character is refused
        # before the view: inningen.middleware), so every operation of the API can answer 400.
        statussen.add(400)
    return sorted(statussen)


def _complete_operation(operation: dict, method: str, view) -> None:
    beveiligd = any(issubclass(a, BearerTokenAuthentication) for a in view.authentication_classes)
    if beveiligd:
        operation["security"] = [{SECURITY_SCHEME: []}]
        scope = vereiste_scope(view, method)
        if scope:
            tekst = f"Vereiste scope: `{scope}`."
            beschrijving = operation.get("description", "")
            operation["description"] = f"{beschrijving}\n\n{tekst}" if beschrijving else tekst
    else:
        operation.pop("security", None)

    idempotent = any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    responses = operation.setdefault("responses", {})
    for status, response in responses.items():
        if "$ref" in response:
            continue
        headers = response.setdefault("headers", {})
        headers.setdefault("API-Version", {"$ref": _HEADER_REF + "API-Version"})
        if status == "201":
            headers.setdefault("Location", {"$ref": _HEADER_REF + "Location"})
        if status[0] == "2" and idempotent:
            headers.setdefault("Idempotent-Replayed", {"$ref": _HEADER_REF + "Idempotent-Replayed"})
        if status[0] in "45" and PROBLEM_JSON not in response.get("content", {}):
            response["content"] = {PROBLEM_JSON: {"schema": {"$ref": _SCHEMA_REF + "Problem"}}}
    for status in _foutstatussen(operation, beveiligd):
        responses.setdefault(str(status), {"$ref": _RESPONSE_REF + _FOUTEN[status]})
    operation["responses"] = dict(sorted(responses.items()))


def postprocess(result, generator, request, public):
    views = _views_per_operation(generator)
    paths = {}
    for path, path_item in result.get("paths", {}).items():
        if not path.startswith(PREFIX + "/"):
            raise ValueError(f"{path}: elk pad van de API begint met {PREFIX}/")
        for method, operation in path_item.items():
            if method not in ("get", "put", "post", "patch", "delete", "head", "options", "trace"):
                continue
            view = views.get((_sleutel(path), method))
            if view is None:
                # Without its view, security and errors would be guessed: refuse instead.
                raise ValueError(f"{method.upper()} {path}: geen view gevonden")
            _complete_operation(operation, method, view)
        paths[path.removeprefix(PREFIX)] = path_item
    paths["/openapi.json"] = _openapi_json_path()

    # Only the shared responses and headers some operation uses (Spectral warns of the rest).
    gebruikt = json.dumps(paths)
    responses = {
        naam: response
        for naam, response in _error_responses().items()
        if f'"{_RESPONSE_REF}{naam}"' in gebruikt
    }
    gebruikt += json.dumps(responses)
    components = result.setdefault("components", {})
    components["schemas"] = dict(
        sorted({**components.get("schemas", {}), **_problem_schemas()}.items())
    )
    components["responses"] = responses
    components["headers"] = {
        naam: header for naam, header in _headers().items() if f'"{_HEADER_REF}{naam}"' in gebruikt
    }
    components["securitySchemes"] = {SECURITY_SCHEME: _security_scheme()}

    # Relative: the document is served from /api/v1/openapi.json, so the server resolves to the
    # host it was fetched from, in every environment alike.
    servers = [{"url": PREFIX, "description": "Deze server, versie 1 van de API."}]
    geordend = {
        "openapi": result["openapi"],
        "info": result["info"],
        "servers": servers,
        "paths": dict(sorted(paths.items())),
        "components": dict(sorted(components.items())),
    }
    tags = sorted(
        {t for item in paths.values() for op in item.values() for t in op.get("tags", ())}
    )
    geordend["tags"] = [
        {"name": t, "description": _TAGS[t]} if t in _TAGS else {"name": t} for t in tags
    ]
    geordend.update((k, v) for k, v in result.items() if k not in geordend)
    return geordend
