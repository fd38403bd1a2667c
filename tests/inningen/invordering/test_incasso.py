"""SEPA direct debit files (pain.008.001.02) validated against the official XSD; mandates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from inningen.betalingen.models import Incassopost
from inningen.betalingen.services.afschriften import afschrift_import
from inningen.choices import Invorderingsregime, MachtigingStatus, VorderingStatus
from inningen.debiteuren.models import DebiteurRekening, Machtiging
from inningen.grootboek.models import Vordering
from inningen.grootboek.services.vorderingen import TermijnInvoer
from inningen.invordering.services.incasso import (
    IncassoFout,
    incassobestand_create,
    machtiging_create,
    machtigingen_expire,
    pain008_validate,
)
from inningen.organisaties.models import Bankrekening
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
DEB_IBAN = "NL20INGB0001234567"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
DAG = datetime.date(2027, 3, 1)


@pytest.fixture
def org():
    organisatie = OrganisatieFactory(incassant_id="NL69ZZZ123456780000")
    Bankrekening.objects.create(organisatie=organisatie, iban=ORG_IBAN)
    return organisatie


@pytest.fixture
def machtiging(org):
    deb = DebiteurFactory(geslachtsnaam="Öztürk")
    DebiteurRekening.objects.create(debiteur=deb, iban=DEB_IBAN)
    return machtiging_create(
        organisatie=org,
        debiteur=deb,
        kenmerk="BEL-2026-0001",
        afgiftedatum=datetime.date(2026, 1, 5),
        iban="nl20 ingb 0001 2345 67",
    )


def _termijnvordering(org, machtiging, **kw):
    v = vordering_maken(
        org,
        debiteur=machtiging.debiteur,
        invorderingsregime=Invorderingsregime.TERMIJNVERVOLGING,
        termijnen=[
            TermijnInvoer(bedrag=6050, vervaldatum=DAG),
            TermijnInvoer(bedrag=6050, vervaldatum=DAG + datetime.timedelta(days=31)),
        ],
        **kw,
    )
    Vordering.objects.filter(pk=v.pk).update(machtiging=machtiging)
    return v


def test_machtiging_balie_valideert(org, machtiging):
    assert machtiging.iban == DEB_IBAN
    with pytest.raises(ValidationError):
        machtiging_create(
            organisatie=org, debiteur=None, kenmerk="X", afgiftedatum=DAG, iban="NL00FOUT"
        )
    with pytest.raises(ValidationError):
        machtiging_create(
            organisatie=org, debiteur=None, kenmerk="BEL-2026-0001", afgiftedatum=DAG, iban=DEB_IBAN
        )
    assert list(Machtiging.objects.values_list("kenmerk", "debiteur")) == [
        ("BEL-2026-0001", machtiging.debiteur_id)
    ]


def test_pain008_valide_tegen_xsd_en_rcur(org, machtiging):
    v = _termijnvordering(org, machtiging)
    w = _termijnvordering(org, machtiging)
    bestand = incassobestand_create(organisatie=org, incassodatum=DAG, door="test")
    pain008_validate(bestand.xml.encode())  # also done by the service; explicit here
    doc = etree.fromstring(bestand.xml.encode())
    assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "121.00"
    assert {e.text for e in doc.iterfind(".//p:SeqTp", namespaces=NS)} == {"RCUR"}
    assert (
        doc.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS)
        == "NL69ZZZ123456780000"
    )
    e2e = {e.text for e in doc.iterfind(".//p:EndToEndId", namespaces=NS)}
    assert e2e == {
        v.termijnen.get(volgnummer=1).betalingskenmerk,
        w.termijnen.get(volgnummer=1).betalingskenmerk,
    }
    assert "Ozturk" in bestand.xml  # transliterated to the SEPA character set
    machtiging.refresh_from_db()
    assert machtiging.eerste_incasso == machtiging.laatste_incasso == DAG
    # never twice for one date
    assert incassobestand_create(organisatie=org, incassodatum=DAG, door="test") is None
    assert Incassopost.objects.count() == 2


def test_schema_weigert_ongeldig_document(org, machtiging):
    _termijnvordering(org, machtiging)
    xml = incassobestand_create(organisatie=org, incassodatum=DAG, door="test").xml
    with pytest.raises(IncassoFout):
        pain008_validate(xml.replace("<SeqTp>RCUR</SeqTp>", "<SeqTp>XXXX</SeqTp>").encode())


def test_opgeschorte_machtiging_wordt_niet_geind(org, machtiging):
    _termijnvordering(org, machtiging)
    Machtiging.objects.filter(pk=machtiging.pk).update(status=MachtigingStatus.OPGESCHORT)
    assert incassobestand_create(organisatie=org, incassodatum=DAG, door="test") is None
    assert not Incassopost.objects.exists()


def test_storno_op_incasso_heropent_termijn_met_reden(org, machtiging):
    v = _termijnvordering(org, machtiging)
    incassobestand_create(organisatie=org, incassodatum=DAG, door="test")
    post = Incassopost.objects.get()
    afschrift_import(
        inhoud=camt053(ORG_IBAN, [{"bedrag": 6050, "e2e": post.eind_tot_eind_id}], ident="I1"),
        door="test",
    )
    v.refresh_from_db()
    assert v.openstaand_bedrag == 6050
    afschrift_import(
        inhoud=camt053(
            ORG_IBAN,
            [{"bedrag": -6050, "e2e": post.eind_tot_eind_id, "retour": "AM04"}],
            ident="I2",
        ),
        door="test",
    )
    v.refresh_from_db()
    assert v.openstaand_bedrag == 12100 and v.status == VorderingStatus.VERWERKT
    termijn = v.termijnen.get(volgnummer=1)
    storno = termijn.boekingen.filter(soort="storno").get()
    assert storno.bedrag_incl_btw == 6050 and "AM04 Onvoldoende saldo" in storno.omschrijving
    machtiging.refresh_from_db()
    assert machtiging.opeenvolgende_stornos == 1


def test_machtiging_verloopt_36_maanden_na_laatste_incasso(org, machtiging):
    Machtiging.objects.filter(pk=machtiging.pk).update(laatste_incasso=datetime.date(2023, 2, 28))
    assert machtigingen_expire(peildatum=datetime.date(2026, 2, 28)) == 0
    assert machtigingen_expire(peildatum=datetime.date(2026, 3, 1)) == 1
    machtiging.refresh_from_db()
    assert machtiging.status == MachtigingStatus.VERLOPEN


def test_commando_maak_incassobestand(org, machtiging, tmp_path, capsys):
    from django.core.management import call_command

    _termijnvordering(org, machtiging)
    uit = tmp_path / "incasso.xml"
    call_command("maak_incassobestand", "--rsin", org.rsin, "--datum", DAG.isoformat(), str(uit))
    assert "1 incasso's, € 60,50" in capsys.readouterr().out
    pain008_validate(uit.read_bytes())
    call_command("maak_incassobestand", "--rsin", org.rsin, "--datum", DAG.isoformat(), str(uit))
    assert "Niets te incasseren" in capsys.readouterr().out


def test_mt940_storno_met_rtrn(org, machtiging):
    from tests.inningen.betalingen.afschriftbestanden import mt940

    v = _termijnvordering(org, machtiging)
    kenmerk = v.termijnen.get(volgnummer=1).betalingskenmerk
    afschrift_import(
        inhoud=mt940(ORG_IBAN, [{"bedrag": 6050, "e2e": kenmerk, "iban": DEB_IBAN}], ident="M1"),
        door="test",
    )
    afschrift_import(
        inhoud=mt940(ORG_IBAN, [{"bedrag": -6050, "e2e": kenmerk, "retour": "MS02"}], ident="M2"),
        door="test",
    )
    v.refresh_from_db()
    assert v.openstaand_bedrag == 12100
    assert v.boekingen.filter(soort="storno", omschrijving__contains="MS02").exists()


def test_regeling_per_incasso_komt_in_het_incassobestand(org, machtiging, monkeypatch):
    from django.utils import timezone

    from inningen.choices import Betaalwijze, Regelingsoort
    from inningen.invordering.services.regelingen import regeling_create, regeling_plan

    monkeypatch.setattr(timezone, "localdate", lambda *a: DAG - datetime.timedelta(days=10))
    a = vordering_maken(org, debiteur=machtiging.debiteur)  # € 121,00 each
    b = vordering_maken(org, debiteur=machtiging.debiteur, tsa="parkeren")
    plan = regeling_plan(
        vorderingen=[a, b], soort=Regelingsoort.AANTAL_TERMIJNEN, startdatum=DAG, aantal_termijnen=4
    )
    regeling = regeling_create(
        plan=plan, betaalwijze=Betaalwijze.INCASSO, machtiging=machtiging, door="test"
    )
    eigen = _termijnvordering(org, machtiging)  # its own termijn is due on DAG too
    bestand = incassobestand_create(organisatie=org, incassodatum=DAG, door="test")
    posten = {(p.termijn_id, p.regelingtermijn_id): p for p in bestand.posten.all()}
    regelpost = next(p for (t, r), p in posten.items() if r is not None)
    assert regelpost.bedrag == 6050  # 24200 / 4
    assert regelpost.eind_tot_eind_id == a.betalingskenmerk  # credit matches the first claim
    assert regelpost.regelingtermijn == regeling.termijnen.get(volgnummer=1)
    eigen_posten = [p for (t, r), p in posten.items() if r is None]
    assert [(p.vordering, p.termijn, p.bedrag) for p in eigen_posten] == [
        (eigen, eigen.termijnen.get(volgnummer=1), 6050)
    ]
    doc = etree.fromstring(bestand.xml.encode())
    assert len(doc.findall(".//p:DrctDbtTxInf", NS)) == 2
    # Not twice for the same date.
    assert incassobestand_create(organisatie=org, incassodatum=DAG, door="test") is None
    assert Incassopost.objects.count() == 2


def test_vordering_in_regeling_of_met_uitstel_niet_via_eigen_termijnen(
    org, machtiging, monkeypatch
):
    from django.utils import timezone

    from inningen.choices import Betaalwijze, Opschortingsoort, Regelingsoort
    from inningen.invordering.models import Opschorting
    from inningen.invordering.services.regelingen import regeling_create, regeling_plan

    monkeypatch.setattr(timezone, "localdate", lambda *a: DAG - datetime.timedelta(days=10))
    in_regeling = _termijnvordering(org, machtiging)  # own termijn due on DAG
    plan = regeling_plan(
        vorderingen=[in_regeling], soort=Regelingsoort.AANTAL_TERMIJNEN, startdatum=DAG,
        aantal_termijnen=1,
    )  # fmt: skip
    regeling_create(plan=plan, betaalwijze=Betaalwijze.INCASSO, machtiging=machtiging, door="t")
    met_uitstel = _termijnvordering(org, machtiging)
    Opschorting.objects.create(
        vordering=met_uitstel, soort=Opschortingsoort.UITSTEL, reden="test",
        vanaf=DAG - datetime.timedelta(days=1), tot=DAG + datetime.timedelta(days=30), door="t",
    )  # fmt: skip
    bestand = incassobestand_create(organisatie=org, incassodatum=DAG, door="test")
    posten = list(bestand.posten.values_list("vordering_id", "termijn_id", "regelingtermijn_id"))
    # Only the regeling's termijn: not the claim's own termijn too, nothing for the uitstel.
    assert len(posten) == 1
    assert posten[0][0] == in_regeling.pk and posten[0][1] is None
    assert bestand.totaal == in_regeling.openstaand_bedrag
