"""Finding 4b: the StUF HTTP Basic endpoint locks a username+IP out after
STUF_AUTH_MAX_POGINGEN failures with HTTP 429, Retry-After and a SOAP fault, and a locked-out
attempt computes no password hash. Verified credentials live in Django's cache."""

import base64
import time
from unittest import mock

import pytest
from django.core.cache import cache
from lxml import etree

from stuffin.models import koppeling as koppeling_module
from stuffin.stuf import soap
from tests.stuffin.conftest import WACHTWOORD, officieel_bericht

pytestmark = pytest.mark.django_db
URL = "/stuf/fin0310/VerstrekVorderingOfVerantwoording"


@pytest.fixture(autouse=True)
def _lege_cache(settings):
    settings.STUF_AUTH_MAX_POGINGEN = 3
    settings.STUF_AUTH_BLOKKADE_SECONDEN = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hashes(monkeypatch):
    """Counts password hash checks (known and unknown usernames both go through here)."""
    teller = mock.Mock(wraps=koppeling_module.check_password)
    monkeypatch.setattr(koppeling_module, "check_password", teller)
    return teller


def _post(client, naam, wachtwoord, ip="10.1.1.1"):
    token = base64.b64encode(f"{naam}:{wachtwoord}".encode()).decode()
    return client.post(
        URL,
        officieel_bericht("Di01-verstrekVordering-min.xml"),
        content_type="text/xml; charset=utf-8",
        HTTP_SOAPACTION=soap.SOAPACTION_DI01_VERSTREK_VORDERING,
        HTTP_AUTHORIZATION=f"Basic {token}",
        REMOTE_ADDR=ip,
    )


def _faultstring(response) -> str:
    return etree.fromstring(response.content).findtext(".//faultstring") or ""


@pytest.mark.parametrize("naam", ["stp", "onbekend"])
def test_lockout_after_failures_without_hashing(client, koppeling, hashes, naam):
    for _ in range(3):
        assert _post(client, naam, "fout").status_code == 401
    assert hashes.call_count == 3  # unknown usernames cost a hash too (dummy hash)
    r = _post(client, naam, "fout")
    assert r.status_code == 429
    assert 0 < int(r["Retry-After"]) <= 601
    assert r["Content-Type"].startswith("text/xml")
    assert b"StUF013" in r.content and b"Fault" in r.content
    # The right password is refused too while locked, and nothing is hashed.
    assert _post(client, naam, WACHTWOORD).status_code == 429
    assert hashes.call_count == 3
    # Another address is not affected.
    assert _post(client, naam, "fout", ip="10.2.2.2").status_code == 401


def test_lockout_ends_after_window(client, koppeling, hashes, monkeypatch):
    for _ in range(3):
        _post(client, "stp", "fout")
    assert _post(client, "stp", WACHTWOORD).status_code == 429
    nu = time.time()
    monkeypatch.setattr(time, "time", lambda: nu + 601)
    assert _post(client, "stp", WACHTWOORD).status_code == 200


def test_success_resets_counter_and_is_cached(client, koppeling, hashes):
    for _ in range(2):
        _post(client, "stp", "fout")
    assert _post(client, "stp", WACHTWOORD).status_code == 200
    for _ in range(2):
        assert _post(client, "stp", "fout").status_code == 401
    # Verified credentials come from Django's cache: no second hash for the right password.
    voor = hashes.call_count
    r = _post(client, "stp", WACHTWOORD)
    # Authenticated: the same Di01 again is refused as already processed (FIN001), not with
    # StUF013 (authentication) or 429 (lockout).
    assert r.status_code == 500 and b"FIN001" in r.content and b"StUF013" not in r.content
    assert hashes.call_count == voor
