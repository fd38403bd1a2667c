"""Bearer-token authentication, the per-IP lockout and the scope check (api.auth), against a
tiny view of their own (tests/api/urls_auth.py)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.auth import vereiste_scope
from api.models import ApiClient, Scope
from api.services.clients import apiclient_revoke
from tests.api.urls_auth import Proef

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_auth")]
URL = "/proef"
WWW_AUTHENTICATE = 'Bearer realm="inningen-api"'


@pytest.fixture(autouse=True)
def _lege_cache(settings):
    settings.API_AUTH_MAX_POGINGEN = 3
    settings.API_AUTH_BLOKKADE_SECONDEN = 600
    cache.clear()
    yield
    cache.clear()


def _get(token=None, *, header=None, ip="10.2.2.2", method="get"):
    http = APIClient()
    extra = {"REMOTE_ADDR": ip}
    if header is not None:
        extra["HTTP_AUTHORIZATION"] = header
    elif token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return getattr(http, method)(URL, **extra)


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.content
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def _api_lookups(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "api_apiclient" in q["sql"]]


def test_without_token_401_with_www_authenticate():
    r = _get()
    _problem(r, 401)
    assert r["WWW-Authenticate"] == WWW_AUTHENTICATE


def test_other_scheme_is_not_authenticated():
    r = _get(header="Basic dXNlcjpwYXNz")
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == WWW_AUTHENTICATE


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer   ", "Bearer een twee", "bearer " + "x" * 300]
)
def test_malformed_header_401(header):
    r = _get(header=header)
    assert r["WWW-Authenticate"] == WWW_AUTHENTICATE
    assert "Authorization" in _problem(r, 401)["detail"]


def test_unknown_token_401(maak_client):
    _, token = maak_client()
    r = _get(token + "x")
    assert r["WWW-Authenticate"] == WWW_AUTHENTICATE
    detail = _problem(r, 401)["detail"]
    assert "token" in detail and token not in detail


def test_valid_token_authenticates_with_two_queries(maak_client, organisatie):
    client, token = maak_client(organisatie, tsa_codes=["PARKEREN", "AFVAL"])
    with CaptureQueriesContext(connection) as ctx:
        r = _get(token)
    assert r.status_code == 200, r.content
    assert r.json() == {
        "client": client.naam,
        "auth": client.pk,
        "organisatie": organisatie.rsin,
        "tsaCodes": ["AFVAL", "PARKEREN"],
    }
    # The client with its organisation, and its TSA codes; tsa_code_set then costs nothing.
    assert len(ctx.captured_queries) == 2, [q["sql"] for q in ctx.captured_queries]


def test_scheme_is_case_insensitive(maak_client):
    _, token = maak_client()
    assert _get(header=f"bearer {token}").status_code == 200


def test_revoked_token_401(maak_client):
    client, token = maak_client()
    assert _get(token).status_code == 200
    apiclient_revoke(client=client)
    r = _get(token)
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == WWW_AUTHENTICATE


def test_inactive_client_401(maak_client):
    client, token = maak_client()
    ApiClient.objects.filter(pk=client.pk).update(actief=False)
    assert _get(token).status_code == 401


def test_lockout_per_ip_after_failures_without_lookup(maak_client):
    _, token = maak_client()
    for _ in range(3):
        assert _get("inn_geraden", ip="10.9.9.9").status_code == 401
    with CaptureQueriesContext(connection) as ctx:
        r = _get("inn_geraden", ip="10.9.9.9")
        # Locked: even a valid token from that address is refused before any lookup.
        r_geldig = _get(token, ip="10.9.9.9")
    assert r.status_code == 429 and r_geldig.status_code == 429
    assert 0 < int(r["Retry-After"]) <= 600
    assert "pogingen" in _problem(r, 429)["detail"]
    assert _api_lookups(ctx) == []
    # Another address is not affected.
    assert _get(token, ip="10.8.8.8").status_code == 200


def test_successes_and_missing_headers_do_not_count(maak_client):
    _, token = maak_client()
    for _ in range(5):
        assert _get(token).status_code == 200
        assert _get().status_code == 401
    assert _get("inn_geraden").status_code == 401  # the first failure only


def test_lockout_ends_after_window(maak_client, settings):
    settings.API_AUTH_BLOKKADE_SECONDEN = 1
    _, token = maak_client()
    for _ in range(3):
        _get("inn_geraden")
    assert _get(token).status_code == 429
    cache.clear()  # stands in for the window expiring (cache timeout)
    assert _get(token).status_code == 200


def test_missing_scope_403_names_it(maak_client):
    _, token = maak_client(scopes=[Scope.VORDERINGEN_LEZEN])
    assert _get(token).status_code == 200
    r = _get(token, method="post")
    assert "vorderingen.aanmaken" in _problem(r, 403)["detail"]


def test_scope_ok(maak_client):
    _, token = maak_client(scopes=[Scope.VORDERINGEN_AANMAKEN])
    assert _get(token, method="post").status_code == 201
    assert _get(token).status_code == 403


def test_head_and_options_need_the_get_scope(maak_client):
    _, lezen = maak_client(scopes=[Scope.VORDERINGEN_LEZEN])
    _, aanmaken = maak_client(scopes=[Scope.VORDERINGEN_AANMAKEN])
    for method in ("head", "options"):
        assert _get(lezen, method=method).status_code == 200
        assert _get(aanmaken, method=method).status_code == 403


def test_method_without_declared_scope_403_unimplemented_405(maak_client):
    _, token = maak_client()  # every scope
    assert _get(token, method="delete").status_code == 403
    assert _get(token, method="put").status_code == 405
    # Unauthenticated, both are 401: nothing is revealed before authentication.
    assert _get(method="delete").status_code == 401
    assert _get(method="put").status_code == 401


def test_vereiste_scope():
    view = Proef()
    assert vereiste_scope(view, "get") == Scope.VORDERINGEN_LEZEN
    assert vereiste_scope(view, "HEAD") == Scope.VORDERINGEN_LEZEN
    assert vereiste_scope(view, "OPTIONS") == Scope.VORDERINGEN_LEZEN
    assert vereiste_scope(view, "POST") == Scope.VORDERINGEN_AANMAKEN
    assert vereiste_scope(view, "DELETE") is None
    assert vereiste_scope(object(), "GET") is None
