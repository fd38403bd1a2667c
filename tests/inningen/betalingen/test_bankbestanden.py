"""Real public sample statements of Dutch banks (tests/fixtures/bankbestanden, see SOURCES.md
there): each is read with the entries as they stand in the file, or refused for the right reason.
Issue #16, findings 2 (ING/Knab :25:), 3 (de Volksbank :61:/:86:), 4 (BBAN in :25:), 7 (XSD)."""

import datetime
from pathlib import Path
from unittest import mock

import pytest

from inningen.betalingen.afschriftdata import rekening_lezen
from inningen.betalingen.camt import camt053_schema
from inningen.betalingen.models import Afschrift, Betaling
from inningen.betalingen.services.afschriften import (
    AfschriftFout,
    afschrift_import,
    parse_afschrift,
)
from inningen.organisaties.models import Bankrekening
from tests.factories import OrganisatieFactory
from tests.inningen.betalingen.afschriftbestanden import camt053

BESTANDEN = Path(__file__).resolve().parents[2] / "fixtures" / "bankbestanden"
D = datetime.date


def lees(pad: str):
    return parse_afschrift((BESTANDEN / pad).read_bytes())


def posten(pad: str):
    return [p for a in lees(pad) for p in a.posten]


def registreer(iban: str) -> Bankrekening:
    """The sample files carry invented IBANs (some with wrong check digits): registered as is."""
    return Bankrekening.objects.create(organisatie=OrganisatieFactory(), iban=iban)


def importeer(pad: str):
    return afschrift_import(inhoud=(BESTANDEN / pad).read_bytes(), door="test", bestandsnaam=pad)


# --- :25: as the banks write it (findings 2 and 4) -----------------------------------------------


@pytest.mark.parametrize(
    "tekst, iban, bban, bank",
    [
        ("NL68INGB0000012345EUR", "NL68INGB0000012345", "", "INGB"),  # ING: IBAN + currency
        ("NL92 KNAB 0123 4567 89", "NL92KNAB0123456789", "", "KNAB"),  # Knab: groups
        ("NL10BUNQ2290325473 EUR", "NL10BUNQ2290325473", "", "BUNQ"),
        ("INGBNL2A/NL91ABNA0417164300", "NL91ABNA0417164300", "", "ABNA"),
        ("TRIODOSBANK/0390123456", "", "0390123456", "TRIO"),  # Triodos: bank name + BBAN
        ("1291.99.348EUR", "", "0129199348", ""),  # Rabobank: dotted BBAN + currency
        ("517852257", "", "0517852257", ""),  # ABN AMRO: 9 digits
        ("0001234567", "", "0001234567", ""),  # ING (Postbank)
    ],
)
def test_rekening_in_25_zoals_banken_hem_schrijven(tekst, iban, bban, bank):
    r = rekening_lezen(tekst)
    assert (r.iban, r.bban, r.bank) == (iban, bban, bank)


@pytest.mark.parametrize("tekst", ["808XXXXXX292", "0800003200000001610722 EUR", "NL84RABO0121"])
def test_geen_rekening_in_25(tekst):
    r = rekening_lezen(tekst)
    assert not r.iban and not r.bban


# --- ING ------------------------------------------------------------------------------------------


def test_ing_mt940_iban_met_valuta():
    (a,) = lees("ing/mt940_iban.txt")
    assert (a.iban, a.identificatie, a.datum) == (
        "NL68INGB0000012345",
        "P123456000000001/00000/",
        D(2014, 8, 25),
    )
    assert len(a.posten) == 21
    p = a.posten[0]
    assert (p.boekdatum, p.bedrag, p.tegenrekening, p.naam, p.omschrijving, p.bank_referentie) == (
        D(2014, 8, 25),
        -19236,
        "NL57ABNA0876543211",
        "B Bert",
        "22-08-2014 Omschrijving",
        "14237654096217",
    )
    kpn = a.posten[8]
    assert (kpn.bedrag, kpn.tegenrekening, kpn.naam, kpn.eind_tot_eind_id) == (
        -7362,
        "NL75INGB0000012345",
        "KPN - MOBIEL",
        "02164810730000043",
    )
    # the ":86:/SUM/..." after the closing balance is not part of the last entry
    assert a.posten[-1].omschrijving == "17-08-2014 Lange omschrijving"
    assert sum(p.bedrag for p in a.posten) == 24645 - 43690  # :62F: 246,45 - :60F: 436,90


@pytest.mark.django_db
def test_ing_mt940_wordt_ingelezen_op_de_geregistreerde_iban():
    registreer("NL68INGB0000012345")
    r = importeer("ing/mt940_iban.txt")
    assert r.verwerking.posten == 21 and Betaling.objects.count() == 21
    assert Afschrift.objects.get().bankrekening.iban == "NL68INGB0000012345"
    assert importeer("ing/mt940_iban.txt").al_ingelezen


@pytest.mark.django_db
def test_ing_oud_rekeningnummer_via_geregistreerde_iban():
    """Finding 4: ":25:0001234567" is the account of NL..INGB0001234567."""
    registreer("NL20INGB0001234567")
    registreer("NL91ABNA0417164300")  # another organisation's account: not a candidate
    importeer("ing/ing-dos.txt")
    a = Afschrift.objects.get()
    assert a.bankrekening.iban == "NL20INGB0001234567"
    bedragen = list(Betaling.objects.order_by("volgnummer").values_list("bedrag", flat=True))
    assert bedragen == [-2503, -303, -111, -2000, -110, 368, 100]


def test_ing_voorbeeld_van_ing_zelf():
    """ING's own example (Mijn ING Zakelijk): structured reference, returns MD06 and AC04."""
    (a,) = lees("ing/ming-ing-provided-example-single-message.txt")
    assert (a.iban, a.identificatie, a.datum) == (
        "NL20INGB0001234567",
        "P140104000009999/3/",
        D(2014, 1, 3),
    )
    rijen = [
        (p.bedrag, p.tegenrekening, p.naam, p.betalingskenmerk, p.eind_tot_eind_id, p.retourcode)
        for p in a.posten
    ]
    assert rijen[0] == (
        -1500,
        "NL08INGB0000001234",
        "ING Testrekening",
        "5200150700013379",
        "E2E2014030100899040",
        "",
    )
    assert rijen[3][0] == -30000 and rijen[3][5] == "MD06"
    assert rijen[8][0] == 2000 and rijen[8][5] == "AC04"
    assert [p.bedrag for p in a.posten] == [
        -1500, -30000, -1200, -30000, 1500, 2000, 2500, 388915, 2000,
    ]  # fmt: skip
    assert a.posten[7].omschrijving == "TOTAAL     168 POSTEN"


@pytest.mark.django_db
def test_ing_inside_business_payments_oud_rekeningnummer_en_benm():
    registreer("NL38INGB0654321789")
    importeer("ing/ibp-structured-ing-provided-example.txt")
    rijen = list(
        Betaling.objects.order_by("volgnummer").values_list(
            "bedrag", "tegenrekening", "naam", "retourcode"
        )
    )
    assert rijen == [
        (-145, "NL50INGB0001234567", "ING Bank N.V. inzake WeB", "MS03"),
        (-256, "NL38INGB0654321789", "ING Bank NV inzake EBW PP", ""),
        (-257, "", "", ""),
    ]


# --- Knab -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_knab_iban_met_spaties():
    registreer("NL92KNAB0123456789")
    importeer("knab/knab_with_iban.txt")
    rijen = list(
        Betaling.objects.order_by("volgnummer").values_list(
            "boekdatum", "bedrag", "tegenrekening", "naam", "omschrijving"
        )
    )
    assert rijen == [
        (D(2014, 10, 24), 100000, "NL26ABNA0999999999", "BEDRIJF VOF", ""),
        (
            D(2014, 10, 24),
            1000,
            "NL76INGB0444444444",
            "STICHTING DERDEN JAAP JANSSEN",
            "DIT IS EEN OMSCHRIJVING DIE BEST WEL LANG IS",
        ),
    ]


# --- Rabobank -------------------------------------------------------------------------------------


def test_rabobank_mt940_structured():
    a, b = lees("rabobank/rabobank_mt940_structured.txt")
    assert (a.iban, a.identificatie, b.identificatie) == (
        "NL50RABO0123456789",
        "940S130403/0/",
        "940S130404/0/",
    )
    assert [(p.bedrag, p.naam) for p in a.posten] == [
        (-12750, "Nespresso Nederland B.V."),
        (16990, "Bedrijf B.V."),
    ]
    assert len(b.posten) == 7 and b.posten[1].bedrag == 164076
    assert b.posten[1].omschrijving == "factuurnummer 201303-128cursus certified PO"


@pytest.mark.django_db
def test_rabobank_oude_rekeningnummers_met_punten():
    """Two accounts in one file, each as "1291.99.348EUR": both found through their IBAN."""
    registreer("NL30RABO0129199348")
    registreer("NL11RABO0152689184")
    importeer("rabobank/rabobank.txt")
    per_rekening = {
        iban: list(
            Betaling.objects.filter(afschrift__bankrekening__iban=iban)
            .order_by("afschrift_id", "volgnummer")
            .values_list("bedrag", flat=True)
        )
        for iban in ("NL30RABO0129199348", "NL11RABO0152689184")
    }
    assert per_rekening == {
        "NL30RABO0129199348": [-121328, -4495, -23656],
        "NL11RABO0152689184": [-8810, -620],
    }


# --- ABN AMRO -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_abnamro_oud_rekeningnummer_en_afschrijving_belastingdienst():
    registreer("NL02ABNA0123456789")
    importeer("abnamro/anb_sepa_overboeking_belastingdienst.txt")
    rijen = list(
        Betaling.objects.order_by("volgnummer").values_list(
            "boekdatum", "bedrag", "tegenrekening", "naam", "eind_tot_eind_id", "betalingskenmerk"
        )
    )
    assert rijen == [
        (
            D(2020, 5, 1),
            -15000,
            "NL88DEUT0123456789",
            "XXX YYYYYYYS B.V.",
            "01-05-2020 13:21 6546546678787",
            "",
        ),
        # the older labelled layout: IBAN:, BIC:, NAAM:, BETALINGSKENM.:
        (
            D(2020, 5, 4),
            -50000,
            "NL86INGB0002445588",
            "BELASTINGDIENST APELDOORN",
            "",
            "1234123412345678",
        ),
    ]


def test_abnamro_oud_formaat_twee_afschriften():
    a, b = lees("abnamro/abnamro.txt")
    assert (a.rekening.bban, a.identificatie, b.identificatie) == (
        "0517852257",
        "ABN AMRO BANK NV/19321/1",
        "ABN AMRO BANK NV/19322/1",
    )
    assert [p.bedrag for p in a.posten] == [-900, -1159, -1163, -1180, -1345, -1549, -10700, -14148]
    assert a.posten[1].boekdatum == D(2011, 5, 23) and a.posten[1].valutadatum == D(2011, 5, 21)
    assert [p.bedrag for p in b.posten] == [-949, -1500]


@pytest.mark.django_db
def test_oud_rekeningnummer_zonder_geregistreerde_iban_wordt_geweigerd():
    registreer("NL91ABNA0417164300")
    with pytest.raises(AfschriftFout, match=r"oud rekeningnummer 0123456789\) komt in geen IBAN"):
        importeer("abnamro/anb_sepa_overboeking_belastingdienst.txt")
    assert not Afschrift.objects.exists()


@pytest.mark.django_db
def test_oud_rekeningnummer_bij_twee_ibans_is_niet_eenduidig():
    registreer("NL02ABNA0123456789")
    registreer("NL44RABO0123456789")
    with pytest.raises(AfschriftFout, match="past bij meer dan een IBAN"):
        importeer("abnamro/anb_sepa_overboeking_belastingdienst.txt")
    assert not Afschrift.objects.exists()


# --- Triodos --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_triodos_banknaam_en_oud_rekeningnummer():
    registreer("NL14TRIO0390123456")
    registreer("NL80ABNA0390123456")  # same number at another bank: the file names Triodos
    importeer("triodos/triodos.txt")
    assert Afschrift.objects.get().bankrekening.iban == "NL14TRIO0390123456"
    rijen = list(
        Betaling.objects.order_by("volgnummer").values_list("boekdatum", "bedrag", "omschrijving")
    )
    assert rijen[0][:2] == (D(2011, 1, 1), -1570)
    assert rijen[1] == (D(2011, 1, 25), -70000, "000>100133967858>20 HUUR>21 KANTOOR - FEB 2010")


# --- de Volksbank: SNS and ASN (finding 3) --------------------------------------------------------


def test_sns_tegenrekening_en_naam_uit_61():
    alle = lees("sns/sns.txt")
    assert {a.iban for a in alle} == {"NL16SNSB1234567809"}
    geld = [(p.boekdatum, p.bedrag, p.tegenrekening, p.naam) for a in alle for p in a.posten]
    assert geld == [
        (D(2014, 1, 19), 1245, "", ""),
        (D(2014, 9, 10), 1500000, "NL11RABO0987654321", "f. spark bedrijf n.v."),
        (D(2014, 9, 15), 1000000, "NL11RABO0987654321", "f. spark bedrijf n.v."),
        (D(2014, 9, 22), 2000000, "NL11RABO0987654321", "f. spark bedrijf n.v."),
    ]
    assert alle[0].posten[0].omschrijving == "creditrente                     01-01-13 tot 01-01-14"


def test_sns_klantreferentie_en_bankreferentie():
    (a,) = lees("sns/sns_customer_reference.txt")
    (p,) = a.posten
    assert (p.bedrag, p.naam, p.bank_referentie) == (-10000, "belastingdienst", "1234432112344321")
    assert p.omschrijving.startswith("AAN BELASTINGDIENST,NL86INGB0002445588,SCT")


@pytest.mark.django_db
def test_asn_2020_wordt_gelezen_en_ingelezen():
    registreer("NL81ASNB9999999999")
    r = importeer("asn/mt940.txt")
    assert len(r.afschriften) == 31 and r.verwerking.posten == 8
    eerste = Betaling.objects.order_by("boekdatum", "afschrift_id", "volgnummer").first()
    assert (
        eerste.boekdatum,
        eerste.bedrag,
        eerste.tegenrekening,
        eerste.naam,
        eerste.omschrijving,
    ) == (D(2020, 1, 1), -6500, "NL47INGB9999999999", "hr gjlm paulissen", "Betaling sieraden")


def test_asn_voorbeeld_met_incasso():
    alle = posten("asn/sample.txt")
    assert [(p.boekdatum, p.bedrag, p.tegenrekening, p.naam) for p in alle] == [
        (D(2020, 1, 2), -200000, "NL29INGB0006475121", "j blom"),
        (D(2020, 1, 8), -6180, "NL44ABNA0548041814", "multi tank card bv"),
        (D(2020, 1, 8), -1998, "DE88500700100175526303", "paypal (europe) s.a.r.l. et"),
    ]
    assert alle[0].omschrijving == "Salaris december 2019"


# --- bunq -----------------------------------------------------------------------------------------


def test_bunq():
    (a,) = lees("bunq/sample.txt")
    assert (a.iban, len(a.posten)) == ("NL10BUNQ2290325473", 111)
    p = a.posten[:4]
    assert [(x.boekdatum, x.bedrag, x.tegenrekening, x.naam) for x in p] == [
        (D(2019, 1, 31), 200, "NL65BUNQ2206724936", "P.C. Wacki"),
        (D(2019, 1, 31), 30, "NL69BUNQ2032180154", "P.C. Wacki"),
        (D(2019, 1, 31), -3450, "", "www.thomann.de"),
        (D(2019, 2, 9), 7500, "NL97ABNA0479445079", "SRMF WILLEMS"),
    ]
    assert p[3].omschrijving == "Proficiat"


# --- MT940 refused with a clear message, never library internals ---------------------------------


@pytest.mark.parametrize(
    "kapot, melding",
    [
        (b":28C:19/1", r"MT940 regel 4 \(:28:, afschriftnummer\) is onleesbaar: '/1'"),
        (b":60F:C140119EUR534,03", r"regel 5 \(:60F:, beginsaldo\) is onleesbaar: 'C1401EUR5x'"),
    ],
)
def test_onleesbaar_mt940_noemt_regel_en_veld(kapot, melding):
    inhoud = (BESTANDEN / "sns/sns.txt").read_bytes()
    vervanging = {b":28C:19/1": b":28C:/1", b":60F:C140119EUR534,03": b":60F:C1401EUR5x"}[kapot]
    with pytest.raises(AfschriftFout, match=melding) as fout:
        parse_afschrift(inhoud.replace(kapot, vervanging, 1))
    tekst = str(fout.value)
    assert "object at 0x" not in tekst and "mt940" not in tekst and "Unable" not in tekst


def test_onleesbare_rekening_in_25():
    inhoud = (BESTANDEN / "sns/sns.txt").read_bytes().replace(b"NL16SNSB1234567809", b"X12", 1)
    with pytest.raises(AfschriftFout, match=r"regel 3 \(:25:, rekening\): 'X12' is geen IBAN"):
        parse_afschrift(inhoud)


# --- CAMT.053: schema check, camt.052/054 refused (finding 7) -------------------------------------


def test_camt053_001_02_voorbeeld():
    (a,) = lees("iso20022/camt053.v2.minimal.xml")
    assert (a.iban, a.identificatie, a.datum) == (
        "NL26VAYB8060476890",
        "253EURNL26VAYB8060476890",
        D(2015, 3, 10),
    )
    (p,) = a.posten
    assert (p.boekdatum, p.valutadatum, p.bedrag, p.tegenrekening, p.naam) == (
        D(2014, 12, 31),
        D(2015, 1, 2),
        885,
        "NL56AGDH9619008421",
        "NAME NAME",
    )
    assert p.betalingskenmerk == "4654654654654654"


def test_camt053_twee_afschriften():
    a, b = lees("iso20022/camt053.v2.multi.statement.xml")
    assert (a.identificatie, b.identificatie) == (
        "253EURNL26VAYB8060476890",
        "254EURNL26VAYB8060476890",
    )
    p = a.posten[0]
    assert (p.bedrag, p.naam, p.omschrijving, p.eind_tot_eind_id) == (
        885,
        "Company Name 1",
        "Transaction Description 1",
        "000000001",
    )


@pytest.mark.django_db
def test_camt053_twee_afschriften_met_zelfde_id_worden_beide_ingelezen():
    """Issue #16 finding 5: two statements sharing their Stmt/Id in one file (a test-made
    variant of the public file) are two statements, not an IntegrityError."""
    registreer("NL26VAYB8060476890")
    inhoud = (BESTANDEN / "iso20022/camt053.v2.multi.statement.xml").read_bytes()
    zelfde_id = inhoud.replace(b"254EURNL26VAYB8060476890", b"253EURNL26VAYB8060476890")
    r = afschrift_import(inhoud=zelfde_id, door="test")
    assert len(r.afschriften) == 2 and r.verwerking.posten == 2
    assert Afschrift.objects.filter(identificatie="253EURNL26VAYB8060476890").count() == 2
    # The original file holds the same statements: nothing new.
    assert afschrift_import(inhoud=inhoud, door="test").al_ingelezen


def test_camt053_001_08_met_transactie_in_andere_valuta_wordt_geweigerd():
    with pytest.raises(AfschriftFout, match="tellen niet op tot het bedrag van de post"):
        lees("iso20022/camt053.v8.xml")


@pytest.mark.parametrize(
    "pad, melding",
    [
        ("iso20022/camt052.v2.xml", "camt.052-rekeningrapport"),
        ("iso20022/camt054.v2.xml", "camt.054-bij-/afschrijvingsbericht"),
    ],
)
def test_camt052_en_054_worden_als_afschrift_geweigerd(pad, melding):
    with pytest.raises(AfschriftFout, match=melding):
        lees(pad)


def test_camt053_tegen_het_schema_geweigerd_met_regel_en_element():
    goed = camt053("NL91ABNA0417164300", [{"bedrag": 100}])
    parse_afschrift(goed)  # the generated file itself conforms
    zonder_saldo = goed.replace(goed[goed.index(b"<Bal>") : goed.rindex(b"</Bal>") + 6], b"")
    with pytest.raises(
        AfschriftFout,
        match=r"schema camt\.053\.001\.02: regel 1, element Ntry: dit element hoort hier niet; "
        r"verwacht: RltdAcct, Intrst, Bal",
    ):
        parse_afschrift(zonder_saldo)
    met_onbekend = goed.replace(b"<Sts>BOOK</Sts>", b"<Sts>BOOK</Sts><Onbekend/>")
    with pytest.raises(AfschriftFout, match="element Onbekend: dit element hoort hier niet"):
        parse_afschrift(met_onbekend)


def test_camt053_schemafout_gaat_voor_een_fout_in_een_eerdere_post():
    """Read streaming, but as if validated first: a post the reader refuses (not in EUR) before
    a later schema error still gets the schema's message, with its line."""
    goed = camt053("NL91ABNA0417164300", [{"bedrag": 100}, {"bedrag": 200}])
    eerste_in_usd = goed.replace(b'Ccy="EUR"', b'Ccy="USD"', 3)  # both balances and entry 1
    with pytest.raises(AfschriftFout, match="niet in EUR"):
        parse_afschrift(eerste_in_usd)
    laatste = eerste_in_usd.rindex(b"<Sts>BOOK</Sts>")
    kapot = eerste_in_usd[:laatste] + b"<Sts>BOOK</Sts><Onbekend/>" + eerste_in_usd[laatste + 15 :]
    with pytest.raises(AfschriftFout, match=r"regel \d+, element Onbekend: dit element hoort"):
        parse_afschrift(kapot)


def test_camt053_groot_bestand_wordt_gestreamd_gelezen():
    """Each entry is dropped once read: the tree never holds all entries (the memory of a
    50,000-entry import stays flat, docs/benchmarks.md)."""
    from lxml import etree

    posten = [{"bedrag": 100 + i} for i in range(300)]
    inhoud = camt053("NL91ABNA0417164300", posten)
    gezien = []
    echte_iterparse = etree.iterparse

    def tellend(*args, **kwargs):
        for gebeurtenis, el in echte_iterparse(*args, **kwargs):
            if etree.QName(el).localname == "Ntry":
                # Entries already read are no longer in the tree (the parser reads ahead in
                # blocks: later entries may already be there).
                vorige = el.getprevious()
                gezien.append(vorige is not None and vorige.tag == el.tag)
            yield gebeurtenis, el

    with mock.patch.object(etree, "iterparse", tellend):
        (afschrift,) = parse_afschrift(inhoud)
    assert len(afschrift.posten) == 300
    assert sum(p.bedrag for p in afschrift.posten) == sum(100 + i for i in range(300))
    assert len(gezien) == 300 and not any(gezien)


def test_onbekende_camt053_versie():
    inhoud = camt053("NL91ABNA0417164300", [{"bedrag": 100}]).replace(
        b"camt.053.001.02", b"camt.053.001.03"
    )
    with pytest.raises(AfschriftFout, match=r"camt\.053\.001\.03 wordt niet gelezen"):
        parse_afschrift(inhoud)


def test_schema_wordt_eenmaal_per_proces_geladen():
    assert camt053_schema("02") is camt053_schema("02")
    assert camt053_schema("08") is not camt053_schema("02")
