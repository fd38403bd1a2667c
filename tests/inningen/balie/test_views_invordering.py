"""Invordering screens (issue 8): regeling with plan preview, opschorting and afboeking forms on
the claim page, the four-eyes work list, the partials for the debtor page."""

import datetime as dt
import itertools

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from inningen.choices import (
    Afboekingsoort,
    Betaalwijze,
    Briefsoort,
    Opschortingsoort,
    Regelingsoort,
    RegelingStatus,
    VoorstelStatus,
    VorderingStatus,
)
from inningen.debiteuren.models import Machtiging
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Afboekingsvoorstel, Betalingsregeling, Brief, Opschorting
from inningen.invordering.selectors.regelingen import (
    opschortingen_van_debiteur,
    regelingen_van_debiteur,
)
from inningen.invordering.services.afboekingen import afboeking_propose
from inningen.invordering.services.opschortingen import opschorting_create
from inningen.invordering.services.regelingen import regeling_create, regeling_plan
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken

pytestmark = pytest.mark.django_db

_nr = itertools.count(1)


@pytest.fixture
def org():
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def rollen():
    return roles_ensure()


@pytest.fixture
def balie(rollen, org):
    return gebruiker_maken("balie", "baliemedewerker", org)


@pytest.fixture
def anna(rollen, org):
    return gebruiker_maken("anna", "invorderaar", org)


@pytest.fixture
def bert(rollen, org):
    return gebruiker_maken("bert", "invorderaar", org)


@pytest.fixture
def deb():
    return DebiteurFactory(geslachtsnaam="Jansen")


def _v(org, deb, **kw):
    return vordering_maken(org, debiteur=deb, vorderingnummer=f"W-{next(_nr):05d}", **kw)


# --- betalingsregeling --------------------------------------------------------------------------


def test_regeling_plan_is_shown_then_saved(client, balie, org, deb, vandaag):
    a, b = _v(org, deb, tsa="belastingen"), _v(org, deb, tsa="parkeren")
    betaald = _v(org, deb)
    Vordering.objects.filter(pk=betaald.pk).update(status=VorderingStatus.BETAALD)
    client.force_login(balie)
    url = f"/debiteuren/{deb.pk}/regeling/"
    html = client.get(url).content.decode()
    assert a.vorderingnummer in html and b.vorderingnummer in html
    assert betaald.vorderingnummer not in html  # closed claims cannot be chosen

    invoer = {
        "vorderingen": [a.pk, b.pk],
        "soort": Regelingsoort.VAST_BEDRAG,
        "maandbedrag": "50,00",
        "startdatum": vandaag.isoformat(),
        "betaalwijze": Betaalwijze.OVERMAKING,
    }
    r = client.post(url, {**invoer, "actie": "plan"})
    assert r.status_code == 200
    plan = r.context["plan"]
    assert [t.bedrag for t in plan.termijnen] == [5000, 5000, 5000, 5000, 4200]
    html = r.content.decode()
    assert "Plan (nog niet opgeslagen)" in html and "€ 42,00" in html and "€ 242,00" in html
    assert not Betalingsregeling.objects.exists()
    assert ('name="maandbedrag" value="50,00"') in html  # the inputs travel as hidden fields

    r = client.post(url, {**invoer, "actie": "opslaan"})
    assert r.status_code == 302 and r["Location"] == f"/debiteuren/{deb.pk}/#regelingen"
    regeling = Betalingsregeling.objects.get()
    assert (regeling.aantal_termijnen, regeling.totaalbedrag, regeling.door) == (5, 24200, "balie")
    assert Brief.objects.get(regeling=regeling).soort == Briefsoort.REGELING_BEVESTIGING


def test_regeling_errors_are_shown_and_nothing_saved(client, balie, org, deb, vandaag):
    v = _v(org, deb)
    client.force_login(balie)
    url = f"/debiteuren/{deb.pk}/regeling/"
    basis = {"vorderingen": [v.pk], "startdatum": vandaag.isoformat(), "actie": "opslaan"}
    r = client.post(
        url,
        {**basis, "soort": Regelingsoort.VAST_BEDRAG, "maandbedrag": "500,00",
         "betaalwijze": Betaalwijze.OVERMAKING},
    )  # fmt: skip
    assert r.status_code == 200 and r.context["plan"] is None
    assert "hoger dan het openstaande totaal" in r.content.decode()
    r = client.post(
        url,
        {**basis, "soort": Regelingsoort.AANTAL_TERMIJNEN, "aantal_termijnen": "3",
         "betaalwijze": Betaalwijze.INCASSO},
    )  # fmt: skip
    assert "Kies de machtiging" in r.content.decode()
    assert not Betalingsregeling.objects.exists()
    r = client.post(url, {**basis, "actie": "wijzigen", "soort": Regelingsoort.AANTAL_TERMIJNEN})
    assert r.status_code == 200 and 'value="plan"' in r.content.decode()


def test_regeling_with_direct_debit(client, balie, org, deb, vandaag):
    v = _v(org, deb)
    m = Machtiging.objects.create(
        organisatie=org, debiteur=deb, kenmerk="MACHT-1", afgiftedatum=vandaag,
        iban="NL91ABNA0417164300",
    )  # fmt: skip
    client.force_login(balie)
    r = client.post(
        f"/debiteuren/{deb.pk}/regeling/",
        {"vorderingen": [v.pk], "soort": Regelingsoort.AANTAL_TERMIJNEN, "aantal_termijnen": "2",
         "startdatum": vandaag.isoformat(), "betaalwijze": Betaalwijze.INCASSO,
         "machtiging": m.pk, "actie": "opslaan"},
    )  # fmt: skip
    assert r.status_code == 302
    assert Betalingsregeling.objects.get().machtiging == m


def test_regeling_page_scoped_to_own_organisations(client, balie, deb, vandaag):
    vreemd = DebiteurFactory()
    vreemde_vordering = _v(OrganisatieFactory(), vreemd)
    client.force_login(balie)
    url = f"/debiteuren/{vreemd.pk}/regeling/"
    assert client.get(url).status_code == 404
    r = client.post(
        url,
        {"vorderingen": [vreemde_vordering.pk], "soort": Regelingsoort.AANTAL_TERMIJNEN,
         "aantal_termijnen": "2", "startdatum": vandaag.isoformat(),
         "betaalwijze": Betaalwijze.OVERMAKING, "actie": "opslaan"},
    )  # fmt: skip
    assert r.status_code == 404
    assert not Betalingsregeling.objects.exists() and not Brief.objects.exists()


def test_ending_a_regeling_is_for_the_invorderaar(client, balie, anna, org, deb, vandaag):
    v = _v(org, deb)
    plan = regeling_plan(
        vorderingen=[v],
        soort=Regelingsoort.AANTAL_TERMIJNEN,
        startdatum=vandaag,
        aantal_termijnen=2,
    )
    regeling = regeling_create(plan=plan, betaalwijze=Betaalwijze.OVERMAKING, door="t")
    url = f"/regelingen/{regeling.pk}/beeindigen/"
    client.force_login(balie)
    assert client.post(url, {"reden": "x"}).status_code == 403
    regeling.refresh_from_db()
    assert (regeling.status, regeling.opmerking) == (RegelingStatus.ACTIEF, "")
    client.force_login(anna)
    r = client.post(url, {"reden": "Nieuwe regeling nodig"}, follow=True)
    assert "Betalingsregeling beëindigd" in r.content.decode()
    regeling.refresh_from_db()
    assert regeling.status == RegelingStatus.BEEINDIGD


# --- claim page: opschorting and afboeking -------------------------------------------------------


def test_claim_page_actions_by_role(client, balie, anna, org, deb):
    v = _v(org, deb)
    client.force_login(balie)
    html = client.get(f"/vorderingen/{v.pk}/").content.decode()
    assert f"/vorderingen/{v.pk}/opschorting/" in html
    assert f"/vorderingen/{v.pk}/afboeking/" not in html
    assert client.get(f"/vorderingen/{v.pk}/afboeking/").status_code == 403
    r = client.post(
        f"/vorderingen/{v.pk}/afboeking/", {"soort": Afboekingsoort.ONINBAAR, "reden": "x"}
    )
    assert r.status_code == 403
    assert not Afboekingsvoorstel.objects.exists()
    client.force_login(anna)
    html = client.get(f"/vorderingen/{v.pk}/").content.decode()
    assert f"/vorderingen/{v.pk}/afboeking/" in html


def test_opschorting_form(client, balie, anna, org, deb, vandaag):
    factuur = _v(org, deb)
    client.force_login(balie)
    url = f"/vorderingen/{factuur.pk}/opschorting/"
    r = client.post(
        url, {"soort": Opschortingsoort.BEZWAAR, "reden": "Oneens", "vanaf": vandaag.isoformat()}
    )
    assert r.status_code == 200
    assert "Bezwaar schort alleen publiekrechtelijke vorderingen op." in r.content.decode()
    tot = vandaag + dt.timedelta(days=30)
    r = client.post(
        url,
        {"soort": Opschortingsoort.UITSTEL, "reden": "Wacht op toeslag",
         "vanaf": vandaag.isoformat(), "tot": tot.isoformat()},
    )  # fmt: skip
    assert r.status_code == 302
    o = Opschorting.objects.get()
    assert (o.soort, o.tot, o.door) == (Opschortingsoort.UITSTEL, tot, "balie")
    html = client.get(f"/vorderingen/{factuur.pk}/").content.decode()
    assert "Wacht op toeslag" in html
    assert f"/opschortingen/{o.pk}/beeindigen/" not in html  # balie cannot end it
    assert client.post(f"/opschortingen/{o.pk}/beeindigen/").status_code == 403
    o.refresh_from_db()
    assert (o.beeindigd_op, o.beeindigd_door) == (None, "")
    client.force_login(anna)
    r = client.post(f"/opschortingen/{o.pk}/beeindigen/")
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.beeindigd_op == vandaag and o.beeindigd_door == "anna"


def test_afboeking_form_and_four_eyes_work_list(client, anna, bert, org, deb):
    v = _v(org, deb)
    client.force_login(anna)
    r = client.post(
        f"/vorderingen/{v.pk}/afboeking/", {"soort": Afboekingsoort.VERMINDERING, "reden": "x"}
    )
    assert "Geef het bedrag van de vermindering." in r.content.decode()
    r = client.post(
        f"/vorderingen/{v.pk}/afboeking/",
        {"soort": Afboekingsoort.VERMINDERING, "bedrag": "21,00", "reden": "Te veel gefactureerd"},
    )
    assert r.status_code == 302
    voorstel = Afboekingsvoorstel.objects.get()
    assert (voorstel.bedrag, voorstel.voorgesteld_door) == (2100, anna)

    # The proposer sees the proposal, without buttons; the server refuses anyway.
    html = client.get("/werklijsten/afboekingen/").content.decode()
    assert "Afboekingen te beoordelen" in html and v.vorderingnummer in html
    assert "Eigen voorstel" in html and 'value="goedkeuren"' not in html
    r = client.post(
        f"/werklijsten/afboekingen/{voorstel.pk}/", {"besluit": "goedkeuren"}, follow=True
    )
    assert "Vier ogen" in r.content.decode()
    voorstel.refresh_from_db()
    assert (voorstel.status, voorstel.beoordeeld_door) == (VoorstelStatus.VOORGESTELD, None)
    v.refresh_from_db()
    assert (v.openstaand_bedrag, v.status, v.boekingen.count()) == (
        12100,
        VorderingStatus.VERWERKT,
        1,
    )

    client.force_login(bert)
    html = client.get("/werklijsten/afboekingen/").content.decode()
    assert 'value="goedkeuren"' in html
    # Without an explicit decision (e.g. Enter in a text field) nothing is booked.
    r = client.post(f"/werklijsten/afboekingen/{voorstel.pk}/", {"toelichting": "x"}, follow=True)
    assert "Kies goedkeuren of afwijzen" in r.content.decode()
    voorstel.refresh_from_db()
    assert (voorstel.status, voorstel.beoordeeld_door) == (VoorstelStatus.VOORGESTELD, None)
    assert v.boekingen.count() == 1
    r = client.post(
        f"/werklijsten/afboekingen/{voorstel.pk}/",
        {"besluit": "goedkeuren", "toelichting": "Akkoord"},
        follow=True,
    )
    assert f"Voorstel voor {v.vorderingnummer} goedgekeurd en geboekt." in r.content.decode()
    v.refresh_from_db()
    assert (v.openstaand_bedrag, v.status) == (10000, VorderingStatus.VERMINDERD)
    html = client.get(f"/vorderingen/{v.pk}/").content.decode()
    assert "Goedgekeurd en geboekt" in html and "Akkoord" in html


def test_work_list_is_not_for_the_balie(client, balie, anna):
    client.force_login(balie)
    assert client.get("/werklijsten/afboekingen/").status_code == 403
    assert "Afboekingen te beoordelen" not in client.get("/").content.decode()
    client.force_login(anna)
    assert "Afboekingen te beoordelen" in client.get("/").content.decode()


def test_work_list_only_own_organisations(client, anna, bert):
    elders = OrganisatieFactory()
    collega = gebruiker_maken("collega", "invorderaar", elders)
    v = _v(elders, DebiteurFactory())
    voorstel = afboeking_propose(
        vordering=v, soort=Afboekingsoort.ONINBAAR, reden="x", user=collega
    )
    client.force_login(bert)
    assert v.vorderingnummer not in client.get("/werklijsten/afboekingen/").content.decode()
    r = client.post(f"/werklijsten/afboekingen/{voorstel.pk}/", {"besluit": "goedkeuren"})
    assert r.status_code == 404
    voorstel.refresh_from_db()
    assert (voorstel.status, voorstel.beoordeeld_door) == (VoorstelStatus.VOORGESTELD, None)
    v.refresh_from_db()
    assert (v.openstaand_bedrag, v.status, v.boekingen.count()) == (
        12100,
        VorderingStatus.VERWERKT,
        1,
    )


# --- partials for the debtor page ---------------------------------------------------------------


def test_partials_and_their_selectors(anna, org, deb, vandaag, django_assert_num_queries):
    a, b = _v(org, deb), _v(org, deb, publiekrechtelijk=True)
    for v in (a,):
        plan = regeling_plan(
            vorderingen=[v], soort=Regelingsoort.AANTAL_TERMIJNEN, startdatum=vandaag,
            aantal_termijnen=3,
        )  # fmt: skip
        regeling_create(plan=plan, betaalwijze=Betaalwijze.OVERMAKING, door="t")
    opschorting_create(
        vordering=b, soort=Opschortingsoort.BEZWAAR, reden="WOZ te hoog", vanaf=vandaag, door="t"
    )
    _v(OrganisatieFactory(), deb)  # another organisation's claim stays out of view
    with django_assert_num_queries(4):  # organisations, regelingen, termijnen, claims
        regelingen = regelingen_van_debiteur(anna, deb.pk)
    with django_assert_num_queries(2):  # organisations, all (active is decided in Python)
        opschortingen = opschortingen_van_debiteur(anna, deb.pk)
    assert len(regelingen) == 1 and regelingen[0].open == 12100 and regelingen[0].betaald == 0
    assert [o.actief for o in opschortingen] == [True]
    request = RequestFactory().get("/")
    request.user = anna
    html = render_to_string(
        "balie/_regelingen.html", {"regelingen": regelingen, "d": deb, "user": anna}, request
    )
    assert "Vast aantal termijnen" in html and "3 × € 40,33" in html and a.vorderingnummer in html
    html = render_to_string(
        "balie/_opschortingen.html", {"opschortingen": opschortingen, "user": anna}, request
    )
    assert "WOZ te hoog" in html and "loopt" in html and "tot de beslissing" in html
