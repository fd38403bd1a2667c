"""What identifies a bank statement, and what happens to entries seen before (issue #16).

Finding 1: de Volksbank writes ``:20:0000000000`` and ``:28C:<day of year>/1``: the statement of
the same day one year later must be imported, a true duplicate stays a no-op, and an entry that
was already booked from another statement is flagged as overlap (stored, no ledger effect, on
the work list) instead of booked twice or dropped.
Finding 5: two statements sharing :20:/:28C: in one file import both (no IntegrityError).
Finding 6: outgoing payments are recorded, never matched, never on the work list, and counted
apart in the summary.
Differential: one payment set written as CAMT.053 and as MT940 books identically.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from inningen.betalingen.models import Afschrift, Betaling
from inningen.betalingen.selectors import werklijst_betalingen
from inningen.betalingen.services.afschriften import AfschriftFout, afschrift_import
from inningen.betalingen.services.betalingen import (
    BetalingFout,
    betaling_overlap_book,
    betaling_overlap_confirm,
)
from inningen.choices import BetalingStatus
from inningen.debiteuren.models import DebiteurRekening
from inningen.grootboek.models import Boeking, Vordering
from inningen.organisaties.models import Bankrekening
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053, mt940

pytestmark = pytest.mark.django_db

BESTANDEN = Path(__file__).resolve().parents[2] / "fixtures" / "bankbestanden"
SNS_IBAN = "NL16SNSB1234567809"
ASN_IBAN = "NL81ASNB9999999999"
ABN_IBAN = "NL02ABNA0123456789"
ORG_IBAN = "NL91ABNA0417164300"
DEB_IBAN = "NL20INGB0001234567"


def registreer(iban: str) -> Bankrekening:
    return Bankrekening.objects.create(organisatie=OrganisatieFactory(), iban=iban)


def bestand(pad: str) -> bytes:
    return (BESTANDEN / pad).read_bytes()


def jaar_later(inhoud: bytes) -> bytes:
    """The same MT940 file one year later (a test-made variant of the public file): every date
    in :60F:, :61: and :62F: moved one year on; ids, sequence numbers and amounts unchanged."""

    def verder(m: re.Match) -> str:
        return f"{m.group(1)}{int(m.group(2)) + 1:02d}"

    tekst = inhoud.decode("latin-1")
    tekst = re.sub(r"(:6[02][FM]:[CD])(\d\d)", verder, tekst)
    tekst = re.sub(r"(:61:)(\d\d)", verder, tekst)
    return tekst.encode("latin-1")


def importeer(inhoud: bytes, naam: str = "afschrift"):
    return afschrift_import(inhoud=inhoud, door="test", bestandsnaam=naam)


def grootboek_sluit():
    """Every booked entry's Boekingen sum to minus its amount; entries without ledger effect
    (outgoing payments, overlaps) have none."""
    zonder = (BetalingStatus.GENEGEERD, BetalingStatus.OVERLAP, BetalingStatus.DUBBEL)
    for b in Betaling.objects.all():
        som = Boeking.objects.filter(betaling=b).saldo()
        assert som == (0 if b.status in zonder else -b.bedrag), (b, b.status, som)
    for v in Vordering.objects.all():
        assert v.openstaand_bedrag == Boeking.objects.filter(vordering=v).saldo()


# --- finding 1: de Volksbank, one year later ------------------------------------------------------


@pytest.mark.parametrize("pad, iban", [("sns/sns.txt", SNS_IBAN), ("asn/mt940.txt", ASN_IBAN)])
def test_volksbank_afschrift_een_jaar_later_wordt_ingelezen(pad, iban):
    registreer(iban)
    eerste = importeer(bestand(pad))
    aantal, posten = len(eerste.afschriften), eerste.verwerking.posten
    assert aantal > 1 and posten > 0
    later = importeer(jaar_later(bestand(pad)))
    assert not later.al_ingelezen and not later.overgeslagen
    assert (len(later.afschriften), later.verwerking.posten) == (aantal, posten)
    assert later.verwerking.overlap == 0
    assert Afschrift.objects.count() == 2 * aantal
    # The same :20:/:28C: twice on one account, a year apart.
    assert Afschrift.objects.values("identificatie").distinct().count() < Afschrift.objects.count()
    assert Betaling.objects.exclude(status=BetalingStatus.OVERLAP).count() == 2 * posten
    grootboek_sluit()


def test_sns_een_jaar_later_boekt_het_geld():
    registreer(SNS_IBAN)
    importeer(bestand("sns/sns.txt"))
    importeer(jaar_later(bestand("sns/sns.txt")))
    ontvangen = Betaling.objects.filter(boekdatum__year=2015, bedrag__gt=0)
    assert sorted(ontvangen.values_list("bedrag", flat=True)) == [1245, 1000000, 1500000, 2000000]
    # Unmatched receipts: every cent on the work list, in the ledger as onverdeeld.
    assert Boeking.objects.filter(betaling__in=ontvangen).saldo() == -4501245
    grootboek_sluit()


def test_echt_dubbel_afschrift_verandert_niets():
    registreer(SNS_IBAN)
    importeer(bestand("sns/sns.txt"))
    voor = (Afschrift.objects.count(), Betaling.objects.count(), Boeking.objects.count())
    # The same statements in a file that differs (a checksum in the trailers): not the same file
    # hash, the same statements.
    anders = bestand("sns/sns.txt").replace(b"-}{5:}", b"-}{5:{CHK:0123456789AB}}")
    r = importeer(anders)
    assert r.al_ingelezen and len(r.overgeslagen) == voor[0]
    assert "Al ingelezen, niets gewijzigd" in r.samenvatting()
    assert (Afschrift.objects.count(), Betaling.objects.count(), Boeking.objects.count()) == voor


def test_zelfde_bestand_nogmaals_verandert_niets():
    registreer(ASN_IBAN)
    importeer(bestand("asn/mt940.txt"))
    voor = (Afschrift.objects.count(), Betaling.objects.count(), Boeking.objects.count())
    assert importeer(bestand("asn/mt940.txt")).al_ingelezen
    assert (Afschrift.objects.count(), Betaling.objects.count(), Boeking.objects.count()) == voor


def _opnieuw_verzonden(inhoud: bytes, volgnummer: bytes, nieuw: bytes) -> bytes:
    """One statement of the file sent again under another :28C: (a corrected re-send)."""
    blokken = inhoud.split(b"-}{5:}")
    (blok,) = [b for b in blokken if re.search(rb":28C:" + re.escape(volgnummer) + rb"\s", b)]
    return blok.replace(b":28C:" + volgnummer, b":28C:" + nieuw) + b"-}{5:}\r\n"


def test_overlap_wordt_gemarkeerd_niet_dubbel_geboekt_en_staat_op_werklijst():
    rekening = registreer(SNS_IBAN)
    importeer(bestand("sns/sns.txt"))
    boekingen = Boeking.objects.count()
    r = importeer(_opnieuw_verzonden(bestand("sns/sns.txt"), b"253/1", b"253/2"))
    (afschrift,) = r.afschriften
    assert (r.verwerking.posten, r.verwerking.overlap) == (1, 1)
    assert r.verwerking.bedrag_overlap == 1500000
    assert "1 overlap" in r.samenvatting() and "€ 15.000,00" in r.samenvatting()
    (b,) = afschrift.betalingen.all()
    eerder = Betaling.objects.exclude(pk=b.pk).get(bedrag=1500000)
    assert (b.status, b.restbedrag, b.overlap_met) == (BetalingStatus.OVERLAP, 0, eerder)
    assert afschrift.aantal_overlap == 1
    assert Boeking.objects.count() == boekingen  # no ledger effect
    lijst = werklijst_betalingen(organisaties=[rekening.organisatie], status="overlap")
    assert list(lijst) == [b]
    grootboek_sluit()


def test_overlap_bevestigen_of_toch_boeken():
    rekening = registreer(SNS_IBAN)
    importeer(bestand("sns/sns.txt"))
    importeer(_opnieuw_verzonden(bestand("sns/sns.txt"), b"253/1", b"253/2"))
    importeer(_opnieuw_verzonden(bestand("sns/sns.txt"), b"258/1", b"258/2"))
    dubbel, echt = Betaling.objects.filter(status=BetalingStatus.OVERLAP).order_by("boekdatum")
    betaling_overlap_confirm(betaling=dubbel, door="inv")
    dubbel.refresh_from_db()
    assert dubbel.status == BetalingStatus.DUBBEL and "inv" in dubbel.opmerking
    assert not Boeking.objects.filter(betaling=dubbel).exists()
    betaling_overlap_book(betaling=echt, door="inv")
    echt.refresh_from_db()
    assert (echt.status, echt.restbedrag) == (BetalingStatus.ONGEMATCHT, 1000000)
    assert Boeking.objects.filter(betaling=echt).saldo() == -1000000
    with pytest.raises(BetalingFout):
        betaling_overlap_book(betaling=echt, door="inv")
    org = [rekening.organisatie]
    assert not werklijst_betalingen(organisaties=org, status="overlap").exists()
    assert echt in werklijst_betalingen(organisaties=org, status="ongematcht")
    grootboek_sluit()


def test_overlap_ook_tussen_afschriften_van_een_bestand():
    registreer(SNS_IBAN)
    inhoud = bestand("sns/sns.txt")
    r = importeer(inhoud + _opnieuw_verzonden(inhoud, b"265/1", b"265/2"))
    assert (len(r.afschriften), r.verwerking.posten, r.verwerking.overlap) == (17, 5, 1)
    assert Betaling.objects.filter(bedrag=2000000).count() == 2
    assert Boeking.objects.filter(betaling__bedrag=2000000).saldo() == -2000000
    grootboek_sluit()


def test_overlap_in_camt_op_referentie():
    registreer(ORG_IBAN)
    dag = datetime.date(2026, 11, 20)
    a = {"bedrag": 5000, "iban": DEB_IBAN, "e2e": "E2E-1", "datum": dag}
    b = {"bedrag": 700, "iban": DEB_IBAN, "e2e": "E2E-2", "datum": dag}
    c = {"bedrag": 700, "iban": DEB_IBAN, "e2e": "E2E-3", "datum": dag}
    importeer(camt053(ORG_IBAN, [a, b], ident="DAG-1"))
    # An intraday statement, then the day's statement repeating both and adding a third.
    r = importeer(camt053(ORG_IBAN, [a, b, c], ident="DAG-1-EIND"))
    assert (r.verwerking.posten, r.verwerking.overlap, r.verwerking.ongematcht) == (3, 2, 1)
    assert Betaling.objects.filter(status=BetalingStatus.OVERLAP).count() == 2
    grootboek_sluit()


def test_overlap_in_mt940_op_bankreferentie():
    """No end-to-end id: the bank's reference (after // in :61:) and the counterparty decide.
    The bank sends the day's statement again with one entry more, under the same :20:/:28C:."""
    registreer(ORG_IBAN)
    a = {"bedrag": 5000, "iban": DEB_IBAN, "tekst": "een"}
    b = {"bedrag": 700, "iban": DEB_IBAN, "tekst": "twee"}
    c = {"bedrag": 900, "naam": "C. Derde", "tekst": "drie"}
    importeer(mt940(ORG_IBAN, [a, b], ident="940S261120"))
    r = importeer(mt940(ORG_IBAN, [a, b, c], ident="940S261120"))
    assert (len(r.afschriften), r.verwerking.overlap, r.verwerking.ontvangsten) == (1, 2, 1)
    assert Boeking.objects.filter(betaling__isnull=False).saldo() == -6600
    grootboek_sluit()


# --- finding 5: two statements with the same :20:/:28C: in one file -------------------------------


def test_twee_afschriften_met_zelfde_id_in_een_bestand():
    registreer(SNS_IBAN)
    inhoud = bestand("sns/sns.txt")
    r = importeer(inhoud + jaar_later(inhoud))
    assert len(r.afschriften) == 32 and r.verwerking.posten == 8
    assert Afschrift.objects.filter(identificatie="0000000000/253/1").count() == 2
    grootboek_sluit()


def test_zelfde_afschrift_twee_keer_in_een_bestand_wordt_geweigerd():
    registreer(SNS_IBAN)
    inhoud = bestand("sns/sns.txt")
    dubbel = inhoud + _opnieuw_verzonden(inhoud, b"253/1", b"253/1")
    with pytest.raises(AfschriftFout, match=r"253/1.*twee keer"):
        importeer(dubbel)
    assert not Afschrift.objects.exists() and not Betaling.objects.exists()


def test_commando_twee_afschriften_met_zelfde_id_geen_traceback(tmp_path, capsys):
    registreer(SNS_IBAN)
    pad = tmp_path / "sns2.txt"
    inhoud = bestand("sns/sns.txt")
    pad.write_bytes(inhoud + jaar_later(inhoud))
    call_command("importeer_afschrift", str(pad))
    assert "32 afschrift(en)" in capsys.readouterr().out


# --- finding 6: outgoing payments ---------------------------------------------------------------


def test_afschrijvingen_niet_op_werklijst_en_apart_geteld():
    rekening = registreer(ABN_IBAN)
    r = importeer(bestand("abnamro/anb_sepa_overboeking_belastingdienst.txt"))
    v = r.verwerking
    assert (v.posten, v.ontvangsten, v.afschrijvingen, v.ongematcht) == (2, 0, 2, 0)
    assert (v.bedrag_ontvangen, v.bedrag_afgeschreven, v.bedrag_ongematcht) == (0, 65000, 0)
    tekst = r.samenvatting()
    assert "0 ontvangsten" in tekst and "2 afschrijvingen" in tekst and "€ 650,00" in tekst
    assert set(Betaling.objects.values_list("status", flat=True)) == {BetalingStatus.GENEGEERD}
    assert not Boeking.objects.exists()
    for status in ("ongematcht", "geparkeerd", "terugbetalen", "overlap"):
        assert not werklijst_betalingen(organisaties=[rekening.organisatie], status=status)


def test_afschrijving_met_geldig_kenmerk_van_een_ander_niet_op_werklijst():
    """A transfer to the Belastingdienst carries its (valid) betalingskenmerk: a payment of ours,
    not a receipt nor a storno."""
    from inningen import betalingskenmerk as bk

    rekening = registreer(ORG_IBAN)
    kenmerk = bk.betalingskenmerk(5550001)  # valid check digit, no claim of ours
    r = importeer(
        camt053(
            ORG_IBAN,
            [{"bedrag": -50000, "kenmerk": kenmerk, "naam": "Belastingdienst", "e2e": "BD-1"}],
        )
    )
    assert (r.verwerking.afschrijvingen, r.verwerking.ongematcht) == (1, 0)
    assert Betaling.objects.get().status == BetalingStatus.GENEGEERD
    assert not Boeking.objects.exists()
    assert not werklijst_betalingen(organisaties=[rekening.organisatie], status="ongematcht")


def test_afschrijving_met_ons_kenmerk_wordt_niet_gematcht():
    """An outgoing payment carrying one of our claims' kenmerk (a refund we made) is not a
    receipt: not matched, not on the work list; the claim is untouched."""
    rekening = registreer(ORG_IBAN)
    v = vordering_maken(rekening.organisatie)
    r = importeer(camt053(ORG_IBAN, [{"bedrag": -2500, "kenmerk": v.betalingskenmerk}]))
    assert (r.verwerking.afschrijvingen, r.verwerking.ongematcht) == (1, 0)
    assert Betaling.objects.get().status == BetalingStatus.GENEGEERD
    v.refresh_from_db()
    assert v.openstaand_bedrag == 12100 and not Boeking.objects.filter(betaling__isnull=False)


def test_commando_telt_ontvangsten_en_afschrijvingen(tmp_path, capsys):
    registreer(ABN_IBAN)
    pad = tmp_path / "abn.txt"
    pad.write_bytes(bestand("abnamro/anb_sepa_overboeking_belastingdienst.txt"))
    call_command("importeer_afschrift", str(pad))
    uit = capsys.readouterr().out
    assert "0 ongematcht" in uit and "0 ontvangsten € 0,00" in uit
    assert "2 afschrijvingen € 650,00" in uit


def test_voortgang_wordt_gemeld():
    registreer(ASN_IBAN)
    meldingen = []
    importeer_met = bestand("asn/mt940.txt")
    afschrift_import(
        inhoud=importeer_met,
        door="t",
        voortgang=lambda klaar, totaal: meldingen.append((klaar, totaal)),
    )
    assert meldingen[0] == (0, 8) and meldingen[-1] == (8, 8)
    assert [k for k, _ in meldingen] == sorted(k for k, _ in meldingen)


# --- differential: CAMT.053 and MT940 book the same ----------------------------------------------


def _betalingsset(org, debiteuren) -> list[dict]:
    """One day's entries of every kind: kenmerk, claim number in the text, IBAN + amount,
    overpayment (credit), an unknown receipt, bank costs and an outgoing payment with a kenmerk."""
    jan, piet = debiteuren
    v1 = vordering_maken(org, debiteur=jan, vorderingnummer="DIF-1")
    vordering_maken(org, debiteur=jan, vorderingnummer="DIF-2")
    vordering_maken(org, debiteur=piet, vorderingnummer="DIF-3")
    vordering_maken(org, debiteur=jan, vorderingnummer="DIF-4")
    return [
        {"bedrag": 12100, "kenmerk": v1.betalingskenmerk, "naam": "J. Jansen", "e2e": "E1"},
        {"bedrag": 5000, "tekst": "betaling DIF-2", "naam": "J. Jansen", "e2e": "E2"},
        {"bedrag": 12100, "iban": "NL20INGB0001234567", "naam": "P. Pietersen", "e2e": "E3"},
        {"bedrag": 15000, "tekst": "DIF-4 en meer", "naam": "P. Pietersen", "e2e": "E4"},
        {"bedrag": 999, "tekst": "onbekend", "naam": "X. Onbekend", "e2e": "E5"},
        {"bedrag": -350, "tekst": "bankkosten", "naam": "Bank", "e2e": "E6"},
        {"bedrag": -50000, "kenmerk": "1234123412345678", "naam": "Belastingdienst", "e2e": "E7"},
    ]


def _boek_en_lees(formaat: str) -> dict:
    """Build the world, import the set in one format, read what was booked (by numbers, not
    keys), and roll everything back."""

    class Terug(Exception):
        pass

    uitkomst = {}
    try:
        with transaction.atomic():
            org = OrganisatieFactory(naam="Differentieel")
            Bankrekening.objects.create(organisatie=org, iban=ORG_IBAN)
            jan, piet = DebiteurFactory(), DebiteurFactory()
            DebiteurRekening.objects.create(debiteur=piet, iban="NL20INGB0001234567")
            posten = _betalingsset(org, (jan, piet))
            maak = camt053 if formaat == "camt" else mt940
            r = importeer(maak(ORG_IBAN, posten, ident="DIF"))
            nummer = dict(Vordering.objects.values_list("pk", "vorderingnummer"))
            # Boekingen in the order written, relative to the first of this import.
            eerste_boeking = Boeking.objects.filter(betaling__isnull=False).order_by("pk")[0].pk
            debiteur = {jan.pk: "jan", piet.pk: "piet", None: None}
            # A kenmerk holds the claim's key: compare the claim's number instead.
            kenmerk = {v.betalingskenmerk: v.vorderingnummer for v in Vordering.objects.all()}
            uitkomst["betalingen"] = list(
                (*rij[:6], kenmerk.get(rij[6], rij[6]), *rij[7:-1], debiteur[rij[-1]])
                for rij in Betaling.objects.order_by("volgnummer").values_list(
                    "volgnummer",
                    "boekdatum",
                    "bedrag",
                    "tegenrekening",
                    "naam",
                    "omschrijving",
                    "betalingskenmerk",
                    "eind_tot_eind_id",
                    "status",
                    "matchregel",
                    "restbedrag",
                    "debiteur_id",
                )
            )
            uitkomst["boekingen"] = sorted(
                (
                    bo.betaling.volgnummer,
                    bo.pk - eerste_boeking,
                    nummer.get(bo.vordering_id),
                    bo.termijn.volgnummer if bo.termijn_id else None,
                    debiteur[bo.debiteur_id],
                    bo.soort,
                    bo.deel,
                    bo.boekdatum,
                    bo.bedrag_incl_btw,
                    bo.boekingssleutel,
                    bo.omschrijving,
                )
                for bo in Boeking.objects.filter(betaling__isnull=False).select_related(
                    "betaling", "termijn"
                )
            )
            uitkomst["saldi"] = sorted(
                Vordering.objects.values_list("vorderingnummer", "openstaand_bedrag", "status")
            )
            v = r.verwerking
            uitkomst["telling"] = (
                v.posten,
                v.ontvangsten,
                v.afschrijvingen,
                v.gematcht,
                v.ongematcht,
                v.bedrag_ontvangen,
                v.bedrag_afgeschreven,
                v.bedrag_toegerekend,
                v.bedrag_tegoed,
                v.bedrag_ongematcht,
            )
            raise Terug
    except Terug:
        pass
    return uitkomst


def test_camt053_en_mt940_boeken_hetzelfde():
    camt, mt = _boek_en_lees("camt"), _boek_en_lees("mt940")
    assert camt["betalingen"] == mt["betalingen"]
    assert camt["boekingen"] == mt["boekingen"]
    assert camt["saldi"] == mt["saldi"]
    assert camt["telling"] == mt["telling"]
    # The set did exercise every path: matched by each rule, credit, unmatched, debits.
    statussen = [b[8] for b in camt["betalingen"]]
    assert statussen.count(BetalingStatus.TOEGEREKEND) == 3
    assert statussen.count(BetalingStatus.TEGOED) == 1
    assert statussen.count(BetalingStatus.ONGEMATCHT) == 1
    assert statussen.count(BetalingStatus.GENEGEERD) == 2
    assert {b[9] for b in camt["betalingen"]} >= {"kenmerk", "nummer", "iban"}
    assert camt["telling"][:3] == (7, 5, 2)


# --- statements imported before issue #16 (migration 0013) ----------------------------------------


def test_vingerafdruk_van_de_migratie_is_die_van_de_import():
    """Migration 0013 gives old statements a fingerprint of their id, date and stored entries;
    the import computes the same from the file, so re-importing an old statement is a no-op."""
    import importlib

    from inningen.betalingen.services.afschriften import parse_afschrift, vingerafdruk_v0

    migratie = importlib.import_module("inningen.migrations.0013_afschrift_identiteit")
    registreer(SNS_IBAN)
    importeer(bestand("sns/sns.txt"))
    gelezen = parse_afschrift(bestand("sns/sns.txt"))
    opgeslagen = Afschrift.objects.order_by("pk")
    assert len(gelezen) == opgeslagen.count()
    for a, afschrift in zip(gelezen, opgeslagen, strict=True):
        posten = afschrift.betalingen.order_by("volgnummer").values_list(*migratie._POSTVELDEN)
        assert migratie.vingerafdruk_v0(
            SNS_IBAN, afschrift.identificatie, afschrift.datum, list(posten)
        ) == vingerafdruk_v0(a, SNS_IBAN)


def test_oud_afschrift_met_vingerafdruk_v0_is_al_ingelezen():
    from inningen.betalingen.services.afschriften import parse_afschrift, vingerafdruk_v0

    registreer(SNS_IBAN)
    importeer(bestand("sns/sns.txt"))
    # As migration 0013 leaves a statement imported before: its v0 fingerprint, no balances.
    for a, afschrift in zip(
        parse_afschrift(bestand("sns/sns.txt")), Afschrift.objects.order_by("pk"), strict=True
    ):
        afschrift.vingerafdruk = vingerafdruk_v0(a, SNS_IBAN)
        afschrift.beginsaldo = afschrift.eindsaldo = afschrift.begindatum = None
        afschrift.save()
    r = importeer(bestand("sns/sns.txt").replace(b"-}{5:}", b"-}{5:{CHK:0123456789AB}}"))
    assert r.al_ingelezen and Afschrift.objects.count() == 16


# --- the screens: the overlap tab of the work list and its two actions ---------------------------


def test_werklijst_overlap_en_acties_in_het_scherm(client):
    from django.contrib.auth.models import Permission, User
    from django.urls import reverse
    from lxml import html

    from inningen.organisaties.models import Medewerker

    rekening = registreer(SNS_IBAN)
    importeer(bestand("sns/sns.txt"))
    importeer(_opnieuw_verzonden(bestand("sns/sns.txt"), b"253/1", b"253/2"))
    importeer(_opnieuw_verzonden(bestand("sns/sns.txt"), b"258/1", b"258/2"))
    user = User.objects.create_user("inv", password="x")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="inningen", codename__in=["view_betaling", "change_betaling"]
        )
    )
    Medewerker.objects.create(user=user).organisaties.add(rekening.organisatie)
    client.force_login(user)
    boom = html.fromstring(client.get(reverse("inningen:werklijst") + "?status=overlap").content)
    assert "Overlap: al ingelezen van een ander afschrift" in boom.text_content()
    links = boom.xpath("//a[text()='Behandelen']/@href")
    assert len(links) == 2
    dubbel, echt = Betaling.objects.filter(status=BetalingStatus.OVERLAP).order_by("boekdatum")
    detail = html.fromstring(client.get(reverse("inningen:betaling", args=[dubbel.pk])).content)
    assert detail.xpath("//button[text()='Bevestigen als dubbel']")
    assert "Al geboekt als" in detail.text_content()
    client.post(reverse("inningen:betaling_actie", args=[dubbel.pk, "dubbel"]), {"opmerking": ""})
    client.post(reverse("inningen:betaling_actie", args=[echt.pk, "alsnog-boeken"]))
    dubbel.refresh_from_db()
    echt.refresh_from_db()
    assert (dubbel.status, echt.status) == (BetalingStatus.DUBBEL, BetalingStatus.ONGEMATCHT)
    boom = html.fromstring(client.get(reverse("inningen:werklijst") + "?status=overlap").content)
    assert not boom.xpath("//a[text()='Behandelen']")
    grootboek_sluit()


# --- two imports of the same statements at once (background tasks) -------------------------------


@pytest.mark.django_db(transaction=True)
def test_gelijktijdig_zelfde_afschriften_in_twee_bestanden(postgresql):  # row locks
    import threading

    from django.db import connection

    registreer(SNS_IBAN)
    inhoud = bestand("sns/sns.txt")
    bestanden = [inhoud, inhoud.replace(b"-}{5:}", b"-}{5:{CHK:0123456789AB}}")]
    start = threading.Barrier(2)
    uitkomsten, fouten = [], []

    def lees(data):
        try:
            start.wait()
            uitkomsten.append(importeer(data).al_ingelezen)
        except Exception as exc:  # the point: no IntegrityError reaches anyone
            fouten.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=lees, args=(b,)) for b in bestanden]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not fouten and sorted(uitkomsten) == [False, True]
    assert Afschrift.objects.count() == 16 and Betaling.objects.count() == 4
