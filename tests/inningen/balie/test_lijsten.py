"""Every list sortable, filterable and exportable, formula-safe and scoped (#19)."""

import csv
import datetime as dt
import io

import lxml.html
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inningen.organisaties.services.rollen import roles_ensure
from inningen.verwerkingen.models import Verwerking
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def org2():
    return OrganisatieFactory(naam="Gemeente Beekdal")


@pytest.fixture
def andere_org():
    return OrganisatieFactory(naam="Gemeente Elders")


@pytest.fixture
def invorderaar(org, org2):
    roles_ensure()
    return gebruiker_maken("invorderaar", "invorderaar", org, org2)


def html(response):
    assert response.status_code == 200, response.content[:500]
    return lxml.html.fromstring(response.content.decode())


def kolom(doc, nummer: int) -> list[str]:
    """The text of column ``nummer`` (1-based) of the first table's body."""
    return [td.text_content().strip() for td in doc.xpath(f"//table[1]/tbody/tr/td[{nummer}]")]


def csv_rijen(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    tekst = response.content.decode("utf-8")
    assert tekst.startswith("\ufeff")
    return list(csv.reader(io.StringIO(tekst[1:]), delimiter=";"))


def xlsx_rijen(response) -> list[list]:
    assert response.status_code == 200
    blad = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in rij] for rij in blad.iter_rows()]


def koppen(doc) -> dict[str, lxml.html.HtmlElement]:
    return {th.text_content().split("(")[0].strip(" ▲▼↕"): th for th in doc.xpath("//thead//th")}


# --- vorderingen zonder debiteur -----------------------------------------------------------------


@pytest.fixture
def zonder_debiteur(org, org2, andere_org, vandaag):
    vordering_maken(
        org,
        vorderingnummer="V-B",
        creatiedatum=vandaag - dt.timedelta(days=3),
        algemene_factuuromschrijving='=HYPERLINK("http://x")',
    )
    vordering_maken(org2, vorderingnummer="V-A", creatiedatum=vandaag - dt.timedelta(days=1))
    vordering_maken(org, vorderingnummer="V-C", creatiedatum=vandaag - dt.timedelta(days=2))
    vordering_maken(andere_org, vorderingnummer="V-ELDERS")


def test_zonder_debiteur_standaard_sorteren_en_aria_sort(client, invorderaar, zonder_debiteur):
    client.force_login(invorderaar)
    url = reverse("balie:zonder_debiteur")
    doc = html(client.get(url))
    assert kolom(doc, 1) == ["V-B", "V-C", "V-A"]  # default: oldest first, as before
    assert not doc.xpath("//th[@aria-sort]")
    kop = koppen(doc)["Vordering"]
    assert kop.xpath(".//a/@href") == ["?sort=vordering"]

    doc = html(client.get(url, {"sort": "vordering"}))
    assert kolom(doc, 1) == ["V-A", "V-B", "V-C"]
    assert koppen(doc)["Vordering"].get("aria-sort") == "ascending"
    assert koppen(doc)["Vordering"].xpath(".//a/@href") == ["?sort=-vordering"]

    doc = html(client.get(url, {"sort": "-vordering"}))
    assert kolom(doc, 1) == ["V-C", "V-B", "V-A"]
    assert koppen(doc)["Vordering"].get("aria-sort") == "descending"

    # Not on the whitelist: the default order, no error.
    doc = html(client.get(url, {"sort": "debiteur__bsn"}))
    assert kolom(doc, 1) == ["V-B", "V-C", "V-A"]


def test_zonder_debiteur_filteren(client, invorderaar, org2, zonder_debiteur, vandaag):
    client.force_login(invorderaar)
    url = reverse("balie:zonder_debiteur")
    doc = html(client.get(url, {"organisatie": org2.pk}))
    assert kolom(doc, 1) == ["V-A"]
    doc = html(client.get(url, {"q": "v-c"}))
    assert kolom(doc, 1) == ["V-C"]
    doc = html(
        client.get(url, {"van": (vandaag - dt.timedelta(days=2)).isoformat(), "sort": "-ontvangen"})
    )
    assert kolom(doc, 1) == ["V-A", "V-C"]
    # Every filter has a label; the sort is kept in the form.
    form = doc.xpath("//form[contains(@class,'lijstfilter-form')]")[0]
    for veld in form.xpath(".//*[self::input or self::select][not(@type='hidden')]"):
        assert doc.xpath(f"//label[@for='{veld.get('id')}']"), veld.get("name")
    assert form.xpath(".//input[@name='sort']/@value") == ["-ontvangen"]
    # The export links carry the filters.
    assert doc.xpath("//a[text()='Exporteren (CSV)']/@href")[0].startswith("?van=")


def test_zonder_debiteur_foute_invoer_is_een_formulierfout(client, invorderaar, zonder_debiteur):
    client.force_login(invorderaar)
    doc = html(client.get(reverse("balie:zonder_debiteur"), {"van": "morgen", "organisatie": "x"}))
    assert "Vul een geldige datum in" in doc.text_content()
    veld = doc.get_element_by_id("filter-van")
    assert veld.get("aria-invalid") == "true"
    assert doc.get_element_by_id(veld.get("aria-describedby")) is not None
    assert len(kolom(doc, 1)) == 3  # nothing filtered by the bad input


def test_zonder_debiteur_export_csv(client, invorderaar, zonder_debiteur):
    client.force_login(invorderaar)
    rijen = csv_rijen(
        client.get(reverse("balie:zonder_debiteur"), {"export": "csv", "sort": "vordering"})
    )
    assert rijen[0] == [
        "Vordering",
        "Organisatie",
        "TSA",
        "Omschrijving",
        "Ontvangen",
        "Bedrag (EUR)",
    ]
    assert [r[0] for r in rijen[1:]] == ["V-A", "V-B", "V-C"]
    assert "V-ELDERS" not in str(rijen)
    assert rijen[2][3].startswith("'=HYPERLINK")  # formula-safe
    assert rijen[1][5] == "121,00"


def test_zonder_debiteur_export_xlsx(client, invorderaar, zonder_debiteur):
    client.force_login(invorderaar)
    rijen = xlsx_rijen(client.get(reverse("balie:zonder_debiteur"), {"export": "xlsx"}))
    assert rijen[0][0] == "Vordering"
    assert [r[0] for r in rijen[1:]] == ["V-B", "V-C", "V-A"]
    assert rijen[1][3] == '=HYPERLINK("http://x")'  # stays text, not a formula
    assert float(rijen[1][5]) == 121.0


# --- mislukte berichten --------------------------------------------------------------------------


@pytest.fixture
def berichten(org, org2, andere_org):
    from django.utils import timezone

    from stuffin.models import Koppeling, UitgaandBericht, UitgaandStatus

    koppeling = Koppeling.objects.create(
        applicatie="TSA", rol="tsa", gebruikersnaam="tsa-test", wachtwoord="x"
    )
    nu = timezone.now()
    for nummer, organisatie, status, pogingen, fout in (
        ("B-1", org, UitgaandStatus.MISLUKT, 3, "StUF055"),
        ("B-2", org2, UitgaandStatus.DOOD, 9, "+SOM(A1)"),
        ("B-3", org, UitgaandStatus.AFGELEVERD, 1, ""),
        ("B-4", andere_org, UitgaandStatus.MISLUKT, 1, "ELDERS"),
    ):
        UitgaandBericht.objects.create(
            soort="statuswijziging",
            koppeling=koppeling,
            referentienummer=nummer,
            vordering=vordering_maken(organisatie, vorderingnummer=f"V{nummer}"),
            status=status,
            volgende_poging=nu,
            pogingen=pogingen,
            foutcode=fout,
        )


def test_berichten_sorteren_filteren_exporteren(client, invorderaar, berichten):
    client.force_login(invorderaar)
    url = reverse("balie:uitgaand")
    assert kolom(html(client.get(url)), 3) == ["VB-1", "VB-2"]  # failed and dead, own only
    doc = html(client.get(url, {"sort": "-pogingen"}))
    assert kolom(doc, 3) == ["VB-2", "VB-1"]
    assert koppen(doc)["Pogingen"].get("aria-sort") == "descending"
    assert kolom(html(client.get(url, {"sort": "pogingen"})), 3) == ["VB-1", "VB-2"]
    assert kolom(html(client.get(url, {"status": "dood"})), 3) == ["VB-2"]
    # A status outside the list is a form error, not a way to see delivered messages.
    doc = html(client.get(url, {"status": "afgeleverd"}))
    assert kolom(doc, 3) == ["VB-1", "VB-2"] and doc.xpath("//p[@id='filter-status-fout']")
    rijen = csv_rijen(client.get(url, {"export": "csv", "sort": "-pogingen"}))
    assert rijen[0][:3] == ["Aangemaakt", "Vordering", "Organisatie"]
    assert [r[1] for r in rijen[1:]] == ["VB-2", "VB-1"]
    assert rijen[1][-1] == "'+SOM(A1)"
    assert "ELDERS" not in str(rijen)


# --- adres in onderzoek --------------------------------------------------------------------------


@pytest.fixture
def in_onderzoek(org, org2, andere_org):
    from django.utils import timezone

    from inningen.debiteuren.models import Adresstatus, Debiteur

    for naam, organisatie, status, dagen in (
        ("Jansen", org, Adresstatus.OVERLEDEN, 10),
        ("@Bakker", org2, Adresstatus.NIET_IN_BRP, 5),
        ("Elders", andere_org, Adresstatus.OVERLEDEN, 20),
    ):
        deb = DebiteurFactory(geslachtsnaam=naam, voorletters="")
        vordering_maken(organisatie, debiteur=deb, vorderingnummer=f"V-{naam.strip('@')}")
        Debiteur.objects.filter(pk=deb.pk).update(
            adresstatus=status, adresstatus_sinds=timezone.now() - dt.timedelta(days=dagen)
        )


def test_adres_in_onderzoek_lijst(client, invorderaar, in_onderzoek):
    client.force_login(invorderaar)
    url = reverse("balie:adres_in_onderzoek")
    assert kolom(html(client.get(url)), 1) == ["V-Jansen", "V-Bakker"]  # longest waiting first
    assert kolom(html(client.get(url, {"sort": "debiteur"})), 1) == ["V-Bakker", "V-Jansen"]
    assert kolom(html(client.get(url, {"sort": "-debiteur"})), 1) == ["V-Jansen", "V-Bakker"]
    assert kolom(html(client.get(url, {"status": "overleden"})), 1) == ["V-Jansen"]
    assert kolom(html(client.get(url, {"q": "bakk"})), 1) == ["V-Bakker"]

    rijen = csv_rijen(client.get(url, {"export": "csv"}))
    assert rijen[0] == [
        "Vordering",
        "Organisatie",
        "Debiteur",
        "Reden",
        "Sinds",
        "Openstaand (EUR)",
    ]
    assert [r[0] for r in rijen[1:]] == ["V-Jansen", "V-Bakker"]
    assert rijen[2][2] == "'@Bakker"  # formula-safe
    # One logging row per person in the export.
    gelogd = Verwerking.objects.filter(activiteit__startswith="export adres in onderzoek")
    assert sorted(v.debiteur.geslachtsnaam for v in gelogd) == ["@Bakker", "Jansen"]


# --- invorderingsruns -----------------------------------------------------------------------------


def test_runs_lijst(client, invorderaar, org, org2, andere_org, vandaag):
    from inningen.choices import RunStatus
    from inningen.invordering.models import Invorderingsrun

    for organisatie, dagen, status in (
        (org, 1, RunStatus.UITGEVOERD),
        (org2, 3, RunStatus.VOORSTEL),
        (org, 2, RunStatus.VOORSTEL),
        (andere_org, 0, RunStatus.VOORSTEL),
    ):
        Invorderingsrun.objects.create(
            organisatie=organisatie,
            datum=vandaag - dt.timedelta(days=dagen),
            status=status,
            aangemaakt_door="=cmd|calc",
            samenvatting={"aantal": dagen, "kosten": 1500},
        )
    client.force_login(invorderaar)
    url = reverse("balie:runs")
    d = [f"{vandaag - dt.timedelta(days=n):%d-%m-%Y}" for n in range(4)]
    assert kolom(html(client.get(url)), 1) == [d[1], d[2], d[3]]  # newest first, as before
    assert kolom(html(client.get(url, {"sort": "datum"})), 1) == [d[3], d[2], d[1]]
    # Descending reverses the tie-break (pk) too: a stable, exact mirror of ascending.
    assert kolom(html(client.get(url, {"sort": "-organisatie"})), 1) == [d[2], d[1], d[3]]
    assert kolom(html(client.get(url, {"status": "voorstel"})), 1) == [d[2], d[3]]
    assert kolom(html(client.get(url, {"organisatie": org2.pk})), 1) == [d[3]]
    rijen = csv_rijen(client.get(url, {"export": "csv", "sort": "datum"}))
    assert rijen[0] == [
        "Datum",
        "Organisatie",
        "Status",
        "Stappen",
        "Kosten (EUR)",
        "Rente (EUR)",
        "Door",
    ]
    assert [r[0] for r in rijen[1:]] == [d[3], d[2], d[1]]
    assert rijen[1][3:] == ["3", "15,00", "0,00", "'=cmd|calc"]


# --- afboekingen te beoordelen --------------------------------------------------------------------


def test_afboekingen_lijst(client, invorderaar, org, org2, andere_org):
    from inningen.invordering.services.afboekingen import afboeking_propose

    collega = gebruiker_maken("collega", "invorderaar", org, org2, andere_org)
    for naam, organisatie, soort in (
        ("Pietersen", org, "oninbaar"),
        ("Aalders", org2, "kwijtschelding"),
        ("Vreemd", andere_org, "oninbaar"),
    ):
        deb = DebiteurFactory(geslachtsnaam=naam, voorletters="")
        v = vordering_maken(organisatie, debiteur=deb, vorderingnummer=f"V-{naam}")
        afboeking_propose(vordering=v, soort=soort, reden="-1 geen verhaal", user=collega)
    client.force_login(invorderaar)
    url = reverse("balie:afboekingen")
    doc = html(client.get(url))
    assert [t.removesuffix("facturatie") for t in kolom(doc, 2)] == ["V-Pietersen", "V-Aalders"]
    doc = html(client.get(url, {"sort": "debiteur"}))
    assert kolom(doc, 4) == ["Aalders", "Pietersen"]
    assert koppen(doc)["Debiteur"].get("aria-sort") == "ascending"
    assert kolom(html(client.get(url, {"sort": "-debiteur"})), 4) == ["Pietersen", "Aalders"]
    assert kolom(html(client.get(url, {"status": "kwijtschelding"})), 4) == ["Aalders"]
    rijen = csv_rijen(client.get(url, {"export": "csv"}))
    assert rijen[0][:4] == ["Voorgesteld", "Vordering", "Organisatie", "Debiteur"]
    assert [r[3] for r in rijen[1:]] == ["Pietersen", "Aalders"]
    assert rijen[1][5] == "'-1 geen verhaal"
    assert "Vreemd" not in str(rijen)
    gelogd = Verwerking.objects.filter(activiteit="export afboekingen te beoordelen (CSV)")
    assert sorted(v.debiteur.geslachtsnaam for v in gelogd) == ["Aalders", "Pietersen"]


# --- werklijst betalingen -------------------------------------------------------------------------


@pytest.fixture
def betalingen(org, org2, andere_org, vandaag):
    from inningen.betalingen.models import Afschrift, Betaling
    from inningen.organisaties.models import Bankrekening
    from tests.factories import iban_nl

    afschriften = {}
    for i, organisatie in enumerate((org, org2, andere_org), start=1):
        rekening = Bankrekening.objects.create(organisatie=organisatie, iban=iban_nl(1000 + i))
        afschriften[organisatie.pk] = Afschrift.objects.create(
            organisatie=organisatie,
            bankrekening=rekening,
            formaat="camt053",
            identificatie=f"A{i}",
            datum=vandaag,
            sha256=str(i) * 64,
            ingelezen_door="test",
        )
    for volgnummer, (organisatie, naam, bedrag, dagen, status) in enumerate(
        (
            (org, "J. Jansen", 5000, 3, "ongematcht"),
            (org2, "=2+5", 1200, 1, "ongematcht"),
            (org, "P. Parkeer", 700, 2, "geparkeerd"),
            (andere_org, "Elders BV", 999, 1, "ongematcht"),
        )
    ):
        Betaling.objects.create(
            afschrift=afschriften[organisatie.pk],
            organisatie=organisatie,
            volgnummer=volgnummer,
            boekdatum=vandaag - dt.timedelta(days=dagen),
            bedrag=bedrag,
            restbedrag=bedrag,
            tegenrekening=iban_nl(5000 + volgnummer),
            naam=naam,
            omschrijving="betaling",
            status=status,
        )


def test_werklijst_betalingen_lijst(client, invorderaar, betalingen):
    client.force_login(invorderaar)
    url = reverse("inningen:werklijst")
    assert kolom(html(client.get(url)), 3) == ["J. Jansen", "=2+5"]  # unmatched, oldest first
    doc = html(client.get(url, {"sort": "-bedrag"}))
    assert kolom(doc, 3) == ["J. Jansen", "=2+5"]
    assert koppen(doc)["Bedrag"].get("aria-sort") == "descending"
    assert kolom(html(client.get(url, {"sort": "bedrag"})), 3) == ["=2+5", "J. Jansen"]
    assert kolom(html(client.get(url, {"status": "geparkeerd"})), 3) == ["P. Parkeer"]
    assert kolom(html(client.get(url, {"q": "jans"})), 3) == ["J. Jansen"]
    rijen = csv_rijen(client.get(url, {"export": "csv", "sort": "bedrag"}))
    assert rijen[0] == [
        "Boekdatum",
        "Organisatie",
        "Naam",
        "IBAN",
        "Omschrijving",
        "Bedrag (EUR)",
        "Te verdelen (EUR)",
    ]
    assert [r[2] for r in rijen[1:]] == ["'=2+5", "J. Jansen"]
    assert rijen[1][5] == "12,00"
    assert "Elders" not in str(rijen)
    # The counterparties (no debtor known) are logged, one row each.
    gelogd = Verwerking.objects.filter(activiteit="export werklijst betalingen (CSV)")
    assert sorted(v.betrokkene.split(" NL")[0] for v in gelogd) == ["=2+5", "J. Jansen"]


# --- tegoeden (aggregated rows, sorted in Python) --------------------------------------------------


def test_tegoeden_lijst(client, invorderaar, org, org2, monkeypatch):
    from inningen.balie.selectors.tegoed import Tegoedregel
    from inningen.balie.views import tegoed

    regels = {
        org.pk: Tegoedregel(
            org.pk, org.naam, DebiteurFactory(geslachtsnaam="Zwart", voorletters=""), 5000
        ),
        org2.pk: Tegoedregel(
            org2.pk, org2.naam, DebiteurFactory(geslachtsnaam="-Aap", voorletters=""), 300
        ),
    }
    # The selector is tested elsewhere (test_views_tegoed); here the list around it.
    monkeypatch.setattr(tegoed, "tegoeden_for_user", lambda user: list(regels.values()))
    client.force_login(invorderaar)
    url = reverse("balie:tegoeden")
    assert kolom(html(client.get(url)), 1) == ["Zwart", "-Aap"]  # largest first
    assert kolom(html(client.get(url, {"sort": "debiteur"})), 1) == ["-Aap", "Zwart"]
    doc = html(client.get(url, {"sort": "tegoed"}))
    assert kolom(doc, 1) == ["-Aap", "Zwart"]
    assert koppen(doc)["Tegoed"].get("aria-sort") == "ascending"
    assert kolom(html(client.get(url, {"organisatie": org2.pk})), 1) == ["-Aap"]
    assert kolom(html(client.get(url, {"q": "zwa"})), 1) == ["Zwart"]
    rijen = csv_rijen(client.get(url, {"export": "csv", "sort": "-tegoed"}))
    assert rijen[0][:3] == ["Debiteur", "Organisatie", "Tegoed (EUR)"]
    assert rijen[1:] == [
        ["Zwart", org.naam, "50,00", "0", "0,00"],
        ["'-Aap", org2.naam, "3,00", "0", "0,00"],
    ]
    gelogd = Verwerking.objects.filter(activiteit="export tegoeden (CSV)")
    assert sorted(v.debiteur.geslachtsnaam for v in gelogd) == ["-Aap", "Zwart"]


# --- menu counts -----------------------------------------------------------------------------------


@pytest.fixture
def lege_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def menu(doc) -> dict[str, str]:
    return {
        a.xpath("string(text())").strip(): a.text_content().strip()
        for a in doc.xpath("//nav[@aria-label='Hoofdmenu']//a")
    }


def test_menutellingen_waarde_scope_en_toegankelijke_tekst(
    client, invorderaar, lege_cache, zonder_debiteur, berichten, in_onderzoek
):
    client.force_login(invorderaar)
    doc = html(client.get(reverse("balie:zoeken")))
    items = menu(doc)
    # Claims without debtor of the user's organisations: three, and three of the messages
    # (the ones of the other organisation are not counted).
    assert items["Vorderingen zonder debiteur"] == "Vorderingen zonder debiteur6, 6 open"
    assert items["Mislukte berichten"] == "Mislukte berichten2, 2 open"
    assert items["Adres in onderzoek"] == "Adres in onderzoek2, 2 open"
    assert items["Afboekingen te beoordelen"] == "Afboekingen te beoordelen"  # none: no badge
    badge = doc.xpath("//nav//a[starts-with(normalize-space(.), 'Mislukte')]/span")
    assert badge[0].get("aria-hidden") == "true" and badge[0].text == "2"
    assert badge[1].get("class") == "visually-hidden" and badge[1].text == ", 2 open"


def test_menutellingen_alleen_zichtbare_menus_en_gecached(
    client, org, lege_cache, zonder_debiteur, django_assert_num_queries
):
    from inningen.balie.selectors import tellingen

    roles_ensure()
    balie = gebruiker_maken("baliemedewerker", "baliemedewerker", org)
    # The balie sees none of the work lists, so nothing of them is counted.
    assert "zonder_debiteur" not in tellingen.menu_tellingen(balie)
    invorderaar = gebruiker_maken("inv2", "invorderaar", org)
    eerst = tellingen.menu_tellingen(invorderaar)
    assert eerst["zonder_debiteur"] == 2 and eerst["runs"] == 0
    vordering_maken(org, vorderingnummer="V-NIEUW")
    with django_assert_num_queries(0):
        assert tellingen.menu_tellingen(invorderaar) == eerst  # from the cache
    from django.core.cache import cache

    cache.delete(tellingen.cache_sleutel(invorderaar))
    assert tellingen.menu_tellingen(invorderaar)["zonder_debiteur"] == 3


def test_menutellingen_geen_query_anoniem_of_in_de_admin(rf, org, lege_cache):
    from django.contrib.auth.models import AnonymousUser

    from inningen.balie.context_processors import menu_tellingen

    verzoek = rf.get("/")
    verzoek.user = AnonymousUser()
    assert menu_tellingen(verzoek) == {"menu_tellingen": {}}
    roles_ensure()
    verzoek = rf.get("/admin/inningen/")
    verzoek.user = gebruiker_maken("beheer", "beheerder", org)
    assert menu_tellingen(verzoek) == {"menu_tellingen": {}}


def test_aantal_functies_per_lijst(org, andere_org, lege_cache, betalingen, in_onderzoek):
    from inningen.balie.selectors import tellingen

    roles_ensure()
    gebruiker = gebruiker_maken("inv3", "invorderaar", org)
    assert tellingen.aantal_werklijst_betalingen(gebruiker) == 1  # unmatched only, own org
    assert tellingen.aantal_adres_in_onderzoek(gebruiker) == 1
    assert tellingen.aantal_afboekingen(gebruiker) == 0
    assert tellingen.aantal_terugbetalingen(gebruiker) == 0
    assert tellingen.aantal_mislukte_berichten(gebruiker) == 0


# --- aangeboden bankafschriften ------------------------------------------------------------------


def test_afschriftimporten_lijst(client, invorderaar, org, org2, andere_org):
    from inningen.betalingen.models import Afschriftimport

    for naam, organisatie, status in (
        ("maart.xml", org, "klaar"),
        ("=april.xml", org2, "mislukt"),
        ("elders.xml", andere_org, "klaar"),
    ):
        Afschriftimport.objects.create(
            organisatie=organisatie,
            door="inv",
            bestandsnaam=naam,
            sha256=naam.ljust(64, "0"),
            status=status,
        )
    client.force_login(invorderaar)
    url = reverse("inningen:afschrift_upload")
    assert kolom(html(client.get(url)), 2) == ["=april.xml", "maart.xml"]  # newest first
    assert kolom(html(client.get(url, {"sort": "bestand"})), 2) == ["=april.xml", "maart.xml"]
    assert kolom(html(client.get(url, {"sort": "-bestand"})), 2) == ["maart.xml", "=april.xml"]
    assert kolom(html(client.get(url, {"status": "klaar"})), 2) == ["maart.xml"]
    rijen = csv_rijen(client.get(url, {"export": "csv"}))
    assert rijen[0] == ["Aangeboden", "Bestand", "Organisatie", "Door", "Status"]
    assert [r[1] for r in rijen[1:]] == ["'=april.xml", "maart.xml"]


# --- terugbetalingen te beoordelen ------------------------------------------------------------------


def test_terugbetalingen_lijst(client, invorderaar, org, betalingen):
    from inningen.betalingen.models import Betaling, Terugbetaling

    collega = gebruiker_maken("collega2", "invorderaar", org)
    for b in Betaling.objects.order_by("pk"):
        Terugbetaling.objects.create(
            organisatie=b.organisatie,
            betaling=b,
            bedrag=b.bedrag,
            iban=b.tegenrekening,
            naam=b.naam,
            reden="dubbel betaald",
            status="voorgesteld",
            voorgesteld_door=collega,
        )
    client.force_login(invorderaar)
    url = reverse("balie:terugbetalingen")
    eerste = kolom(html(client.get(url)), 6)
    assert len(eerste) == 3  # the other organisation's refund is not shown
    doc = html(client.get(url, {"sort": "-bedrag"}))
    assert kolom(doc, 7) == ["€ 50,00", "€ 12,00", "€ 7,00"]
    assert koppen(doc)["Bedrag"].get("aria-sort") == "descending"
    assert kolom(html(client.get(url, {"sort": "bedrag"})), 7) == ["€ 7,00", "€ 12,00", "€ 50,00"]
    assert kolom(html(client.get(url, {"q": "parkeer"})), 7) == ["€ 7,00"]
    rijen = csv_rijen(client.get(url, {"export": "csv", "sort": "bedrag"}))
    assert rijen[0][-1] == "Bedrag (EUR)"
    assert [r[-1] for r in rijen[1:]] == ["7,00", "12,00", "50,00"]
    assert rijen[2][3].startswith("NL") and rijen[2][3].endswith("=2+5")
    assert "Elders" not in str(rijen)
    gelogd = Verwerking.objects.filter(activiteit="export terugbetalingen te beoordelen (CSV)")
    assert len({v.betrokkene for v in gelogd}) == 3
