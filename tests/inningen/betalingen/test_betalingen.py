"""Bank statements matched to claims: every rule, allocation order, partial/over/split payments,
reversals, idempotency and refusal of bad files. All files are generated (invented people)."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from inningen import betalingskenmerk as bk
from inningen.betalingen.models import Afschrift, Betaling, Matchinstelling
from inningen.betalingen.services.afschriften import AfschriftFout, afschrift_import, cent_uit, euro
from inningen.betalingen.services.betalingen import (
    BetalingFout,
    betaling_allocate,
    betaling_park,
    betaling_refund_mark,
)
from inningen.choices import (
    BetalingStatus,
    Boekingdeel,
    Boekingsoort,
    Invorderingsregime,
    MachtigingStatus,
    Matchregel,
    VorderingStatus,
)
from inningen.debiteuren.models import DebiteurRekening, Machtiging
from inningen.grootboek.models import Boeking, Vordering, Vorderingstatus
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.vorderingen import TermijnInvoer
from inningen.organisaties.models import Bankrekening
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053, mt940

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
DEB_IBAN = "NL20INGB0001234567"
ANDER_IBAN = "NL44RABO0123456789"


@pytest.fixture
def org():
    organisatie = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=organisatie, iban=ORG_IBAN)
    return organisatie


@pytest.fixture
def deb():
    debiteur = DebiteurFactory()
    DebiteurRekening.objects.create(debiteur=debiteur, iban=DEB_IBAN)
    return debiteur


def importeer(inhoud: bytes):
    return afschrift_import(inhoud=inhoud, door="test")


def assert_grootboek_sluit():
    """Every cent of every entry is booked: its Boekingen sum to minus its amount (ignored
    debits aside), and each claim's open amount is the sum of its Boekingen."""
    for b in Betaling.objects.exclude(status=BetalingStatus.GENEGEERD):
        som = Boeking.objects.filter(betaling=b).saldo()
        assert som == -b.bedrag, (b, som)
        rest = -Boeking.objects.filter(betaling=b, vordering__isnull=True).saldo()
        toegerekend = -Boeking.objects.filter(betaling=b, vordering__isnull=False).saldo()
        assert toegerekend + rest == b.bedrag
    for v in Vordering.objects.all():
        assert v.openstaand_bedrag == Boeking.objects.filter(vordering=v).saldo()


# --- betalingskenmerk ----------------------------------------------------------------------------


def test_betalingskenmerk_controlecijfer_en_decodering():
    kenmerk = bk.betalingskenmerk(123456, 3)
    assert len(kenmerk) == 16 and kenmerk.isdigit()
    assert bk.is_valid_betalingskenmerk(kenmerk)
    assert bk.decode(bk.formatteer(kenmerk)) == (123456, 3)
    # Hand computation: digits 000000012345603 from the right x 2,4,8,5,10,9,7,3,6,1,2,4,...
    vijftien = "000000012345603"
    gewichten = [2, 4, 8, 5, 10, 9, 7, 3, 6, 1, 2, 4, 8, 5, 10]
    totaal = sum(int(c) * w for c, w in zip(reversed(vijftien), gewichten, strict=True))
    verwacht = {11: 0, 10: 1}.get(11 - totaal % 11, 11 - totaal % 11)
    assert kenmerk == f"{verwacht}{vijftien}"
    fout = str((int(kenmerk[0]) + 1) % 10) + kenmerk[1:]
    assert not bk.is_valid_betalingskenmerk(fout)
    assert not bk.is_valid_betalingskenmerk("12345")
    assert bk.kenmerken_in("Betaling kenmerk " + bk.formatteer(kenmerk) + " dank") == [kenmerk]


def test_vordering_en_termijn_hebben_een_kenmerk(org):
    v = vordering_maken(
        org,
        invorderingsregime=Invorderingsregime.TERMIJNVERVOLGING,
        termijnen=[TermijnInvoer(bedrag=6050), TermijnInvoer(bedrag=6050)],
    )
    assert bk.decode(v.betalingskenmerk) == (v.pk, 0)
    assert bk.decode(v.termijnen.get(volgnummer=2).betalingskenmerk) == (v.pk, 2)


def test_cent_uit_en_euro_zijn_exact():
    assert cent_uit("121.00") == 12100
    assert cent_uit("0,1") == 10
    assert cent_uit("19.99") == 1999
    with pytest.raises(AfschriftFout):
        cent_uit("1.005")
    assert euro(123456789) == "€ 1.234.567,89"


# --- matching rules ------------------------------------------------------------------------------


def test_kenmerk_volledige_betaling_zet_bet(org, deb):
    v = vordering_maken(org, debiteur=deb)
    r = importeer(
        camt053(ORG_IBAN, [{"bedrag": 12100, "kenmerk": v.betalingskenmerk, "iban": ANDER_IBAN}])
    )
    assert r.verwerking.gematcht == 1 and r.verwerking.bedrag_toegerekend == 12100
    v.refresh_from_db()
    assert v.openstaand_bedrag == 0 and v.status == VorderingStatus.BETAALD
    laatste = Vorderingstatus.objects.filter(vordering=v).last()
    assert (laatste.status, laatste.totaal_betaald, laatste.deel_bedrag_betaald) == (
        "BET",
        12100,
        12100,
    )
    b = Betaling.objects.get()
    assert (b.status, b.matchregel, b.restbedrag, b.debiteur) == ("toegerekend", "kenmerk", 0, deb)
    assert_grootboek_sluit()


def test_kenmerk_in_end_to_end_id_of_omschrijving(org):
    v1, v2 = vordering_maken(org), vordering_maken(org)
    importeer(
        camt053(
            ORG_IBAN,
            [
                {"bedrag": 12100, "e2e": v1.betalingskenmerk},
                {
                    "bedrag": 12100,
                    "tekst": f"betaling kenmerk {bk.formatteer(v2.betalingskenmerk)}",
                },
            ],
        )
    )
    assert set(Betaling.objects.values_list("matchregel", flat=True)) == {"kenmerk"}
    assert Vordering.objects.filter(pk__in=[v1.pk, v2.pk], openstaand_bedrag=0).count() == 2


def test_kenmerk_van_andere_organisatie_matcht_niet(org):
    ander = vordering_maken(OrganisatieFactory())
    importeer(camt053(ORG_IBAN, [{"bedrag": 12100, "kenmerk": ander.betalingskenmerk}]))
    assert Betaling.objects.get().status == BetalingStatus.ONGEMATCHT
    ander.refresh_from_db()
    assert ander.openstaand_bedrag == 12100


def test_nummer_in_omschrijving_deelbetaling(org):
    v = vordering_maken(org, vorderingnummer="PRK-2026-000123", factuurnummer="F2026-77")
    importeer(camt053(ORG_IBAN, [{"bedrag": 5000, "tekst": "Factuur F2026-77 deel 1"}]))
    v.refresh_from_db()
    assert v.openstaand_bedrag == 7100 and v.status == VorderingStatus.VERWERKT
    laatste = Vorderingstatus.objects.filter(vordering=v).last()
    assert (laatste.status, laatste.deel_bedrag_betaald, laatste.totaal_betaald) == (
        "VRW",
        5000,
        5000,
    )
    assert Betaling.objects.get().matchregel == Matchregel.NUMMER
    importeer(
        camt053(ORG_IBAN, [{"bedrag": 7100, "tekst": "restant PRK-2026-000123"}], ident="AFS-2")
    )
    v.refresh_from_db()
    assert v.status == VorderingStatus.BETAALD
    assert Vorderingstatus.objects.filter(vordering=v).last().totaal_betaald == 12100
    assert_grootboek_sluit()


def test_iban_en_bedrag(org, deb):
    v = vordering_maken(org, debiteur=deb)
    vordering_maken(org, debiteur=deb, regels=None, totaalbedrag_incl_btw=12100)  # same amount...
    importeer(camt053(ORG_IBAN, [{"bedrag": 12100, "iban": DEB_IBAN, "tekst": "zonder kenmerk"}]))
    # ...two open claims of 121,00: ambiguous, so the work list
    assert Betaling.objects.get().status == BetalingStatus.ONGEMATCHT
    v.refresh_from_db()
    assert v.openstaand_bedrag == 12100


def test_iban_en_bedrag_eenduidig_ook_op_termijn(org, deb):
    v = vordering_maken(
        org,
        debiteur=deb,
        invorderingsregime=Invorderingsregime.TERMIJNVERVOLGING,
        termijnen=[
            TermijnInvoer(bedrag=6050, datum=datetime.date(2026, 1, 1)),
            TermijnInvoer(bedrag=6050, datum=datetime.date(2026, 2, 1)),
        ],
    )
    importeer(camt053(ORG_IBAN, [{"bedrag": 6050, "iban": DEB_IBAN}]))
    b = Betaling.objects.get()
    assert (b.status, b.matchregel) == ("toegerekend", "iban")
    t1 = Boeking.objects.get(betaling=b, vordering=v).termijn
    assert t1.volgnummer == 1  # oldest termijn first


def test_matchvolgorde_per_organisatie(org, deb):
    v_kenmerk = vordering_maken(org, debiteur=deb)
    v_nummer = vordering_maken(org, vorderingnummer="NR-555-XY")
    Matchinstelling.objects.create(organisatie=org, volgorde=["nummer", "kenmerk"])
    importeer(
        camt053(
            ORG_IBAN,
            [{"bedrag": 1000, "kenmerk": v_kenmerk.betalingskenmerk, "tekst": "NR-555-XY"}],
        )
    )
    v_nummer.refresh_from_db()
    assert v_nummer.openstaand_bedrag == 11100
    Matchinstelling.objects.filter(organisatie=org).update(volgorde=["iban"])
    importeer(
        camt053(ORG_IBAN, [{"bedrag": 1000, "kenmerk": v_kenmerk.betalingskenmerk}], ident="AFS-2")
    )
    assert (
        Betaling.objects.get(afschrift__identificatie="AFS-2").status == BetalingStatus.ONGEMATCHT
    )


# --- allocation ----------------------------------------------------------------------------------


def _boek(v, soort, bedrag):
    boekingen_create(
        boekingen=[
            Boeking(
                organisatie=v.organisatie,
                vordering=v,
                soort=soort,
                boekdatum=datetime.date(2026, 11, 1),
                bedrag_incl_btw=bedrag,
                bedrag_excl_btw=bedrag,
                bedrag_btw=0,
                boekingssleutel=soort.upper(),
                door="test",
            )
        ]
    )


def test_toerekening_kosten_rente_hoofdsom_termijnen(org):
    v = vordering_maken(
        org,
        invorderingsregime=Invorderingsregime.TERMIJNVERVOLGING,
        termijnen=[
            TermijnInvoer(bedrag=6050, vervaldatum=datetime.date(2027, 3, 1)),
            TermijnInvoer(bedrag=6050, vervaldatum=datetime.date(2027, 2, 1)),
        ],
    )
    _boek(v, Boekingsoort.KOSTEN, 1500)
    _boek(v, Boekingsoort.RENTE, 250)
    importeer(camt053(ORG_IBAN, [{"bedrag": 5000, "kenmerk": v.betalingskenmerk}]))
    rijen = list(
        Boeking.objects.filter(betaling__isnull=False)
        .order_by("pk")
        .values_list("deel", "bedrag_incl_btw", "termijn__volgnummer")
    )
    # costs, interest, then the termijn that falls due first (volgnummer 2)
    assert rijen == [("kosten", -1500, None), ("rente", -250, None), ("hoofdsom", -3250, 2)]
    importeer(camt053(ORG_IBAN, [{"bedrag": 5000, "kenmerk": v.betalingskenmerk}], ident="AFS-2"))
    rijen = list(
        Boeking.objects.filter(betaling__afschrift__identificatie="AFS-2")
        .order_by("pk")
        .values_list("deel", "bedrag_incl_btw", "termijn__volgnummer")
    )
    assert rijen == [("hoofdsom", -2800, 2), ("hoofdsom", -2200, 1)]
    assert_grootboek_sluit()


def test_overbetaling_wordt_tegoed_van_debiteur(org, deb):
    v = vordering_maken(org, debiteur=deb)
    r = importeer(camt053(ORG_IBAN, [{"bedrag": 15000, "kenmerk": v.betalingskenmerk}]))
    assert r.verwerking.bedrag_tegoed == 2900
    b = Betaling.objects.get()
    assert (b.status, b.restbedrag, b.debiteur) == (BetalingStatus.TEGOED, 2900, deb)
    tegoed = Boeking.objects.get(betaling=b, vordering__isnull=True)
    assert (tegoed.deel, tegoed.debiteur, tegoed.bedrag_incl_btw) == (
        Boekingdeel.TEGOED,
        deb,
        -2900,
    )
    v.refresh_from_db()
    assert v.status == VorderingStatus.BETAALD
    assert_grootboek_sluit()


def test_betaling_van_al_betaalde_vordering_is_tegoed(org, deb):
    v = vordering_maken(org, debiteur=deb)
    importeer(camt053(ORG_IBAN, [{"bedrag": 12100, "kenmerk": v.betalingskenmerk}]))
    importeer(camt053(ORG_IBAN, [{"bedrag": 12100, "kenmerk": v.betalingskenmerk}], ident="AFS-2"))
    assert Betaling.objects.get(afschrift__identificatie="AFS-2").status == BetalingStatus.TEGOED
    assert Vorderingstatus.objects.filter(vordering=v, status="BET").count() == 1
    assert_grootboek_sluit()


def test_verzamelpost_wordt_per_transactie_gematcht(org):
    v1, v2 = vordering_maken(org), vordering_maken(org)
    importeer(
        camt053(
            ORG_IBAN,
            [
                {
                    "verzamel": [
                        {"bedrag": 12100, "e2e": v1.betalingskenmerk},
                        {"bedrag": 2100, "e2e": v2.betalingskenmerk},
                    ]
                }
            ],
        )
    )
    assert Betaling.objects.count() == 2
    v2.refresh_from_db()
    assert v2.openstaand_bedrag == 10000


# --- the work list -------------------------------------------------------------------------------


def test_handmatig_splitsen_parkeren_terugbetalen(org, deb):
    v1, v2 = vordering_maken(org, debiteur=deb), vordering_maken(org)
    importeer(
        camt053(
            ORG_IBAN,
            [
                {"bedrag": 20000, "iban": ANDER_IBAN, "tekst": "diverse"},
                {"bedrag": 500, "iban": ANDER_IBAN, "tekst": "?"},
                {"bedrag": 700, "tekst": "??"},
            ],
        )
    )
    groot, klein, zonder = Betaling.objects.order_by("volgnummer")
    assert groot.status == BetalingStatus.ONGEMATCHT and groot.restbedrag == 20000
    with pytest.raises(BetalingFout):
        betaling_allocate(betaling=groot, toewijzingen=[(v1, 15000), (v2, 6000)], door="inv")
    groot.refresh_from_db()
    assert (groot.restbedrag, groot.status) == (20000, BetalingStatus.ONGEMATCHT)
    assert not Boeking.objects.filter(vordering__in=[v1, v2], soort=Boekingsoort.BETALING).exists()
    betaling_allocate(betaling=groot, toewijzingen=[(v1, 12100), (v2, 5000)], door="inv")
    groot.refresh_from_db()
    assert (groot.restbedrag, groot.status) == (2900, BetalingStatus.ONGEMATCHT)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.openstaand_bedrag) == (VorderingStatus.BETAALD, 7100)
    betaling_allocate(betaling=groot, toewijzingen=[(v2, 2900)], door="inv")
    groot.refresh_from_db()
    assert (groot.restbedrag, groot.status) == (0, BetalingStatus.TOEGEREKEND)
    betaling_park(betaling=klein, door="inv", opmerking="navragen")
    klein.refresh_from_db()
    assert klein.status == BetalingStatus.GEPARKEERD
    betaling_refund_mark(betaling=klein, door="inv")
    with pytest.raises(BetalingFout):
        betaling_refund_mark(betaling=zonder, door="inv")  # no account to refund to
    assert Betaling.objects.get(pk=klein.pk).status == BetalingStatus.TERUGBETALEN
    assert Betaling.objects.get(pk=zonder.pk).status == BetalingStatus.ONGEMATCHT
    assert_grootboek_sluit()


# --- reversals, storno's and mandates -------------------------------------------------------------


def test_storno_heropent_vordering_en_schort_machtiging_op_na_twee(org, deb):
    m = Machtiging.objects.create(
        organisatie=org,
        debiteur=deb,
        kenmerk="M-1",
        afgiftedatum=datetime.date(2025, 1, 1),
        iban=DEB_IBAN,
    )
    v = vordering_maken(org, debiteur=deb)
    Vordering.objects.filter(pk=v.pk).update(machtiging=m)
    kenmerk = v.betalingskenmerk
    importeer(camt053(ORG_IBAN, [{"bedrag": 12100, "e2e": kenmerk, "iban": DEB_IBAN}], ident="A1"))
    v.refresh_from_db()
    assert v.status == VorderingStatus.BETAALD
    r = importeer(
        camt053(
            ORG_IBAN,
            [{"bedrag": -12100, "e2e": kenmerk, "retour": "MD06", "iban": DEB_IBAN}],
            ident="A2",
        )
    )
    assert r.verwerking.terugboekingen == 1
    v.refresh_from_db()
    assert (v.openstaand_bedrag, v.status) == (12100, VorderingStatus.VERWERKT)
    storno = Boeking.objects.filter(soort=Boekingsoort.STORNO).get()
    assert "MD06" in storno.omschrijving and storno.tegenboeking_van is not None
    assert Betaling.objects.get(afschrift__identificatie="A1").status == BetalingStatus.TERUGGEBOEKT
    m.refresh_from_db()
    assert (m.opeenvolgende_stornos, m.status) == (1, MachtigingStatus.ACTIEF)
    importeer(camt053(ORG_IBAN, [{"bedrag": 12100, "e2e": kenmerk}], ident="A3"))
    importeer(camt053(ORG_IBAN, [{"bedrag": -12100, "e2e": kenmerk, "retour": "AM04"}], ident="A4"))
    m.refresh_from_db()
    assert (m.opeenvolgende_stornos, m.status) == (2, MachtigingStatus.OPGESCHORT)
    assert "AM04" in m.opmerking
    assert_grootboek_sluit()


def test_terugboeking_van_overbetaling_haalt_ook_tegoed_terug(org, deb):
    v = vordering_maken(org, debiteur=deb)
    importeer(camt053(ORG_IBAN, [{"bedrag": 15000, "kenmerk": v.betalingskenmerk}], ident="A1"))
    importeer(
        camt053(
            ORG_IBAN,
            [{"bedrag": -15000, "kenmerk": v.betalingskenmerk, "retour": "AC04"}],
            ident="A2",
        )
    )
    assert Boeking.objects.filter(debiteur=deb).saldo() == 0
    v.refresh_from_db()
    assert v.openstaand_bedrag == 12100
    assert_grootboek_sluit()


def test_afschrijving_zonder_referentie_is_geen_ontvangst(org):
    importeer(camt053(ORG_IBAN, [{"bedrag": -350, "tekst": "bankkosten"}]))
    b = Betaling.objects.get()
    assert b.status == BetalingStatus.GENEGEERD and not Boeking.objects.filter(betaling=b).exists()


# --- files: formats, idempotency, refusal --------------------------------------------------------


def test_camt_053_001_08(org):
    v = vordering_maken(org)
    importeer(
        camt053(
            ORG_IBAN,
            [{"bedrag": 12100, "kenmerk": v.betalingskenmerk, "naam": "B. Voorbeeld"}],
            versie="08",
        )
    )
    b = Betaling.objects.get()
    assert (b.naam, b.status) == ("B. Voorbeeld", BetalingStatus.TOEGEREKEND)


def test_mt940_nederlandse_omschrijving(org, deb):
    v = vordering_maken(org, debiteur=deb, vorderingnummer="VRD-9981")
    w = vordering_maken(org, debiteur=deb)
    r = importeer(
        mt940(
            ORG_IBAN,
            [
                {
                    "bedrag": 12100,
                    "kenmerk": v.betalingskenmerk,
                    "iban": DEB_IBAN,
                    "naam": "J. Jansen",
                },
                {"bedrag": 1000, "tekst": "Betreft VRD-9981 en nog wat", "iban": DEB_IBAN},
                {"bedrag": 100, "tekst": f"kenmerk {w.betalingskenmerk}", "iban": DEB_IBAN},
            ],
        )
    )
    assert (r.verwerking.posten, r.verwerking.gematcht) == (3, 3)
    b = Betaling.objects.order_by("volgnummer").first()
    assert (b.tegenrekening, b.naam, b.betalingskenmerk) == (
        DEB_IBAN,
        "J. Jansen",
        v.betalingskenmerk,
    )
    assert (
        Betaling.objects.get(volgnummer=2).status == BetalingStatus.TEGOED
    )  # v already paid in full
    assert Afschrift.objects.get().formaat == "mt940"
    assert_grootboek_sluit()


def test_zelfde_afschrift_twee_keer_verandert_niets(org):
    v = vordering_maken(org)
    inhoud = camt053(ORG_IBAN, [{"bedrag": 5000, "kenmerk": v.betalingskenmerk}])
    importeer(inhoud)

    def tellingen():
        return [m.objects.count() for m in (Afschrift, Betaling, Boeking, Vorderingstatus)]

    voor = tellingen()
    r = importeer(inhoud)
    assert r.al_ingelezen and "Al ingelezen" in r.samenvatting()
    # the same statement in another file too (another message id: not the same file); the same
    # statement id with other content is another statement (test_afschrift_identiteit.py)
    r = importeer(inhoud.replace(b"<MsgId>AFS-1</MsgId>", b"<MsgId>AFS-1-NOGMAALS</MsgId>"))
    assert r.al_ingelezen
    assert tellingen() == voor
    v.refresh_from_db()
    assert v.openstaand_bedrag == 12100 - 5000


@pytest.mark.parametrize(
    "inhoud, melding",
    [
        (b"<Document><kapot", "welgevormde XML"),
        (b"", "leeg"),
        (b"hallo wereld", "Onbekend bestandsformaat"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Document/>', "DOCTYPE"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"/>', "Geen CAMT.053"),
    ],
)
def test_kapotte_bestanden_worden_geweigerd(org, inhoud, melding):
    with pytest.raises(AfschriftFout, match=melding):
        importeer(inhoud)
    assert not Afschrift.objects.exists()


def test_onbekende_rekening_weigert_het_hele_bestand(org):
    with pytest.raises(AfschriftFout, match="geen rekening van een organisatie"):
        importeer(camt053("NL02ABNA0123456789", [{"bedrag": 100}]))
    assert not Afschrift.objects.exists()


def test_onleesbare_post_weigert_het_hele_bestand(org):
    v = vordering_maken(org)
    goed = camt053(ORG_IBAN, [{"bedrag": 12100, "kenmerk": v.betalingskenmerk}, {"bedrag": 500}])
    kapot = goed.replace(b'<Amt Ccy="EUR">5.00</Amt>', b'<Amt Ccy="EUR">vijf</Amt>')
    with pytest.raises(AfschriftFout, match="geen getal"):
        importeer(kapot)
    kapot = goed.replace(b'<Amt Ccy="EUR">5.00</Amt>', b'<Amt Ccy="USD">5.00</Amt>')
    with pytest.raises(AfschriftFout, match="EUR"):
        importeer(kapot)
    assert not Betaling.objects.exists() and not Afschrift.objects.exists()
    v.refresh_from_db()
    assert v.openstaand_bedrag == 12100


def test_mt940_onleesbare_post(org):
    goed = mt940(ORG_IBAN, [{"bedrag": 100, "tekst": "x"}])
    with pytest.raises(AfschriftFout):
        importeer(goed.replace(b":25:" + ORG_IBAN.encode(), b":25:123"))
    assert not Afschrift.objects.exists() and not Betaling.objects.exists()
    assert not Boeking.objects.filter(betaling__isnull=False).exists()


# --- command -------------------------------------------------------------------------------------


def test_commando_importeer_afschrift(org, tmp_path, capsys):
    v = vordering_maken(org)
    pad = tmp_path / "afschrift.xml"
    pad.write_bytes(
        camt053(ORG_IBAN, [{"bedrag": 12100, "kenmerk": v.betalingskenmerk}, {"bedrag": 250}])
    )
    call_command("importeer_afschrift", str(pad))
    uit = capsys.readouterr().out
    assert "2 posten: 1 gematcht, 1 ongematcht" in uit and "€ 121,00" in uit and "€ 2,50" in uit
    call_command("importeer_afschrift", str(pad))
    assert "Al ingelezen" in capsys.readouterr().out
    kapot = tmp_path / "kapot.xml"
    kapot.write_bytes(b"<x")
    with pytest.raises(CommandError, match="geweigerd"):
        call_command("importeer_afschrift", str(kapot))
    assert (
        Boeking.objects.filter(betaling__isnull=False).aggregate(s=Sum("bedrag_incl_btw"))["s"]
        == -12350
    )


def test_tegoed_lijst_en_verrekenen_met_andere_vordering(org, deb):
    from inningen.betalingen.selectors import tegoeden

    v = vordering_maken(org, debiteur=deb)
    w = vordering_maken(org, debiteur=deb)
    importeer(camt053(ORG_IBAN, [{"bedrag": 15000, "kenmerk": v.betalingskenmerk}]))
    assert tegoeden(organisaties=[org]) == [(deb.pk, 2900)]
    b = Betaling.objects.get()
    betaling_allocate(betaling=b, toewijzingen=[(w, 2900)], door="inv")
    b.refresh_from_db()
    w.refresh_from_db()
    assert (b.status, b.restbedrag, b.matchregel) == (BetalingStatus.TOEGEREKEND, 0, "kenmerk")
    assert w.openstaand_bedrag == 12100 - 2900
    assert tegoeden(organisaties=[org]) == []
    assert_grootboek_sluit()


def test_onbekende_storno_op_werklijst_en_parkeren(org):
    kenmerk = bk.betalingskenmerk(987654)  # valid, but no payment of ours carried it
    importeer(
        camt053(ORG_IBAN, [{"bedrag": -4000, "e2e": kenmerk, "retour": "AC04", "iban": DEB_IBAN}])
    )
    b = Betaling.objects.get()
    assert (b.status, b.restbedrag) == (BetalingStatus.ONGEMATCHT, -4000)
    with pytest.raises(BetalingFout):
        betaling_refund_mark(betaling=b, door="inv")
    b.refresh_from_db()
    assert (b.status, b.restbedrag) == (BetalingStatus.ONGEMATCHT, -4000)
    betaling_park(betaling=b, door="inv", opmerking="bank gebeld")
    b.refresh_from_db()
    assert b.status == BetalingStatus.GEPARKEERD
    assert_grootboek_sluit()


def test_deelbetaling_en_betaald_gaan_naar_de_tsa(org):
    """The StUF outbox picks up the status rows (deelbetaling, then BET) in the same transaction."""
    from stuffin.models import UitgaandBericht
    from stuffin.services.koppelingen import koppeling_upsert

    koppeling_upsert(
        applicatie="FACTUREN", rol="tsa", gebruikersnaam="facturen", wachtwoord="facturen-wachtwoord",
        tsa_codes=["facturatie"], url="http://127.0.0.1:9/stuf", vorderende_organisaties=[org.rsin],
    )  # fmt: skip
    v = vordering_maken(org)
    UitgaandBericht.objects.all().delete()  # the VRW of the registration
    importeer(camt053(ORG_IBAN, [{"bedrag": 5000, "kenmerk": v.betalingskenmerk}]))
    importeer(camt053(ORG_IBAN, [{"bedrag": 7100, "kenmerk": v.betalingskenmerk}], ident="AFS-2"))
    rijen = [
        (
            b.vorderingstatus.status,
            b.vorderingstatus.deel_bedrag_betaald,
            b.vorderingstatus.totaal_betaald,
        )
        for b in UitgaandBericht.objects.filter(vordering=v).order_by("pk")
    ]
    assert rijen == [("VRW", 5000, 5000), ("BET", 7100, 12100)]


@pytest.mark.parametrize("versie", ["02", "08"])
def test_niet_geboekte_posten_worden_overgeslagen(org, versie):
    inhoud = camt053(ORG_IBAN, [{"bedrag": 100}, {"bedrag": 200}], versie=versie)
    pdng = b"<Sts><Cd>PDNG</Cd></Sts>" if versie == "08" else b"<Sts>PDNG</Sts>"
    boek = b"<Sts><Cd>BOOK</Cd></Sts>" if versie == "08" else b"<Sts>BOOK</Sts>"
    r = importeer(inhoud.replace(boek, pdng, 1))
    assert r.verwerking.posten == 1 and Betaling.objects.get().bedrag == 200
