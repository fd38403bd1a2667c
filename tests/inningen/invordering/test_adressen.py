"""Address refresh from the BRP and the KvK (issue #18), over real HTTP against the local fake;
the letters' addressee block and the work list "adres in onderzoek"."""

import math
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inningen.choices import Debiteursoort, Geslachtsaanduiding, VorderingStatus
from inningen.debiteuren.models import Debiteur
from inningen.debiteuren.models.adres import Adresbron, Adresstatus, DebiteurAdres
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Brief
from inningen.invordering.selectors.adressen import adres_in_onderzoek
from inningen.invordering.services import adressen as adressen_service
from inningen.invordering.services.adressen import AdressenNietBeschikbaar, adressen_verversen
from inningen.invordering.services.brieven import brief_render_html, debiteur_gegevens
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken

pytestmark = pytest.mark.django_db

GEWOON, VERHUISD, OVERLEDEN = "999990500", "999991280", "999993926"
VNOA, GEEMIGREERD, GEHEIM, MONTENEGRO = "999992570", "999994529", "999994785", "999992909"
ONBEKEND = "999999990"  # passes the 11-proef, not in the fake
POSTBUS, BEZOEKADRES, ONBEKEND_KVK = "68750110", "69599084", "12345678"


@pytest.fixture
def fake(basisregistraties_fake, settings):
    settings.BRP_API_URL = basisregistraties_fake.brp_url
    settings.BRP_API_KEY = basisregistraties_fake.brp_api_key
    settings.KVK_API_URL = basisregistraties_fake.kvk_url
    settings.KVK_API_KEY = basisregistraties_fake.kvk_api_key
    return basisregistraties_fake


def persoon(bsn, **velden):
    return DebiteurFactory(bsn=bsn, **velden)


def bedrijf(kvk_nummer, **velden):
    return DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, bsn=None, kvk_nummer=kvk_nummer,
        statutaire_naam="Naam uit de TSA", **velden,
    )  # fmt: skip


def test_gewoon_en_verhuisd_krijgen_brp_adres(fake):
    gewoon, verhuisd = persoon(GEWOON), persoon(VERHUISD, straatnaam="Oudestraat")
    uitkomst = adressen_verversen(debiteur_ids=[gewoon.pk, verhuisd.pk], door="test")
    assert (uitkomst.gecontroleerd, uitkomst.gewijzigd, uitkomst.in_onderzoek) == (2, 2, {})
    assert not uitkomst.niet_geconfigureerd
    verhuisd.refresh_from_db()
    adres = verhuisd.brief_adres
    assert adres.bron == Adresbron.BRP
    assert adres.aanhef == "Geachte mevrouw Van der Burg"
    assert adres.aanschrijfwijze == "J. van der Burg"
    assert adres.adresregels == ["Haagse Reigerstraat 31 a-2", "1628 HJ  HOORN"]
    assert (adres.door, adres.geheim) == ("test", False)
    assert verhuisd.adresstatus == Adresstatus.IN_ORDE
    assert verhuisd.adresstatus_sinds is not None and verhuisd.adres_gecontroleerd_op is not None
    assert verhuisd.straatnaam == "Oudestraat"  # the TSA's own fields stay as they were


def test_geen_tweede_historieregel_zonder_wijziging(fake):
    debiteur = persoon(GEWOON)
    adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    debiteur.refresh_from_db()
    sinds, eerste = debiteur.adresstatus_sinds, debiteur.brief_adres_id
    uitkomst = adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    assert (uitkomst.gecontroleerd, uitkomst.gewijzigd) == (1, 0)
    debiteur.refresh_from_db()
    assert DebiteurAdres.objects.filter(debiteur=debiteur).count() == 1
    assert debiteur.brief_adres_id == eerste
    assert debiteur.adresstatus_sinds == sinds  # only a change of status moves it


def test_nieuw_adres_na_verhuizing_wordt_nieuwe_regel(fake):
    debiteur = persoon(GEWOON)
    oud = DebiteurAdres.objects.create(
        debiteur=debiteur, bron=Adresbron.BRP, aanschrijfwijze="P. Prins",
        adresregels=["Oude Gracht 1", "3511 AA  UTRECHT"],
    )  # fmt: skip
    Debiteur.objects.filter(pk=debiteur.pk).update(brief_adres=oud)
    adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    debiteur.refresh_from_db()
    assert debiteur.brief_adres_id != oud.pk
    assert debiteur.brief_adres.adresregels[0] == "Jonkheer van Riemsdijkln 88"
    assert list(debiteur.adressen.values_list("pk", flat=True)) == [debiteur.brief_adres_id, oud.pk]


@pytest.mark.parametrize(
    "bsn, status",
    [
        (OVERLEDEN, Adresstatus.OVERLEDEN),
        (VNOA, Adresstatus.VERBLIJFT_NIET_OP_ADRES),
        (GEEMIGREERD, Adresstatus.GEEMIGREERD),
        (ONBEKEND, Adresstatus.NIET_IN_BRP),
    ],
)
def test_geen_brief_mogelijk_geeft_status_en_geen_adres(fake, bsn, status):
    debiteur = persoon(bsn)
    uitkomst = adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    assert uitkomst.in_onderzoek == {debiteur.pk: status.value}
    debiteur.refresh_from_db()
    assert debiteur.adresstatus == status
    assert debiteur.brief_adres_id is None
    assert not DebiteurAdres.objects.filter(debiteur=debiteur).exists()


def test_status_weer_in_orde(fake):
    debiteur = persoon(GEWOON, adresstatus=Adresstatus.NIET_IN_BRP)
    uitkomst = adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    assert uitkomst.in_onderzoek == {}
    debiteur.refresh_from_db()
    assert debiteur.adresstatus == Adresstatus.IN_ORDE


def test_geheimhouding(fake):
    debiteur = persoon(GEHEIM)
    adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    debiteur.refresh_from_db()
    assert debiteur.geheimhouding is True
    assert debiteur.brief_adres.geheim is True
    assert debiteur.adresstatus == Adresstatus.IN_ORDE


def test_buitenlands_adres_krijgt_land(fake):
    debiteur = persoon(MONTENEGRO)
    adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    debiteur.refresh_from_db()
    assert debiteur.adresstatus == Adresstatus.IN_ORDE
    assert debiteur.brief_adres.adresregels[-1] == "MONTENEGRO"


def test_bedrijven_via_kvk_postadres_en_terugval(fake):
    postbus, bezoek, onbekend = bedrijf(POSTBUS), bedrijf(BEZOEKADRES), bedrijf(ONBEKEND_KVK)
    uitkomst = adressen_verversen(debiteur_ids=[postbus.pk, bezoek.pk, onbekend.pk], door="t")
    assert (uitkomst.gecontroleerd, uitkomst.gewijzigd, uitkomst.in_onderzoek) == (2, 2, {})
    for debiteur in (postbus, bezoek, onbekend):
        debiteur.refresh_from_db()
    assert postbus.brief_adres.bron == Adresbron.KVK
    assert postbus.brief_adres.aanschrijfwijze == "Test BV Donald"
    assert postbus.brief_adres.adresregels == ["Postbus 200", "1000 AE  ROMMELDAM"]
    assert bezoek.brief_adres.adresregels == ["Abebe Bikilalaan 17", "1034 WL  AMSTERDAM"]
    assert bezoek.brief_adres.aanschrijfwijze == "Test EMZ Dagobert"  # no statutaire naam
    assert onbekend.brief_adres_id is None and onbekend.adres_gecontroleerd_op is None
    assert postbus.adresstatus == Adresstatus.NIET_GECONTROLEERD  # companies have no BRP status


def test_brp_plat_laat_blok_ongewijzigd(fake):
    debiteur = persoon(VERHUISD)
    fake.modus = "down"
    with pytest.raises(AdressenNietBeschikbaar) as fout:
        adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    assert "BRP" in str(fout.value) and fake.brp_api_key not in str(fout.value)
    debiteur.refresh_from_db()
    assert debiteur.brief_adres_id is None and debiteur.adres_gecontroleerd_op is None
    assert not DebiteurAdres.objects.exists()


def test_kvk_plat_geeft_adressen_niet_beschikbaar(fake):
    postbus = bedrijf(POSTBUS)
    fake.modus = "down"
    with pytest.raises(AdressenNietBeschikbaar):
        adressen_verversen(debiteur_ids=[postbus.pk], door="test")
    assert not DebiteurAdres.objects.exists()


def test_eerdere_blokken_blijven_bij_storing_later(fake, monkeypatch):
    monkeypatch.setattr(adressen_service, "BLOK", 2)
    debiteuren = [persoon(GEWOON), persoon(VERHUISD), persoon(GEHEIM)]
    # The first block takes one call; the next three attempts (all retries) get a 503.
    origineel = adressen_service._blok_schrijven

    def daarna_storing(*args, **kwargs):
        origineel(*args, **kwargs)
        fake.storingen = 3

    monkeypatch.setattr(adressen_service, "_blok_schrijven", daarna_storing)
    with pytest.raises(AdressenNietBeschikbaar):
        adressen_verversen(debiteur_ids=[d.pk for d in debiteuren], door="test")
    ververst = set(Debiteur.objects.filter(brief_adres__isnull=False).values_list("pk", flat=True))
    assert ververst == {debiteuren[0].pk, debiteuren[1].pk}


def test_time_out_is_begrensd(fake, settings):
    settings.BRP_TIMEOUT = 0.2
    fake.modus = "traag"
    debiteur = persoon(GEWOON)
    begin = time.monotonic()
    with pytest.raises(AdressenNietBeschikbaar) as fout:
        adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    # Three attempts of 0.2 s plus the short waits between them, far below the fake's 2 s.
    assert time.monotonic() - begin < 1.8
    assert "time-out" in str(fout.value)
    assert not DebiteurAdres.objects.exists()


def test_zonder_instellingen_niets(settings, basisregistraties_fake):
    settings.BRP_API_URL = settings.KVK_API_URL = ""
    debiteur = persoon(GEWOON)
    uitkomst = adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    assert uitkomst.niet_geconfigureerd
    assert (uitkomst.gecontroleerd, uitkomst.gewijzigd) == (0, 0)
    assert basisregistraties_fake.verzoeken == []
    debiteur.refresh_from_db()
    assert debiteur.adres_gecontroleerd_op is None


def test_aantal_brp_verzoeken_en_queries(fake):
    fake.genereer_onbekende = True
    bsns = [b for b in (f"{n:09d}" for n in range(100_000_000, 100_010_000)) if _elfproef(b)]
    debiteuren = [persoon(bsn) for bsn in bsns[:45]]
    with CaptureQueriesContext(connection) as queries:
        uitkomst = adressen_verversen(debiteur_ids=[d.pk for d in debiteuren], door="test")
    assert uitkomst.gecontroleerd == uitkomst.gewijzigd == 45
    assert len(fake.brp_verzoeken()) == math.ceil(45 / 20)
    assert fake.bsns_per_verzoek() == [20, 20, 5]
    assert DebiteurAdres.objects.count() == 45
    assert len(queries) < 15  # set-based: a fixed number of statements per block


def _elfproef(bsn: str) -> bool:
    return sum(int(c) * w for c, w in zip(bsn, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11 == 0


# --- letters --------------------------------------------------------------------------------------


def test_briefgegevens_gebruiken_brp_adres_en_aanhef(fake):
    debiteur = persoon(VERHUISD, geslachtsnaam="Burg", voorletters="J.")
    adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    debiteur = Debiteur.objects.select_related("brief_adres").get(pk=debiteur.pk)
    gegevens = debiteur_gegevens(debiteur)
    assert gegevens["naam"] == "J. van der Burg"
    assert gegevens["adresregels"] == ["Haagse Reigerstraat 31 a-2", "1628 HJ  HOORN"]
    assert gegevens["aanhef"] == "Geachte mevrouw Van der Burg"
    html = brief_render_html(brief=Brief(soort="herinnering", gegevens=_gegevens(gegevens)))
    assert "Geachte mevrouw Van der Burg," in html and "Haagse Reigerstraat 31 a-2" in html


@pytest.mark.parametrize(
    "geslacht, aanhef",
    [
        (Geslachtsaanduiding.MAN, "Geachte heer Van Dijk"),
        (Geslachtsaanduiding.VROUW, "Geachte mevrouw Van Dijk"),
        (Geslachtsaanduiding.ONBEKEND, "Geachte heer/mevrouw"),
    ],
)
def test_aanhef_zonder_brp(geslacht, aanhef):
    debiteur = DebiteurFactory.build(
        geslachtsnaam="Dijk", voorvoegsel_geslachtsnaam="van", voorletters="K.",
        geslachtsaanduiding=geslacht,
    )  # fmt: skip
    gegevens = debiteur_gegevens(debiteur)
    assert gegevens["aanhef"] == aanhef
    assert gegevens["naam"] == "K. van Dijk"
    assert gegevens["adresregels"] == debiteur.adres_regels


def test_aanhef_zonder_geladen_geslacht_kost_geen_query(django_assert_num_queries):
    DebiteurFactory(geslachtsaanduiding=Geslachtsaanduiding.VROUW)
    # The fields the run loads (invordering._plan_batch), without geslachtsaanduiding.
    debiteur = (
        Debiteur.objects.select_related("brief_adres")
        .only(
            "brief_adres", "soort", "debiteurnummer", "geslachtsnaam", "voorvoegsel_geslachtsnaam",
            "voorletters", "aanduiding_naamgebruik", "geslachtsnaam_partner",
            "voorvoegsel_geslachtsnaam_partner", "statutaire_naam", "straatnaam", "huisnummer",
            "huisletter", "huisnummertoevoeging", "postcode", "woonplaats", "land",
            "adresregel_buitenland_1", "adresregel_buitenland_2", "adresregel_buitenland_3",
        )
        .get()
    )  # fmt: skip
    with django_assert_num_queries(0):
        assert debiteur_gegevens(debiteur)["aanhef"] == "Geachte heer/mevrouw"


def test_oude_brief_zonder_aanhef_rendert_zoals_voorheen():
    debiteur = {"naam": "H. Öztürk", "adresregels": ["Dorpsstraat 12"], "debiteurnummer": ""}
    html = brief_render_html(brief=Brief(soort="herinnering", gegevens=_gegevens(debiteur)))
    assert "Geachte heer/mevrouw," in html


def test_brieven_create_legt_het_gebruikte_adres_vast(fake):
    from inningen.invordering.services.brieven import brieven_create

    vordering = vordering_maken()
    debiteur = persoon(GEWOON)
    adressen_verversen(debiteur_ids=[debiteur.pk], door="test")
    debiteur.refresh_from_db()
    met_instantie = Brief(
        organisatie=vordering.organisatie, debiteur=debiteur, soort="herinnering",
        datum=vordering.creatiedatum, gegevens={},
    )  # fmt: skip
    met_id = Brief(
        organisatie=vordering.organisatie, debiteur_id=debiteur.pk, soort="herinnering",
        datum=vordering.creatiedatum, gegevens={},
    )  # fmt: skip
    brieven_create(brieven=[met_instantie, met_id])
    assert set(Brief.objects.values_list("adres_id", flat=True)) == {debiteur.brief_adres_id}


def _gegevens(debiteur: dict) -> dict:
    return {
        "soort": "herinnering", "datum": "2026-11-22", "onderwerp": "Herinnering",
        "organisatie": {"naam": "Gemeente", "rsin": "", "iban": "", "incassant_id": ""},
        "debiteur": debiteur, "vorderingen": [], "totaal": 0,
    }  # fmt: skip


# --- work list --------------------------------------------------------------------------------


def test_werklijst_adres_in_onderzoek(fake):
    from inningen.organisaties.services.rollen import roles_ensure

    roles_ensure()
    org, andere = OrganisatieFactory(), OrganisatieFactory()
    overleden, gewoon = persoon(OVERLEDEN), persoon(GEWOON)
    eigen = vordering_maken(org)
    betaald = vordering_maken(org)
    van_ander = vordering_maken(andere)
    in_orde = vordering_maken(org)
    Vordering.objects.filter(pk__in=[eigen.pk, betaald.pk, van_ander.pk]).update(debiteur=overleden)
    Vordering.objects.filter(pk=in_orde.pk).update(debiteur=gewoon)
    Vordering.objects.filter(pk=betaald.pk).update(status=VorderingStatus.BETAALD)
    adressen_verversen(debiteur_ids=[overleden.pk, gewoon.pk], door="test")

    gebruiker = gebruiker_maken("balie", "baliemedewerker", org)
    rijen = list(adres_in_onderzoek(gebruiker))
    assert [r.pk for r in rijen] == [eigen.pk]
    assert rijen[0].reden == "Overleden"
    assert rijen[0].adresstatus == Adresstatus.OVERLEDEN
