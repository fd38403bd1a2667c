"""`manage.py apiclient`: create/update a client, the token on the last line, revoke."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api.models import ApiClient, Scope, token_hash
from tests.factories import OrganisatieFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("apiclient", *args, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()


@pytest.fixture
def org():
    return OrganisatieFactory()


def test_create_prints_token_last(org):
    regels = _run(
        "--naam", "portaal", "--organisatie", org.rsin,
        "--tsa-code", "PARKEREN", "--tsa-code", "AFVAL",
        "--scopes", "vorderingen.lezen, debiteuren.lezen",
    )  # fmt: skip
    client = ApiClient.objects.get(naam="portaal")
    token = regels[-1]
    assert token_hash(token) == client.token_hash and client.actief
    assert client.token_begin == token[:8]
    assert client.organisatie == org
    assert client.scopes == sorted([Scope.VORDERINGEN_LEZEN, Scope.DEBITEUREN_LEZEN])
    assert client.tsa_code_set == {"PARKEREN", "AFVAL"}
    tekst = "\n".join(regels[:-1])
    assert "aangemaakt" in tekst and "AFVAL, PARKEREN" in tekst
    assert token not in tekst


@pytest.mark.urls("tests.api.urls_auth")
def test_token_works_over_http(org, client):
    token = _run("--naam", "tsa", "--organisatie", org.rsin, "--scopes", "vorderingen.lezen")[-1]
    r = client.get("/proef", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200 and r.json()["client"] == "tsa"


def test_update_keeps_codes_without_tsa_code_and_replaces_them_with(org):
    eerste = _run("--naam", "tsa", "--organisatie", org.rsin, "--tsa-code", "A", "--tsa-code", "B",
                  "--scopes", "vorderingen.lezen")[-1]  # fmt: skip
    andere = OrganisatieFactory()
    regels = _run("--naam", "tsa", "--organisatie", andere.rsin, "--scopes", "vorderingen.aanmaken")
    client = ApiClient.objects.get(naam="tsa")
    assert "bijgewerkt" in regels[0]
    assert client.tsa_code_set == {"A", "B"}
    assert client.organisatie == andere and client.scopes == ["vorderingen.aanmaken"]
    # A new token; the earlier one stops working.
    assert client.token_hash == token_hash(regels[-1]) != token_hash(eerste)
    _run(
        "--naam",
        "tsa",
        "--organisatie",
        org.rsin,
        "--tsa-code",
        "C",
        "--scopes",
        "vorderingen.lezen",
    )
    client = ApiClient.objects.get(naam="tsa")
    assert client.tsa_code_set == {"C"}
    assert ApiClient.objects.count() == 1


def test_unknown_rsin(org):
    with pytest.raises(CommandError, match="RSIN '999999999'"):
        _run("--naam", "x", "--organisatie", "999999999", "--scopes", "vorderingen.lezen")
    assert not ApiClient.objects.exists()


def test_unknown_scope(org):
    with pytest.raises(CommandError, match=r"Onbekende scope.*vorderingen\.schrijven"):
        _run(
            "--naam",
            "x",
            "--organisatie",
            org.rsin,
            "--scopes",
            "vorderingen.lezen,vorderingen.schrijven",
        )
    assert not ApiClient.objects.exists()


def test_missing_arguments(org):
    with pytest.raises(CommandError, match="verplicht"):
        _run("--naam", "x", "--organisatie", org.rsin)


def test_revoke(org):
    token = _run("--naam", "tsa", "--organisatie", org.rsin, "--scopes", "vorderingen.lezen")[-1]
    regels = _run("--naam", "tsa", "--intrekken")
    assert regels == ["Token van API-client tsa ingetrokken."]
    client = ApiClient.objects.get(naam="tsa")
    assert not client.actief and client.ingetrokken_op and client.token_hash != token_hash(token)
    with pytest.raises(CommandError, match="Geen API-client"):
        _run("--naam", "onbekend", "--intrekken")


def test_errors_exit_with_status_1(org):
    """A CommandError is printed by Django as one line, exit status 1 (no traceback)."""
    with pytest.raises(CommandError) as exc:
        _run("--naam", "x", "--organisatie", "000000000", "--scopes", "vorderingen.lezen")
    assert exc.value.returncode == 1
