"""Returned direct debits (R-transactions, #16): a return, refusal or refund of a collection in
CAMT.053 (RtrInf, bank transaction code PMNT/IDDT/UPDD) or MT940 (``/RTRN/<code>/``, ``:61:``
``RC`` mark or type ``RTI``) reverses the collection with its reason: the claim's balance is
restored to the cent, the reason is on the Betaling and in the claim's history, the mandate is
updated as the code says and the status change goes to the TSA.

The files are the public samples in tests/fixtures/bankbestanden (ING's own example with an MD06
and the ISO 20022 camt.053 example of genkgo/camt), read as they are or changed here in memory
(a return added, a mark changed); the fixture files themselves are never edited."""

import contextlib
import datetime
from pathlib import Path

import pytest
from lxml import etree

from inningen.betalingen.afschriftdata import AfschriftFout
from inningen.betalingen.camt import parse_camt053
from inningen.betalingen.models import Betaling
from inningen.betalingen.mt940_lezer import parse_mt940
from inningen.betalingen.services.afschriften import afschrift_import
from inningen.choices import (
    RETOURGEVOLG,
    RETOURREDENEN,
    BetalingStatus,
    Boekingsoort,
    MachtigingStatus,
    Matchregel,
    Retourgevolg,
    VorderingStatus,
)
from inningen.debiteuren.models import Machtiging
from inningen.grootboek.models import Boeking, Vordering, Vorderingstatus
from inningen.organisaties.models import Bankrekening
from tests.factories import DebiteurFactory, OrganisatieFactory, regel_invoer, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053

pytestmark = pytest.mark.django_db

BESTANDEN = Path(__file__).resolve().parents[2] / "fixtures" / "bankbestanden"
ING_VOORBEELD = BESTANDEN / "ing" / "ming-ing-provided-example-single-message.txt"
CAMT_MINIMAAL = BESTANDEN / "iso20022" / "camt053.v2.minimal.xml"
ING_IBAN = "NL20INGB0001234567"  # the account of ING's example
CAMT_IBAN = "NL26VAYB8060476890"  # the account of the genkgo/camt example
DEB_IBAN = "NL56AGDH9619008421"  # the debtor in the genkgo/camt example
NS = "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.02}"


def claim(org, cent: int, *, machtiging=None, **kw) -> Vordering:
    v = vordering_maken(
        org, regels=[regel_invoer(bedrag_excl_btw=cent, bedrag_btw=0, bedrag_incl_btw=cent)], **kw
    )
    if machtiging:
        Vordering.objects.filter(pk=v.pk).update(machtiging=machtiging)
        v.refresh_from_db()
    return v


def mandaat(org, deb) -> Machtiging:
    return Machtiging.objects.create(
        organisatie=org, debiteur=deb, kenmerk="M-1", afgiftedatum=datetime.date(2013, 1, 1),
        iban=DEB_IBAN,
    )  # fmt: skip


def incasso_bijgeschreven(iban, v, cent, e2e, *, datum, ident="INC-1"):
    """The collection credited on our account (a generated statement: the samples hold only the
    return), matched to the claim by its kenmerk."""
    afschrift_import(
        inhoud=camt053(
            iban, [{"bedrag": cent, "kenmerk": v.betalingskenmerk, "e2e": e2e}],
            ident=ident, datum=datum,
        ),
        door="test",
    )  # fmt: skip
    v.refresh_from_db()
    assert (v.openstaand_bedrag, v.status) == (0, VorderingStatus.BETAALD)


def grootboek_sluit():
    for b in Betaling.objects.exclude(status=BetalingStatus.GENEGEERD):
        assert Boeking.objects.filter(betaling=b).saldo() == -b.bedrag, b
    for v in Vordering.objects.all():
        assert v.openstaand_bedrag == Boeking.objects.filter(vordering=v).saldo(), v


def camt_met_terugboeking(*, e2e="", reden="", prtry="", familie="IDDT", subfamilie="UPDD"):
    """genkgo/camt's camt.053 example turned into a returned collection: a debit with the
    collection's end-to-end id, the ISO bank transaction code of a return and RtrInf (in the
    schema's order)."""
    doc = etree.parse(str(CAMT_MINIMAAL))
    ntry = doc.find(f".//{NS}Ntry")
    ntry.find(f"{NS}CdtDbtInd").text = "DBIT"
    tx = ntry.find(f".//{NS}TxDtls")
    if e2e:
        refs = tx.find(f"{NS}Refs")
        el = etree.Element(f"{NS}EndToEndId")
        el.text = e2e
        refs.insert(0, el)
    if familie:
        for bktxcd in (ntry.find(f"{NS}BkTxCd"), tx.find(f"{NS}BkTxCd")):
            domn = etree.fromstring(
                f'<Domn xmlns="{NS[1:-1]}"><Cd>PMNT</Cd><Fmly><Cd>{familie}</Cd>'
                f"<SubFmlyCd>{subfamilie}</SubFmlyCd></Fmly></Domn>"
            )
            bktxcd.insert(0, domn)
    if reden or prtry:
        rsn = f"<Cd>{reden}</Cd>" if reden else f"<Prtry>{prtry}</Prtry>"
        tx.find(f"{NS}RmtInf").addnext(
            etree.fromstring(
                f'<RtrInf xmlns="{NS[1:-1]}"><Rsn>{rsn}</Rsn>'
                "<AddtlInf>Returned by the debtor bank</AddtlInf></RtrInf>"
            )
        )
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8")


# --- reason codes -------------------------------------------------------------------------------


def test_alle_gangbare_sepa_retourcodes_met_nederlandse_omschrijving():
    codes = ("AC01", "AC04", "AC06", "AC13", "AG01", "AG02", "AM04", "AM05", "BE05", "CNOR",
             "CUST", "DNOR", "ED05", "FF01", "FOCR", "MD01", "MD02", "MD06", "MD07", "MS02",
             "MS03", "RC01", "RR01", "RR02", "RR03", "RR04", "SL01", "TM01")  # fmt: skip
    for code in codes:
        assert RETOURREDENEN[code], code
    assert RETOURREDENEN["AC04"] == "Rekening opgeheven"
    assert RETOURREDENEN["AM04"] == "Onvoldoende saldo"
    assert set(RETOURGEVOLG) <= set(RETOURREDENEN)
    assert RETOURGEVOLG["AC04"] == RETOURGEVOLG["MD01"] == Retourgevolg.INTREKKEN


# --- MT940 ----------------------------------------------------------------------------------------


def test_ing_mt940_md06_keert_de_incasso_terug_tot_op_de_cent():
    """ING's own example: ``:61:...D300,00NRTI`` with ``/RTRN/MD06//EREF/E2E20140103545``."""
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=ING_IBAN)
    deb = DebiteurFactory()
    m = mandaat(org, deb)
    v = claim(org, 30000, debiteur=deb, machtiging=m)
    incasso_bijgeschreven(ING_IBAN, v, 30000, "E2E20140103545", datum=datetime.date(2014, 1, 2))

    r = afschrift_import(inhoud=ING_VOORBEELD.read_bytes(), door="test")
    assert r.verwerking.terugboekingen == 1
    storno = Betaling.objects.get(retourcode="MD06")
    assert (storno.bedrag, storno.status, storno.matchregel, storno.debiteur) == (
        -30000,
        BetalingStatus.STORNO,
        Matchregel.TERUGBOEKING,
        deb,
    )
    assert Betaling.objects.get(eind_tot_eind_id="E2E20140103545", bedrag=30000).status == (
        BetalingStatus.TERUGGEBOEKT
    )
    v.refresh_from_db()
    assert (v.openstaand_bedrag, v.status) == (30000, VorderingStatus.VERWERKT)
    boeking = Boeking.objects.get(betaling=storno, vordering=v)
    assert (boeking.soort, boeking.bedrag_incl_btw) == (Boekingsoort.STORNO, 30000)
    assert "MD06 Terugboeking op verzoek van de debiteur" in boeking.omschrijving
    # The claim's history says why it is open again.
    laatste = Vorderingstatus.objects.filter(vordering=v).order_by("pk").last()
    assert laatste.status == VorderingStatus.VERWERKT
    assert "MD06" in laatste.opmerkingen and "Terugboeking op verzoek" in laatste.opmerkingen
    m.refresh_from_db()
    assert (m.status, m.opeenvolgende_stornos) == (MachtigingStatus.ACTIEF, 1)
    grootboek_sluit()

    # The same statement again changes nothing.
    boekingen = Boeking.objects.count()
    with contextlib.suppress(AfschriftFout):  # refused as already read, or read as a no-op
        afschrift_import(inhoud=ING_VOORBEELD.read_bytes(), door="test")
    assert Boeking.objects.count() == boekingen
    v.refresh_from_db()
    assert v.openstaand_bedrag == 30000


def test_mt940_rc_markering_is_een_afschrijving():
    """``RC`` (reversal of a credit) takes money off the account, as the returned collection it
    is; the mt-940 library signs it positive unless told otherwise."""
    tekst = ING_VOORBEELD.read_bytes().replace(b"0103D300,00NRTI", b"0103RC300,00NRTI")
    (afschrift,) = parse_mt940(tekst)
    post = afschrift.posten[3]
    assert (post.bedrag, post.retourcode, post.eind_tot_eind_id) == (
        -30000,
        "MD06",
        "E2E20140103545",
    )
    # RD (reversal of a debit) brings money back in.
    tekst = ING_VOORBEELD.read_bytes().replace(b"0103D300,00NRTI", b"0103RD300,00NRTI")
    (afschrift,) = parse_mt940(tekst)
    assert afschrift.posten[3].bedrag == 30000


def test_mt940_terugboeking_zonder_redencode_is_ms03():
    """A debit the bank marks as a returned item (``:61:`` type RTI) without ``/RTRN/``: the
    reason is "not specified" (MS03), so it is treated as the return it is."""
    tekst = ING_VOORBEELD.read_bytes().replace(b":86:/RTRN/MD06//EREF/", b":86:/EREF/")
    (afschrift,) = parse_mt940(tekst)
    assert afschrift.posten[3].retourcode == "MS03"
    # An ordinary debit stays without a code.
    assert afschrift.posten[0].retourcode == ""


# --- CAMT.053 -------------------------------------------------------------------------------------


def test_camt_terugboeking_ac04_trekt_machtiging_in_en_gaat_naar_de_tsa():
    from stuffin.models import UitgaandBericht
    from stuffin.services.koppelingen import koppeling_upsert

    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=CAMT_IBAN)
    koppeling_upsert(
        applicatie="FACTUREN", rol="tsa", gebruikersnaam="facturen", wachtwoord="facturen-wachtwoord",
        tsa_codes=["facturatie"], url="http://127.0.0.1:9/stuf", vorderende_organisaties=[org.rsin],
    )  # fmt: skip
    deb = DebiteurFactory()
    m = mandaat(org, deb)
    v = claim(org, 885, debiteur=deb, machtiging=m)
    incasso_bijgeschreven(CAMT_IBAN, v, 885, "INC-2014-0001", datum=datetime.date(2014, 12, 1))
    UitgaandBericht.objects.all().delete()

    afschrift_import(inhoud=camt_met_terugboeking(e2e="INC-2014-0001", reden="AC04"), door="test")
    storno = Betaling.objects.get(bedrag=-885)
    # The counterparty of a returned collection is the debtor, not our own side (Cdtr).
    assert (storno.retourcode, storno.naam, storno.tegenrekening, storno.status) == (
        "AC04",
        "NAME NAME",
        DEB_IBAN,
        BetalingStatus.STORNO,
    )
    v.refresh_from_db()
    assert (v.openstaand_bedrag, v.status) == (885, VorderingStatus.VERWERKT)
    m.refresh_from_db()
    assert m.status == MachtigingStatus.INGETROKKEN
    assert "AC04" in m.opmerking and "Rekening opgeheven" in m.opmerking
    (bericht,) = UitgaandBericht.objects.filter(vordering=v)
    assert bericht.vorderingstatus.status == VorderingStatus.VERWERKT
    assert bericht.vorderingstatus.deel_bedrag_betaald == -885
    assert "AC04 Rekening opgeheven" in bericht.vorderingstatus.opmerkingen
    grootboek_sluit()


def test_camt_reden_als_prtry_en_terugboeking_zonder_reden():
    (a,) = parse_camt053(camt_met_terugboeking(e2e="X-1", prtry="MD06"))
    assert a.posten[0].retourcode == "MD06"
    # The bank transaction code says it is a returned collection; no reason given: MS03.
    (a,) = parse_camt053(camt_met_terugboeking(e2e="X-1"))
    assert (a.posten[0].retourcode, a.posten[0].naam) == ("MS03", "NAME NAME")
    # A plain debit (no return code, no return family) keeps no code and its creditor.
    (a,) = parse_camt053(camt_met_terugboeking(familie=""))
    assert (a.posten[0].retourcode, a.posten[0].naam) == ("", "Company Name")


def test_onbekende_terugboeking_zonder_referentie_op_de_werklijst():
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=CAMT_IBAN)
    afschrift_import(inhoud=camt_met_terugboeking(), door="test")
    b = Betaling.objects.get()
    assert (b.status, b.restbedrag, b.retourcode) == (BetalingStatus.ONGEMATCHT, -885, "MS03")
    grootboek_sluit()


# --- the mandate per reason -------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, status, teller",
    [
        ("AC04", MachtigingStatus.INGETROKKEN, 1),
        ("MD01", MachtigingStatus.INGETROKKEN, 1),
        ("MD07", MachtigingStatus.INGETROKKEN, 1),
        ("SL01", MachtigingStatus.OPGESCHORT, 1),
        ("AC06", MachtigingStatus.OPGESCHORT, 1),
        ("AM04", MachtigingStatus.ACTIEF, 1),
        ("MS02", MachtigingStatus.ACTIEF, 1),
        ("FF01", MachtigingStatus.ACTIEF, 0),
        ("AM05", MachtigingStatus.ACTIEF, 0),
    ],
)
def test_machtiging_volgens_de_redencode(code, status, teller):
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=CAMT_IBAN)
    deb = DebiteurFactory()
    m = mandaat(org, deb)
    v = claim(org, 4000, debiteur=deb, machtiging=m)
    incasso_bijgeschreven(CAMT_IBAN, v, 4000, "E2E-R", datum=datetime.date(2026, 11, 1))
    afschrift_import(
        inhoud=camt053(CAMT_IBAN, [{"bedrag": -4000, "e2e": "E2E-R", "retour": code}], ident="R"),
        door="test",
    )
    m.refresh_from_db()
    v.refresh_from_db()
    assert (m.status, m.opeenvolgende_stornos) == (status, teller)
    assert v.openstaand_bedrag == 4000
    grootboek_sluit()
