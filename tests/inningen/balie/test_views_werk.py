"""Work management screens (#19): start page per role, mijn werk, follow-up forms on the debtor
and claim pages, the management dashboard."""

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import User
from lxml import html as lxml_html

from inningen.choices import (
    Afboekingsoort,
    Boekingsoort,
    RegelingStatus,
    RunStatus,
    VorderingStatus,
)
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.invordering.models import Betalingsregeling, Invorderingsrun, Opvolging
from inningen.invordering.services.afboekingen import afboeking_propose
from inningen.organisaties.services.rollen import roles_ensure
from inningen.verwerkingen.models import Verwerking
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken

pytestmark = pytest.mark.django_db

_nr = itertools.count(1)


@pytest.fixture
def org():
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def ander():
    return OrganisatieFactory(naam="Gemeente Elders")


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


def _v(org, deb=None, **kw):
    return vordering_maken(org, debiteur=deb, vorderingnummer=f"WRK-{next(_nr):05d}", **kw)


def _doc(response):
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _teksten(doc, xpath) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def test_login_lands_on_start_and_brand_links_there(client, balie):
    client.force_login(balie)
    doc = _doc(client.get("/start/"))
    assert doc.xpath("//a[@class='merk']/@href") == ["/start/"]
    menu = _teksten(doc, "//nav[@aria-label='Hoofdmenu']//a")
    assert menu[:2] == ["Start", "Mijn werk"] and "Dashboard" not in menu


def test_start_for_balie_shows_search_and_follow_ups_only(client, balie, org, deb):
    _v(org)  # a claim without debtor: a list the balie may not open
    client.force_login(balie)
    doc = _doc(client.get("/start/"))
    assert doc.xpath("//form[@role='search']//input[@id='zoek-q']")
    tegels = _teksten(doc, "//ul[@class='werktegels']/li/a")
    assert any("van mij, datum verstreken" in t for t in tegels)
    assert not any("zonder debiteur" in t for t in tegels)
    assert not doc.xpath("//h2[@id='start-runs']") and not doc.xpath("//a[@href='/dashboard/']")


def test_start_for_invorderaar_counts_scoped_lists_and_four_eyes(
    client, anna, bert, org, ander, deb, vandaag
):
    _v(org), _v(org), _v(ander)  # two claims without debtor here, one elsewhere
    eigen = _v(org, deb)
    van_bert = _v(org, deb)
    afboeking_propose(vordering=eigen, soort=Afboekingsoort.ONINBAAR, reden="x", user=anna)
    afboeking_propose(vordering=van_bert, soort=Afboekingsoort.ONINBAAR, reden="y", user=bert)
    Invorderingsrun.objects.create(
        organisatie=org, datum=vandaag, status=RunStatus.VOORSTEL, aangemaakt_door="anna"
    )
    run_bert = Invorderingsrun.objects.create(
        organisatie=org, datum=vandaag, status=RunStatus.VOORSTEL, aangemaakt_door="bert"
    )
    Invorderingsrun.objects.create(
        organisatie=ander, datum=vandaag, status=RunStatus.VOORSTEL, aangemaakt_door="bert"
    )
    client.force_login(anna)
    doc = _doc(client.get("/start/"))
    tegels = dict(
        (" ".join(a.text_content().split()), a.get("href"))
        for a in doc.xpath("//ul[@class='werktegels']/li/a")
    )
    assert tegels["2 Vorderingen zonder debiteur"] == "/werklijsten/zonder-debiteur/"
    # Four eyes: anna's own write-off proposal is not hers to review.
    assert tegels["1 Afboekingen te beoordelen"] == "/werklijsten/afboekingen/"
    assert tegels["0 Mislukte berichten"] == "/werklijsten/berichten/"
    assert "Tegoeden" in tegels
    rijen = _teksten(doc, "//h2[@id='start-runs']/following-sibling::div//tbody/tr")
    assert len(rijen) == 2  # not the other organisation's
    assert any("U maakte dit voorbeeld" in r for r in rijen)
    links = doc.xpath("//h2[@id='start-runs']/following-sibling::div//tbody//a/@href")
    assert f"/invordering/runs/{run_bert.pk}/" in links
    assert any("U kunt dit voorbeeld beoordelen" in r for r in rijen)
    assert doc.xpath("//a[@href='/dashboard/']")


def test_start_needs_login_and_works_without_any_role(client, rollen, org):
    assert client.get("/start/").status_code == 302
    zonder = gebruiker_maken("zonder", "", org)
    client.force_login(zonder)
    assert "nog geen werk ingericht" in client.get("/start/").content.decode()


def test_follow_up_from_debtor_page_then_handled(client, balie, anna, org, deb, vandaag):
    v = _v(org, deb)
    client.force_login(balie)
    doc = _doc(client.get(f"/debiteuren/{deb.pk}/"))
    assert doc.xpath(
        "//section[@aria-labelledby='opvolging']//form//input[@id='opvolging-notitie']"
    )
    # The hint the input refers to exists (no broken aria-describedby).
    assert doc.xpath("//*[@id='opvolging-notitie-hint']")
    r = client.post(
        f"/debiteuren/{deb.pk}/opvolging/",
        {"organisatie": org.pk, "eigenaar": anna.pk, "datum": vandaag.isoformat(),
         "notitie": "terugbellen over de regeling"},
    )  # fmt: skip
    assert r.status_code == 302 and r["Location"] == f"/debiteuren/{deb.pk}/#opvolging"
    o = Opvolging.objects.get()
    assert (o.debiteur, o.vordering, o.eigenaar, o.aangemaakt_door) == (deb, None, anna, balie)

    # Bad input: a Dutch message, nothing saved, no traceback.
    r = client.post(
        f"/vorderingen/{v.pk}/opvolging/", {"organisatie": org.pk, "datum": "31-02-2020"},
        follow=True,
    )  # fmt: skip
    assert "Opvolging niet opgeslagen" in r.content.decode()
    assert Opvolging.objects.count() == 1

    r = client.post(
        f"/opvolgingen/{o.pk}/afhandelen/", {"toelichting": "gebeld", "terug": "debiteur"}
    )
    assert r["Location"] == f"/debiteuren/{deb.pk}/#opvolging"
    o.refresh_from_db()
    assert o.afgehandeld_door == balie and o.afhandeling == "gebeld"
    doc = _doc(client.get(f"/debiteuren/{deb.pk}/"))
    assert "Geen open opvolgingen" in doc.text_content()
    assert any("gebeld" in t for t in _teksten(doc, "//details[@class='opvolging-historie']//li"))


def test_follow_up_on_claim_page_and_scope(client, anna, org, ander, deb, vandaag):
    v = _v(org, deb)
    elders = _v(ander, deb)
    client.force_login(anna)
    doc = _doc(client.get(f"/vorderingen/{v.pk}/"))
    assert doc.xpath(f"//form[@action='/vorderingen/{v.pk}/opvolging/']")
    r = client.post(
        f"/vorderingen/{elders.pk}/opvolging/",
        {"organisatie": ander.pk, "datum": vandaag.isoformat(), "notitie": "x"},
    )
    assert r.status_code == 404 and not Opvolging.objects.exists()


def test_mijn_werk_lists_overdue_first_with_filter_and_logs(client, anna, bert, org, deb, vandaag):
    v = _v(org, deb)
    for dagen, eigenaar, notitie in ((3, anna, "later"), (-2, anna, "te laat"), (-1, None, "vrij")):
        o = Opvolging.objects.create(
            organisatie=org, debiteur=deb, vordering=v, eigenaar=eigenaar, notitie=notitie,
            datum=vandaag + dt.timedelta(days=dagen), aangemaakt_door=bert,
        )  # fmt: skip
    client.force_login(anna)
    doc = _doc(client.get("/mijn-werk/"))
    rijen = doc.xpath("//table/tbody/tr")
    assert [r.xpath("string(td[2])") for r in rijen] == ["te laat", "later"]
    assert rijen[0].get("class") == "verlopen" and "verlopen" in rijen[0].text_content()
    assert rijen[0].xpath("td[3]/a/@href") == [f"/debiteuren/{deb.pk}/#opvolging"]
    assert Verwerking.objects.filter(debiteur=deb, activiteit__contains="mijn werk").exists()
    doc = _doc(client.get("/mijn-werk/?filter=vrij"))
    assert [r.xpath("string(td[2])") for r in doc.xpath("//table/tbody/tr")] == ["vrij"]
    assert "?filter=vrij" in doc.xpath("//a[@aria-current='page']/@href")
    # Nonsense in the filter falls back to "mine", no error.
    assert client.get("/mijn-werk/?filter=<script>&pagina=x").status_code == 200
    assert o.pk


def test_dashboard_permissions(client, balie, anna, rollen, org):
    client.force_login(balie)
    assert client.get("/dashboard/").status_code == 403
    client.force_login(anna)
    assert client.get("/dashboard/").status_code == 200
    beheerder = gebruiker_maken("beheer", "beheerder", org)
    client.force_login(beheerder)
    assert client.get("/dashboard/").status_code == 200
    assert client.logout() is None
    assert client.get("/dashboard/").status_code == 302


def test_dashboard_figures_chart_and_table(client, anna, org, ander, deb, vandaag):
    def claim(dagen_over_tijd, organisatie=org):
        v = _v(organisatie, deb)  # € 121,00 open (the factory's claim)
        Vordering.objects.filter(pk=v.pk).update(
            vervaldatum=vandaag - dt.timedelta(days=dagen_over_tijd)
        )
        return v

    claim(-10)  # not yet due
    claim(5)
    claim(45)
    claim(75)
    oud = claim(200)
    claim(200, organisatie=ander)  # another organisation: not counted
    betaald = claim(10)
    Vordering.objects.filter(pk=betaald.pk).update(status=VorderingStatus.BETAALD)
    vorige_maand = vandaag.replace(day=1) - dt.timedelta(days=1)
    boekingen_create(boekingen=[
        Boeking(
            organisatie=org, vordering=oud, soort=Boekingsoort.BETALING, deel="hoofdsom",
            boekdatum=datum, bedrag_incl_btw=bedrag, bedrag_excl_btw=bedrag, bedrag_btw=0,
            boekingssleutel="test", door="test",
        )
        for datum, bedrag in ((vandaag, -2500), (vorige_maand, -700))
    ])  # fmt: skip
    for gemist in (0, 0, 2):
        Betalingsregeling.objects.create(
            organisatie=org, debiteur=deb, soort="vast", totaalbedrag=100, termijnbedrag=10,
            aantal_termijnen=10, startdatum=vandaag, betaalwijze="overmaking", gemist=gemist,
            status=RegelingStatus.ACTIEF, door="test",
        )  # fmt: skip
    client.force_login(anna)
    r = client.get("/dashboard/")
    d = r.context["d"]
    assert (d.open_aantal, d.open_bedrag) == (5, 4 * 12100 + 8900)  # the paid one is closed
    assert (d.achterstallig_aantal, d.achterstallig_bedrag) == (4, 3 * 12100 + 8900)
    assert [s.waarde for s in d.ouderdom] == [12100, 12100, 12100, 8900]
    assert (d.niet_vervallen.aantal, d.niet_vervallen.waarde) == (1, 12100)
    assert d.geind_deze_maand == 2500 and d.geind_per_maand[-2].waarde == 700
    assert len(d.geind_per_maand) == 12
    assert all(s.kort for s in d.geind_per_maand)  # every bar of the chart has its month under it
    assert (d.regelingen_op_schema, d.regelingen_achter) == (2, 1)
    doc = _doc(r)
    svgs = doc.xpath("//svg[@role='img']")
    assert len(svgs) == 2 and all(s.xpath("./title[@id]") for s in svgs)
    assert all(s.get("aria-labelledby") == s.xpath("./title/@id")[0] for s in svgs)
    # The chart's numbers are in a table too.
    rijen = [
        [" ".join(c.text_content().split()) for c in tr]
        for tr in doc.xpath("//table[caption[@id='ouderdom-tabel-titel']]/tbody/tr")
    ]
    assert ["meer dan 90 dagen", "1", "€ 89,00"] in rijen
    # Only one organisation: no selector.
    assert not doc.xpath("//select[@id='dashboard-organisatie']")


def test_dashboard_organisation_selector(client, rollen, org, ander):
    beide = gebruiker_maken("beide", "invorderaar", org, ander)
    client.force_login(beide)
    doc = _doc(client.get(f"/dashboard/?organisatie={ander.pk}"))
    assert doc.xpath("//select[@id='dashboard-organisatie']/option[@selected]/text()") == [
        "Gemeente Elders"
    ]
    # An organisation the user does not work for shows the first of their own instead.
    vreemd = OrganisatieFactory(naam="Gemeente Vreemd")
    r = client.get(f"/dashboard/?organisatie={vreemd.pk}")
    assert r.context["d"].organisatie in (org, ander)
    assert client.get("/dashboard/?organisatie=abc").status_code == 200
    assert User.objects.filter(username="beide").exists()
