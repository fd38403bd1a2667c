"""The payment screen (#16): the invorderaar finds claims by name, number, kenmerk or amount,
sees suggestions with their reasons, picks claims by checkbox (no typed ids) and allocates;
every field has a label; showing debtors is logged."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html

from inningen.betalingen.models import Betaling
from inningen.betalingen.services.afschriften import afschrift_import
from inningen.choices import BetalingStatus, Matchregel, VorderingStatus
from inningen.debiteuren.models import DebiteurRekening
from inningen.grootboek.models import Boeking, Vordering
from inningen.organisaties.models import Bankrekening, Medewerker
from inningen.verwerkingen.models import Verwerking
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
DEB_IBAN = "NL20INGB0001234567"
VREEMD_IBAN = "NL44RABO0123456789"


@pytest.fixture
def org():
    o = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=o, iban=ORG_IBAN)
    return o


@pytest.fixture
def client_inv(client, org):
    user = User.objects.create_user("inv", password="x")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="inningen",
            codename__in=["import_afschrift", "view_betaling", "change_betaling"],
        )
    )
    Medewerker.objects.create(user=user).organisaties.add(org)
    client.force_login(user)
    return client


@pytest.fixture
def de_vries():
    d = DebiteurFactory(voorletters="J.", voorvoegsel_geslachtsnaam="de", geslachtsnaam="Vries")
    DebiteurRekening.objects.create(debiteur=d, iban=DEB_IBAN)
    return d


def werklijstpost(**post) -> Betaling:
    afschrift_import(inhoud=camt053(ORG_IBAN, [post]), door="test")
    b = Betaling.objects.get()
    assert b.status == BetalingStatus.ONGEMATCHT
    return b


def velden_zonder_label(doc) -> list[str]:
    """Every visible input, select and textarea in a form needs a <label for> or aria-label."""
    labels = {lab.get("for") for lab in doc.xpath("//label[@for]")}
    zonder = []
    for el in doc.xpath("//form//input | //form//select | //form//textarea"):
        if el.get("type") in ("hidden", "submit", "button"):
            continue
        if not (el.get("aria-label") or el.get("aria-labelledby") or el.get("id") in labels):
            zonder.append(el.get("name"))
    return zonder


def test_voorstellen_met_reden_kiezen_zonder_ids_en_standaardverdeling(client_inv, org, de_vries):
    oud = vordering_maken(
        org, vorderingnummer="OUD-1", debiteur=de_vries,
        vervaldatum=datetime.date(2026, 1, 1),
    )  # fmt: skip
    nieuw = vordering_maken(
        org, vorderingnummer="NIEUW-2", debiteur=de_vries,
        vervaldatum=datetime.date(2026, 6, 1),
    )  # fmt: skip
    b = werklijstpost(bedrag=20000, naam="HR J DE VRIES", iban=DEB_IBAN, tekst="belastingen")
    r = client_inv.get(f"/betalingen/{b.pk}/")
    doc = html.fromstring(r.content)
    # Both claims suggested, each with its reasons; no field asks for a claim id.
    rijen = doc.xpath("//table[contains(@class,'matchen')]/tbody/tr")
    assert [r.xpath("string(td[2])").strip() for r in rijen] == ["OUD-1", "NIEUW-2"]
    redenen = [li.text for li in rijen[0].xpath(".//ul[@class='redenen']/li")]
    assert redenen == [
        "zelfde IBAN als bekende rekening van de debiteur",
        f"naam lijkt op {de_vries.naam}",
    ]
    assert not doc.xpath("//input[contains(@name,'vordering')]")
    assert velden_zonder_label(doc) == []
    # The debtor shown is logged (AVG).
    assert Verwerking.objects.filter(debiteur=de_vries, doel="invordering").exists()

    # Pick both without amounts: the oldest claim is paid first, the rest goes to the next.
    r = client_inv.post(
        f"/betalingen/{b.pk}/", {f"kies_{oud.pk}": "on", f"kies_{nieuw.pk}": "on"}, follow=True
    )
    assert "Betaling toegerekend: OUD-1 € 121,00, NIEUW-2 € 79,00." in r.content.decode()
    b.refresh_from_db()
    oud.refresh_from_db()
    nieuw.refresh_from_db()
    assert (b.status, b.restbedrag, b.matchregel) == (
        BetalingStatus.TOEGEREKEND,
        0,
        Matchregel.HANDMATIG,
    )
    assert (oud.openstaand_bedrag, oud.status) == (0, VorderingStatus.BETAALD)
    assert nieuw.openstaand_bedrag == 12100 - 7900
    for v in (oud, nieuw):
        assert v.openstaand_bedrag == Boeking.objects.filter(vordering=v).saldo()


def test_zoeken_op_naam_en_bedrag_en_kiezen_met_bedrag(client_inv, org):
    jansen = DebiteurFactory(geslachtsnaam="Jansen")
    v = vordering_maken(org, vorderingnummer="2026-77", debiteur=jansen)
    b = werklijstpost(bedrag=5000, naam="Onbekend", iban=VREEMD_IBAN, tekst="?")
    doc = html.fromstring(client_inv.get(f"/betalingen/{b.pk}/").content)
    assert doc.xpath("//table[contains(@class,'matchen')]") == []  # nothing suggested
    assert velden_zonder_label(doc) == []
    for q in ("jansen", "2026-77", "121,00", "€ 121"):
        doc = html.fromstring(client_inv.get(f"/betalingen/{b.pk}/", {"q": q}).content)
        assert doc.xpath("string(//table[contains(@class,'matchen')]/tbody/tr/td[2])") == (
            "2026-77"
        ), q
        assert velden_zonder_label(doc) == []
    doc = html.fromstring(client_inv.get(f"/betalingen/{b.pk}/", {"q": "niemand"}).content)
    assert "Niets gevonden" in doc.text_content()

    # A typed amount stands (Dutch notation); a wrong one is a field error and books nothing.
    geboekt = Boeking.objects.count()
    r = client_inv.post(
        f"/betalingen/{b.pk}/?q=jansen", {f"kies_{v.pk}": "on", f"bedrag_{v.pk}": "12.5"}
    )
    assert "Geef een bedrag in euro" in r.content.decode()
    assert Boeking.objects.count() == geboekt
    r = client_inv.post(f"/betalingen/{b.pk}/?q=jansen", {f"bedrag_{v.pk}": "12,50"}, follow=True)
    assert "Kies minstens één vordering." in r.content.decode()
    assert Boeking.objects.count() == geboekt
    client_inv.post(f"/betalingen/{b.pk}/", {f"kies_{v.pk}": "on", f"bedrag_{v.pk}": "12,50"})
    b.refresh_from_db()
    v.refresh_from_db()
    assert (b.restbedrag, b.status, v.openstaand_bedrag) == (3750, BetalingStatus.ONGEMATCHT, 10850)


def test_vordering_van_andere_organisatie_niet_te_kiezen(client_inv, org):
    ander = OrganisatieFactory()
    vreemd = vordering_maken(ander, vorderingnummer="VREEMD")
    b = werklijstpost(bedrag=12100, naam="X", iban=VREEMD_IBAN, tekst="VREEMD")
    doc = html.fromstring(client_inv.get(f"/betalingen/{b.pk}/", {"q": "VREEMD"}).content)
    assert "VREEMD" not in doc.xpath("string(//table[contains(@class,'matchen')])")
    r = client_inv.post(f"/betalingen/{b.pk}/", {f"kies_{vreemd.pk}": "on"}, follow=True)
    assert "niet gevonden" in r.content.decode()
    assert Vordering.objects.get(pk=vreemd.pk).openstaand_bedrag == 12100
    assert Betaling.objects.get(pk=b.pk).restbedrag == 12100


def test_pagina_queries_onafhankelijk_van_aantal_vorderingen(client_inv, org, de_vries):
    """Suggestions and search results are read in a fixed number of queries (no N+1)."""
    b = werklijstpost(bedrag=12100, naam="J de Vries", iban=DEB_IBAN, tekst="?")
    client_inv.get(f"/betalingen/{b.pk}/")  # session and permissions cached
    aantallen = []
    for n in (3, 20):
        for i in range(n - Vordering.objects.count()):
            vordering_maken(org, vorderingnummer=f"Q-{n}-{i}", debiteur=de_vries)
        with CaptureQueriesContext(connection) as ctx:
            r = client_inv.get(f"/betalingen/{b.pk}/", {"q": "Q-"})
        assert r.status_code == 200
        aantallen.append(len(ctx.captured_queries))
    assert aantallen[0] == aantallen[1], aantallen
