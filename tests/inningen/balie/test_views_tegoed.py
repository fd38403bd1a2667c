"""Credit screens (issue 16): the debtor page shows the credit per organisation; offsetting
(preview, then book with a letter); a refund proposal, the four-eyes work list, the credit
transfer file and its logged download; labels, roles and scope."""

import datetime as dt

import lxml.html
import pytest
from django.core.management import call_command
from django.db.models import Sum

from inningen.betalingen.models import Betaling, Terugbetaalbestand, Terugbetaling
from inningen.betalingen.services.afschriften import afschrift_import
from inningen.betalingen.services.tegoed import tegoed_saldo
from inningen.choices import BetalingStatus, Boekingsoort, Briefsoort, VoorstelStatus
from inningen.debiteuren.models import DebiteurRekening
from inningen.grootboek.models import Boeking
from inningen.invordering.models import Brief
from inningen.invordering.services.tegoed import pain001_validate
from inningen.organisaties.models import Bankrekening
from inningen.organisaties.services.rollen import roles_ensure
from inningen.verwerkingen.models import Verwerking
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
DEB_IBAN = "NL20INGB0001234567"
VANDAAG = dt.date.today()


@pytest.fixture
def org():
    organisatie = OrganisatieFactory(naam="Gemeente Rivierstad")
    Bankrekening.objects.create(organisatie=organisatie, iban=ORG_IBAN)
    return organisatie


@pytest.fixture
def rollen():
    return roles_ensure()


@pytest.fixture
def anna(rollen, org):
    return gebruiker_maken("anna", "invorderaar", org)


@pytest.fixture
def bert(rollen, org):
    return gebruiker_maken("bert", "invorderaar", org)


@pytest.fixture
def balie(rollen, org):
    return gebruiker_maken("balie", "baliemedewerker", org)


@pytest.fixture
def deb(org):
    """A debtor with 29.01 credit at ``org`` (an overpaid claim) and an open older claim."""
    debiteur = DebiteurFactory(geslachtsnaam="Jansen")
    DebiteurRekening.objects.create(debiteur=debiteur, iban=DEB_IBAN)
    v = vordering_maken(org, debiteur=debiteur, vorderingnummer="V-BETAALD")
    vordering_maken(
        org, debiteur=debiteur, vorderingnummer="V-OPEN",
        vervaldatum=VANDAAG - dt.timedelta(days=60),
    )  # fmt: skip
    afschrift_import(
        inhoud=camt053(
            ORG_IBAN,
            [{"bedrag": 12100 + 2901, "kenmerk": v.betalingskenmerk, "iban": DEB_IBAN,
              "naam": "J. Jansen"}],
        ),
        door="test",
    )  # fmt: skip
    return debiteur


def _doc(response):
    return lxml.html.fromstring(response.content.decode())


def _labels_kloppen(doc):
    """Every visible form field has a label (for=id) or an aria-label."""
    ids = set(doc.xpath("//label/@for"))
    for veld in doc.xpath("//form//input[not(@type='hidden')]|//form//select|//form//textarea"):
        assert veld.get("id") in ids or veld.get("aria-label"), lxml.html.tostring(veld)


def test_debiteurpagina_toont_tegoed_en_verrekenen(client, anna, org, deb):
    client.force_login(anna)
    doc = _doc(client.get(f"/debiteuren/{deb.pk}/"))
    sectie = doc.xpath("//section[@aria-labelledby='tegoed']")[0]
    assert "Gemeente Rivierstad" in sectie.text_content()
    assert "€ 29,01" in sectie.text_content()
    url = f"/debiteuren/{deb.pk}/tegoed/{org.pk}/verrekenen/"
    assert sectie.xpath(f".//a[@href='{url}']")

    # Preview: nothing booked yet.
    r = client.get(url)
    assert r.status_code == 200
    doc = _doc(r)
    rijen = doc.xpath("//table/tbody/tr")
    assert len(rijen) == 1 and "V-OPEN" in rijen[0].text_content()
    assert "€ 29,01" in rijen[0].xpath("td[last()]")[0].text_content()
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 2901

    r = client.post(url)
    assert r.status_code == 302 and r["Location"] == f"/debiteuren/{deb.pk}/#tegoed"
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 0
    assert Brief.objects.get().soort == Briefsoort.VERREKENING
    call_command("saldi_controleren")
    # A second post books nothing and says why.
    r = client.post(url, follow=True)
    assert "geen tegoed" in r.content.decode()
    assert Verwerking.objects.filter(debiteur=deb, activiteit="inzage verrekening tegoed").exists()


def test_terugbetalen_vier_ogen_bestand_en_download(client, anna, bert, org, deb):
    client.force_login(anna)
    url = f"/debiteuren/{deb.pk}/tegoed/{org.pk}/terugbetalen/"
    r = client.get(url)
    doc = _doc(r)
    _labels_kloppen(doc)
    [optie] = doc.xpath("//select[@name='betaling']/option")
    assert DEB_IBAN in optie.text_content() and "J. Jansen" in optie.text_content()
    assert Verwerking.objects.filter(
        debiteur=deb, activiteit="inzage tegenrekeningen voor terugbetaling"
    ).exists()

    # Too much: the form says so and nothing is saved.
    r = client.post(url, {"betaling": optie.get("value"), "bedrag": "29,02", "reden": "Dubbel"})
    assert r.status_code == 200 and "ten hoogste € 29,01" in r.content.decode()
    r = client.post(url, {"betaling": optie.get("value"), "bedrag": "abc", "reden": "Dubbel"})
    assert r.status_code == 200 and "Geef een bedrag in euro" in r.content.decode()
    assert not Terugbetaling.objects.exists()
    r = client.post(url, {"betaling": optie.get("value"), "bedrag": "20,00", "reden": "Dubbel"})
    assert r.status_code == 302
    tb = Terugbetaling.objects.get()
    # The debtor page shows the proposal and what is left to propose.
    sectie = _doc(client.get(f"/debiteuren/{deb.pk}/")).xpath(
        "//section[@aria-labelledby='tegoed']"
    )[0]
    tekst = sectie.text_content()
    assert "Voorgesteld om terug te betalen" in tekst and "€ 20,00" in tekst
    assert DEB_IBAN in tekst and "Wacht op beoordeling" in tekst

    # The proposer sees it on the work list but cannot approve it.
    doc = _doc(client.get("/werklijsten/terugbetalingen/"))
    assert "Eigen voorstel" in doc.text_content()
    client.post(f"/werklijsten/terugbetalingen/{tb.pk}/", {"besluit": "goedkeuren"})
    tb.refresh_from_db()
    assert tb.status == VoorstelStatus.VOORGESTELD

    client.force_login(bert)
    doc = _doc(client.get("/werklijsten/terugbetalingen/"))
    _labels_kloppen(doc)
    assert doc.xpath(f"//form[@action='/werklijsten/terugbetalingen/{tb.pk}/']")
    client.post(f"/werklijsten/terugbetalingen/{tb.pk}/", {"besluit": "goedkeuren"})
    tb.refresh_from_db()
    assert tb.status == VoorstelStatus.GOEDGEKEURD
    assert (
        Boeking.objects.filter(soort=Boekingsoort.TERUGBETALING).aggregate(
            s=Sum("bedrag_incl_btw")
        )["s"]
        == 2000
    )

    r = client.post(f"/werklijsten/terugbetalingen/bestand/{org.pk}/", follow=True)
    assert "Betaalbestand" in r.content.decode()
    bestand = Terugbetaalbestand.objects.get()
    r = client.get(f"/terugbetaalbestanden/{bestand.pk}/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    pain001_validate(r.content)
    assert Verwerking.objects.filter(
        debiteur=deb, activiteit__startswith="download betaalbestand"
    ).exists()
    # Made once: a second file has nothing to pay.
    client.post(f"/werklijsten/terugbetalingen/bestand/{org.pk}/")
    assert Terugbetaalbestand.objects.count() == 1


def test_rollen_en_scope(client, balie, anna, org, deb, rollen):
    client.force_login(balie)
    assert client.get(f"/debiteuren/{deb.pk}/tegoed/{org.pk}/verrekenen/").status_code == 403
    assert client.get(f"/debiteuren/{deb.pk}/tegoed/{org.pk}/terugbetalen/").status_code == 403
    assert client.get("/werklijsten/terugbetalingen/").status_code == 403
    # The balie sees the credit, not the buttons.
    doc = _doc(client.get(f"/debiteuren/{deb.pk}/"))
    sectie = doc.xpath("//section[@aria-labelledby='tegoed']")[0]
    assert "€ 29,01" in sectie.text_content() and not sectie.xpath(".//a[@class='knop']")

    ander = OrganisatieFactory()
    buiten = gebruiker_maken("dirk", "invorderaar", ander)
    client.force_login(buiten)
    assert client.get(f"/debiteuren/{deb.pk}/tegoed/{org.pk}/verrekenen/").status_code == 404
    client.post(f"/debiteuren/{deb.pk}/tegoed/{org.pk}/verrekenen/")
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 2901
    # An own debtor, but another organisation's credit.
    eigen = vordering_maken(ander, debiteur=deb)
    assert eigen.debiteur == deb
    assert client.get(f"/debiteuren/{deb.pk}/tegoed/{org.pk}/terugbetalen/").status_code == 404
    client.force_login(anna)
    tb = Terugbetaling.objects.create(
        organisatie=org, debiteur=deb, betaling=deb.betalingen.get(), bedrag=100,
        iban=DEB_IBAN, naam="J. Jansen", reden="x", voorgesteld_door=anna,
    )  # fmt: skip
    client.force_login(buiten)
    assert (
        client.post(f"/werklijsten/terugbetalingen/{tb.pk}/", {"besluit": "goedkeuren"}).status_code
        == 404
    )


def test_tegoedenlijst(client, anna, balie, org, deb, django_assert_max_num_queries):
    client.force_login(anna)
    client.get("/werklijsten/tegoeden/")  # warm caches (permissions, menu counts of #19)
    with django_assert_max_num_queries(12):
        r = client.get("/werklijsten/tegoeden/")
    doc = _doc(r)
    [rij] = doc.xpath("//table/tbody/tr")
    cellen = [td.text_content().strip() for td in rij.xpath("td")]
    assert cellen[1:5] == ["Gemeente Rivierstad", "€ 29,01", "1", "€ 121,00"]
    assert rij.xpath(f".//a[@href='/debiteuren/{deb.pk}/tegoed/{org.pk}/verrekenen/']")
    assert Verwerking.objects.filter(debiteur=deb, activiteit="werklijst tegoeden getoond").exists()
    assert doc.xpath("//nav//a[@href='/werklijsten/tegoeden/']")
    client.force_login(balie)
    assert client.get("/werklijsten/tegoeden/").status_code == 403
    client.force_login(gebruiker_maken("dirk", "invorderaar", OrganisatieFactory()))
    assert "Geen debiteuren met tegoed" in client.get("/werklijsten/tegoeden/").content.decode()


# --- terugbetalen van een ontvangst zonder debiteur ----------------------------------------------

ONBEKEND_IBAN = "NL39RABO0300065264"


@pytest.fixture
def onbekend(org):
    """A receipt of 50.00 no rule matches (work list, no debtor); its counter account belongs to
    a person we know as a debtor elsewhere, so showing it is logged for that person."""
    houder = DebiteurFactory(geslachtsnaam="de Vries")
    DebiteurRekening.objects.create(debiteur=houder, iban=ONBEKEND_IBAN)
    afschrift_import(
        inhoud=camt053(
            ORG_IBAN,
            [{"bedrag": 5000, "iban": ONBEKEND_IBAN, "naam": "K. de Vries",
              "tekst": "Per abuis"}],
            ident="AFS-ONBEKEND",
        ),
        door="test",
    )  # fmt: skip
    b = Betaling.objects.get(bedrag=5000)
    assert b.debiteur_id is None and b.restbedrag == 5000
    return b, houder


def test_rest_terugbetalen_vanaf_de_betaling_vier_ogen_en_bestand(
    client, anna, bert, org, onbekend
):
    b, houder = onbekend
    client.force_login(anna)
    # Marked in the work list; the entry's screen offers the refund to its own account.
    client.post(f"/betalingen/{b.pk}/terugbetalen/", {"opmerking": ""})
    werklijst = _doc(client.get("/betalingen/werklijst/?status=terugbetalen"))
    assert werklijst.xpath(f"//a[@href='/betalingen/{b.pk}/']")
    # The refunds work list points to it until its rest is proposed.
    voorstellen_url = (
        f"//section[@aria-labelledby='gemarkeerd']//a[@href='/betalingen/{b.pk}/#terugbetalen']"
    )
    assert _doc(client.get("/werklijsten/terugbetalingen/")).xpath(voorstellen_url)
    doc = _doc(client.get(f"/betalingen/{b.pk}/"))
    _labels_kloppen(doc)
    [sectie] = doc.xpath("//section[@aria-labelledby='terugbetalen']")
    assert ONBEKEND_IBAN in sectie.text_content() and "K. de Vries" in sectie.text_content()
    [form] = sectie.xpath(f".//form[@action='/betalingen/{b.pk}/terugbetaling/']")
    # No account to choose or type: only amount and reason.
    velden = {v.get("name") for v in form.xpath(".//input|.//textarea|.//select")}
    assert velden == {"csrfmiddlewaretoken", "bedrag", "reden"}
    assert form.xpath("string(.//input[@name='bedrag']/@value)") == "50,00"
    assert Verwerking.objects.filter(debiteur=houder, activiteit__contains=f"betaling {b.pk}")

    url = f"/betalingen/{b.pk}/terugbetaling/"
    r = client.post(url, {"bedrag": "50,01", "reden": "Per abuis"}, follow=True)
    assert "ten hoogste € 50,00" in r.content.decode()
    r = client.post(url, {"bedrag": "abc", "reden": "Per abuis"}, follow=True)
    assert "Geef een bedrag in euro" in r.content.decode()
    assert not Terugbetaling.objects.exists()
    r = client.post(url, {"bedrag": "50,00", "reden": "Per abuis"})
    assert r.status_code == 302 and r["Location"] == f"/betalingen/{b.pk}/#terugbetalen"
    tb = Terugbetaling.objects.get()
    assert (tb.debiteur, tb.iban, tb.naam, tb.bedrag) == (None, ONBEKEND_IBAN, "K. de Vries", 5000)
    # All of it proposed: no second form, the proposal shows.
    doc = _doc(client.get(f"/betalingen/{b.pk}/"))
    [sectie] = doc.xpath("//section[@aria-labelledby='terugbetalen']")
    assert not sectie.xpath(".//form") and "Wacht op beoordeling" in sectie.text_content()

    client.force_login(bert)
    doc = _doc(client.get("/werklijsten/terugbetalingen/"))
    _labels_kloppen(doc)
    assert not doc.xpath(voorstellen_url)
    [rij] = doc.xpath(f"//tr[.//form[@action='/werklijsten/terugbetalingen/{tb.pk}/']]")
    assert "Ontvangst zonder debiteur" in rij.text_content() and ONBEKEND_IBAN in rij.text_content()
    assert rij.xpath(f".//a[@href='/betalingen/{b.pk}/#terugbetalen']")
    assert Verwerking.objects.filter(
        debiteur=houder, activiteit="werklijst terugbetalingen getoond"
    ).exists()
    client.post(f"/werklijsten/terugbetalingen/{tb.pk}/", {"besluit": "goedkeuren"})
    tb.refresh_from_db()
    assert tb.status == VoorstelStatus.GOEDGEKEURD
    b = Betaling.objects.get(pk=b.pk)
    assert (b.status, b.restbedrag) == (BetalingStatus.TERUGBETAALD, 0)
    assert Boeking.objects.get(betaling=b, soort=Boekingsoort.TERUGBETALING).bedrag_incl_btw == 5000
    call_command("saldi_controleren")
    # Done: off the work list, no form on its screen.
    werklijst = _doc(client.get("/betalingen/werklijst/?status=terugbetalen"))
    assert not werklijst.xpath(f"//a[starts-with(@href, '/betalingen/{b.pk}/')]")
    assert not _doc(client.get(f"/betalingen/{b.pk}/")).xpath(
        f"//form[@action='/betalingen/{b.pk}/terugbetaling/']"
    )

    client.post(f"/werklijsten/terugbetalingen/bestand/{org.pk}/")
    bestand = Terugbetaalbestand.objects.get()
    r = client.get(f"/terugbetaalbestanden/{bestand.pk}/")
    pain001_validate(r.content)
    assert ONBEKEND_IBAN in r.content.decode()
    assert Verwerking.objects.filter(
        debiteur=houder, activiteit__startswith="download betaalbestand"
    ).exists()


def test_rest_terugbetalen_rechten_en_scope(client, balie, anna, org, onbekend):
    b, _ = onbekend
    url = f"/betalingen/{b.pk}/terugbetaling/"
    client.force_login(balie)
    assert client.post(url, {"bedrag": "10,00", "reden": "x"}).status_code == 403
    client.force_login(gebruiker_maken("dirk", "invorderaar", OrganisatieFactory()))
    assert client.get(f"/betalingen/{b.pk}/").status_code == 404
    assert client.post(url, {"bedrag": "10,00", "reden": "x"}).status_code == 404
    assert not Terugbetaling.objects.exists()
