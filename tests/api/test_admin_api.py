"""Admin of API clients, abonnementen and idempotency keys: scoped per organisation, tokens
shown once and never stored or rendered, abonnement auth write-only."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import get_messages
from django.urls import reverse

from api.models import Abonnement, ApiClient, Idempotentie, Scope, token_hash
from api.services.clients import apiclient_save
from inningen.organisaties.services.rollen import BEHEERDER, roles_ensure
from tests.factories import OrganisatieFactory, gebruiker_maken

pytestmark = pytest.mark.django_db


@pytest.fixture
def wereld():
    roles_ensure()
    # Until the role definitions include the api app: give beheerders its permissions here.
    Group.objects.get(name=BEHEERDER).permissions.add(
        *Permission.objects.filter(content_type__app_label="api")
    )
    a = OrganisatieFactory(naam="Gemeente Aa")
    b = OrganisatieFactory(naam="Gemeente Bee")
    nieuw_a = apiclient_save(
        naam="client-aa", organisatie=a, scopes=[Scope.VORDERINGEN_LEZEN], tsa_codes=["PARK"]
    )
    nieuw_b = apiclient_save(
        naam="client-bee", organisatie=b, scopes=[Scope.VORDERINGEN_LEZEN], tsa_codes=["PARK"]
    )
    beheer = gebruiker_maken("beheer-a", BEHEERDER, a)
    beheer.is_staff = True
    beheer.save()
    return {
        "a": a,
        "b": b,
        "client_a": nieuw_a.client,
        "token_a": nieuw_a.token,
        "client_b": nieuw_b.client,
        "token_b": nieuw_b.token,
        "beheer": User.objects.get(pk=beheer.pk),
    }


def _url(obj, soort="change"):
    meta = obj._meta
    args = [obj.pk] if soort != "changelist" else []
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{soort}", args=args)


def _actie(client, actie, *objs):
    return client.post(
        reverse("admin:api_apiclient_changelist"),
        {"action": actie, "_selected_action": [o.pk for o in objs]},
        follow=True,
    )


def _berichten(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]


def test_beheerder_sees_only_clients_of_own_organisation(client, wereld):
    client.force_login(wereld["beheer"])
    r = client.get(reverse("admin:api_apiclient_changelist"))
    assert r.status_code == 200
    assert [c.naam for c in r.context["cl"].result_list] == ["client-aa"]
    assert client.get(_url(wereld["client_a"])).status_code == 200
    assert client.get(_url(wereld["client_b"])).status_code == 404
    # The organisation choice offers only A: no moving a client to B.
    r = client.get(_url(wereld["client_a"]))
    assert list(r.context["adminform"].form.fields["organisatie"].queryset) == [wereld["a"]]


def test_change_page_never_shows_token_or_hash(client, wereld):
    client.force_login(wereld["beheer"])
    html = client.get(_url(wereld["client_a"])).content.decode()
    c = wereld["client_a"]
    assert wereld["token_a"] not in html and c.token_hash not in html
    assert c.token_begin in html
    html = client.get(reverse("admin:api_apiclient_changelist")).content.decode()
    assert wereld["token_a"] not in html and c.token_hash not in html


def test_revoke_action(client, wereld):
    client.force_login(wereld["beheer"])
    r = _actie(client, "token_intrekken", wereld["client_a"])
    assert r.status_code == 200
    a = ApiClient.objects.get(pk=wereld["client_a"].pk)
    assert not a.actief and a.token_hash == "" and a.ingetrokken_op


def test_actions_do_not_reach_other_organisations(client, wereld):
    client.force_login(wereld["beheer"])
    _actie(client, "token_intrekken", wereld["client_b"])
    _actie(client, "nieuw_token_uitgeven", wereld["client_b"])
    b = ApiClient.objects.get(pk=wereld["client_b"].pk)
    assert b.actief and b.token_hash == token_hash(wereld["token_b"])


def test_new_token_action_shows_token_once(client, wereld):
    client.force_login(wereld["beheer"])
    r = _actie(client, "nieuw_token_uitgeven", wereld["client_a"])
    [bericht] = [m for m in _berichten(r) if "Nieuw token" in m]
    token = bericht.rsplit(" ", 1)[-1]
    a = ApiClient.objects.get(pk=wereld["client_a"].pk)
    assert a.token_hash == token_hash(token) != token_hash(wereld["token_a"])
    assert a.tsa_code_set == {"PARK"} and a.scopes == [Scope.VORDERINGEN_LEZEN]
    # Not shown again on the next page.
    assert token not in client.get(_url(a)).content.decode()


def test_new_token_action_needs_exactly_one_client(client, wereld):
    tweede = apiclient_save(naam="client-aa-2", organisatie=wereld["a"], scopes=[]).client
    client.force_login(wereld["beheer"])
    r = _actie(client, "nieuw_token_uitgeven", wereld["client_a"], tweede)
    assert any("precies één" in m for m in _berichten(r))
    assert ApiClient.objects.get(pk=wereld["client_a"].pk).token_hash == token_hash(
        wereld["token_a"]
    )


def test_add_issues_first_token(client, wereld):
    client.force_login(wereld["beheer"])
    r = client.post(
        reverse("admin:api_apiclient_add"),
        {
            "naam": "nieuw-portaal",
            "organisatie": wereld["a"].pk,
            "scopes": [Scope.VORDERINGEN_LEZEN, Scope.DEBITEUREN_LEZEN],
            "actief": "on",
            "tsa_codes-TOTAL_FORMS": "1",
            "tsa_codes-INITIAL_FORMS": "0",
            "tsa_codes-0-code": "AFVAL",
        },
        follow=True,
    )
    assert r.status_code == 200
    nieuw = ApiClient.objects.get(naam="nieuw-portaal")
    [bericht] = [m for m in _berichten(r) if "Nieuw token" in m]
    assert nieuw.token_hash == token_hash(bericht.rsplit(" ", 1)[-1])
    assert nieuw.tsa_code_set == {"AFVAL"}
    assert nieuw.scopes == sorted([Scope.VORDERINGEN_LEZEN, Scope.DEBITEUREN_LEZEN])


def test_beheerder_cannot_add_client_for_other_organisation(client, wereld):
    client.force_login(wereld["beheer"])
    r = client.post(
        reverse("admin:api_apiclient_add"),
        {
            "naam": "kaper",
            "organisatie": wereld["b"].pk,
            "scopes": [Scope.VORDERINGEN_LEZEN],
            "actief": "on",
            "tsa_codes-TOTAL_FORMS": "0",
            "tsa_codes-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 200 and r.context["adminform"].form.errors
    assert not ApiClient.objects.filter(naam="kaper").exists()


def test_abonnement_auth_is_write_only_and_scoped(client, wereld):
    abo_a = Abonnement(
        client=wereld["client_a"],
        callback_url="https://tsa.example/cb",
        kanalen=["vorderingstatussen"],
    )
    abo_a.auth = "Bearer geheim-van-aa"
    abo_a.save()
    abo_b = Abonnement(client=wereld["client_b"], callback_url="https://b.example/cb", kanalen=[])
    abo_b.save()
    client.force_login(wereld["beheer"])
    html = client.get(_url(abo_a)).content.decode()
    assert "geheim-van-aa" not in html and abo_a.auth_versleuteld not in html
    assert "https://tsa.example/cb" in html
    assert client.get(_url(abo_b)).status_code == 404
    r = client.get(reverse("admin:api_abonnement_changelist"))
    assert [o.pk for o in r.context["cl"].result_list] == [abo_a.pk]
    # Switch off and replace the auth value without ever seeing it.
    r = client.post(_url(abo_a), {"nieuwe_auth": "Bearer nieuw"})
    assert r.status_code == 302
    abo_a.refresh_from_db()
    assert not abo_a.actief and abo_a.auth == "Bearer nieuw"
    assert abo_a.callback_url == "https://tsa.example/cb"
    assert client.get(reverse("admin:api_abonnement_add")).status_code == 403


def test_idempotentie_read_only_without_answer(client, wereld):
    rij = Idempotentie.objects.create(
        client=wereld["client_a"],
        sleutel="sleutel-1",
        verzoek_hash="0" * 64,
        http_status=201,
        antwoord={"debiteur": {"bsn": "111222333"}},
    )
    Idempotentie.objects.create(
        client=wereld["client_b"], sleutel="sleutel-b", verzoek_hash="1" * 64, http_status=201,
        antwoord={},
    )  # fmt: skip
    client.force_login(wereld["beheer"])
    r = client.get(reverse("admin:api_idempotentie_changelist"))
    assert [o.pk for o in r.context["cl"].result_list] == [rij.pk]
    html = client.get(_url(rij)).content.decode()
    assert "sleutel-1" in html and "111222333" not in html
    r = client.post(_url(rij), {"sleutel": "anders"})
    assert r.status_code == 403
    assert client.get(reverse("admin:api_idempotentie_add")).status_code == 403


def test_staff_without_role_refused(client, wereld):
    balie = gebruiker_maken("balie", "baliemedewerker", wereld["a"])
    balie.is_staff = True
    balie.save()
    client.force_login(balie)
    assert client.get(reverse("admin:api_apiclient_changelist")).status_code == 403
