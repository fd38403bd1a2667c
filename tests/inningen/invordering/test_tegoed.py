"""Credit (tegoed) that can be settled (issue 16): offsetting against the debtor's other open
claims in the legal order with a letter, and refunds under four eyes paid by a pain.001.001.03
credit transfer file, each booked exactly once."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from lxml import etree

from inningen.betalingen.models import Betaling, Terugbetaling
from inningen.betalingen.selectors import tegoeden
from inningen.betalingen.services.afschriften import afschrift_import
from inningen.betalingen.services.betalingen import betaling_allocate, betaling_refund_mark
from inningen.betalingen.services.tegoed import tegoed_saldo
from inningen.choices import (
    BetalingStatus,
    Boekingdeel,
    Boekingsoort,
    Briefsoort,
    Opschortingsoort,
    VoorstelStatus,
    VorderingStatus,
)
from inningen.debiteuren.models import DebiteurRekening
from inningen.grootboek.models import Boeking, Vordering, Vorderingstatus
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.invordering.models import Brief
from inningen.invordering.services.brieven import brief_render_html
from inningen.invordering.services.opschortingen import opschorting_create
from inningen.invordering.services.tegoed import (
    TerugbetaalFout,
    pain001_validate,
    tegoed_verrekenen,
    terugbetaalbestand_create,
    terugbetaling_propose,
    terugbetaling_rest_propose,
    terugbetaling_review,
    verrekening_plan,
)
from inningen.organisaties.models import Bankrekening
from inningen.organisaties.services.rollen import roles_ensure
from stuffin.models import UitgaandBericht
from stuffin.services.koppelingen import koppeling_upsert
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
DEB_IBAN = "NL20INGB0001234567"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
VANDAAG = dt.date.today()


@pytest.fixture
def org():
    organisatie = OrganisatieFactory(naam="Gemeente Rivierstad")
    Bankrekening.objects.create(organisatie=organisatie, iban=ORG_IBAN)
    return organisatie


@pytest.fixture
def deb():
    debiteur = DebiteurFactory(geslachtsnaam="Öztürk", voorletters="H.")
    DebiteurRekening.objects.create(debiteur=debiteur, iban=DEB_IBAN)
    return debiteur


@pytest.fixture
def rollen():
    return roles_ensure()


@pytest.fixture
def anna(rollen, org):
    return gebruiker_maken("anna", "invorderaar", org)


@pytest.fixture
def bert(rollen, org):
    return gebruiker_maken("bert", "invorderaar", org)


def _claim(org, deb, dagen: int, **kw):
    return vordering_maken(
        org,
        debiteur=deb,
        factuurdatum=VANDAAG - dt.timedelta(days=dagen + 30),
        vervaldatum=VANDAAG - dt.timedelta(days=dagen),
        **kw,
    )


def _overbetaal(org, deb, *overschotten: int, naam="H. Öztürk"):
    """Per amount a claim of 121.00 paid with that many cents too much, all on one statement:
    credit of their sum, held by as many bank entries."""
    claims = [_claim(org, deb, 1) for _ in overschotten]
    afschrift_import(
        inhoud=camt053(
            ORG_IBAN,
            [
                {"bedrag": 12100 + x, "kenmerk": v.betalingskenmerk, "iban": DEB_IBAN, "naam": naam}
                for v, x in zip(claims, overschotten, strict=True)
            ],
        ),
        door="test",
    )
    return claims


def _boek(v, soort, bedrag, sleutel):
    boekingen_create(
        boekingen=[
            Boeking(
                organisatie_id=v.organisatie_id, vordering=v, soort=soort,
                boekdatum=VANDAAG, bedrag_incl_btw=bedrag, bedrag_excl_btw=bedrag,
                bedrag_btw=0, boekingssleutel=sleutel, door="test",
            )
        ]
    )  # fmt: skip


def _per_deel(v):
    return dict(
        Boeking.objects.filter(vordering=v, soort=Boekingsoort.BETALING)
        .values_list("deel")
        .annotate(s=Sum("bedrag_incl_btw"))
        .order_by()
    )


def _saldi_sluiten():
    # Raises CommandError (exit code 1) when any claim differs from its Boekingen.
    call_command("saldi_controleren")


def _betalingen_sluiten():
    """Every bank entry's Boekingen sum to minus its amount, plus what was refunded of it."""
    for b in Betaling.objects.all():
        som = Boeking.objects.filter(betaling=b).aggregate(s=Sum("bedrag_incl_btw"))["s"] or 0
        terug = (
            Boeking.objects.filter(betaling=b, soort=Boekingsoort.TERUGBETALING).aggregate(
                s=Sum("bedrag_incl_btw")
            )["s"]
            or 0
        )
        assert som - terug == -b.bedrag, b


# --- verrekenen ----------------------------------------------------------------------------------


def test_verrekenen_oudste_vordering_eerst_kosten_rente_hoofdsom(org, deb, anna):
    koppeling_upsert(
        applicatie="FACTURATIE", rol="tsa", gebruikersnaam="facturatie",
        wachtwoord="facturatie-wachtwoord", tsa_codes=["facturatie"],
        url="http://127.0.0.1:9/stuf", vorderende_organisaties=[org.rsin],
    )  # fmt: skip
    nieuw = _claim(org, deb, 10, vorderingnummer="V-NIEUW")
    oud = _claim(org, deb, 90, vorderingnummer="V-OUD")
    _boek(oud, Boekingsoort.KOSTEN, 700, "KOSTEN-AANMANING")
    _boek(oud, Boekingsoort.RENTE, 123, "RENTE")
    _overbetaal(org, deb, 2901)
    assert tegoeden(organisaties=[org]) == [(deb.pk, 2901)]
    assert [(v.vorderingnummer, b) for v, b in verrekening_plan(
        organisatie_id=org.pk, debiteur_id=deb.pk)] == [("V-OUD", 2901)]  # fmt: skip

    uitkomst, brief = tegoed_verrekenen(organisatie=org, debiteur=deb, user=anna)

    assert (uitkomst.tegoed_voor, uitkomst.totaal, uitkomst.tegoed_na) == (2901, 2901, 0)
    oud.refresh_from_db()
    nieuw.refresh_from_db()
    # Costs, then interest, then principal, to the cent.
    assert _per_deel(oud) == {
        Boekingdeel.KOSTEN: -700,
        Boekingdeel.RENTE: -123,
        Boekingdeel.HOOFDSOM: -(2901 - 700 - 123),
    }
    assert oud.openstaand_bedrag == 12100 + 700 + 123 - 2901
    assert nieuw.openstaand_bedrag == 12100
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 0
    assert tegoeden(organisaties=[org]) == []
    b = Betaling.objects.get()
    assert (b.status, b.restbedrag) == (BetalingStatus.TOEGEREKEND, 0)
    # The status goes to the TSA as for any payment (partly paid: same status, amount paid).
    status = Vorderingstatus.objects.filter(vordering=oud).order_by("-pk").first()
    assert (status.deel_bedrag_betaald, status.opmerkingen) == (2901, "Tegoed verrekend")
    assert UitgaandBericht.objects.filter(vordering=oud, vorderingstatus=status).exists()
    # The letter.
    assert (brief.soort, brief.debiteur, brief.vordering) == (Briefsoort.VERREKENING, deb, oud)
    assert brief.gegevens["totaal"] == 2901
    [regel] = brief.gegevens["vorderingen"]
    assert (regel["vorderingnummer"], regel["met_tegoed"], regel["openstaand"]) == (
        "V-OUD",
        2901,
        oud.openstaand_bedrag,
    )
    html = brief_render_html(brief=brief)
    for zin in ["tegoed verrekend", "V-OUD", "€ 29,01", "geen tegoed meer", "eerst de kosten"]:
        assert zin in html, zin
    _saldi_sluiten()
    _betalingen_sluiten()


def test_verrekenen_over_meerdere_vorderingen_en_bronnen_tot_op_de_cent(org, deb, anna):
    a = _claim(org, deb, 60, vorderingnummer="V-A")
    b = _claim(org, deb, 30, vorderingnummer="V-B")
    _overbetaal(org, deb, 9000, 5001)  # two entries hold credit: 140.01
    uitkomst, brief = tegoed_verrekenen(organisatie=org, debiteur=deb, user=anna)
    a.refresh_from_db()
    b.refresh_from_db()
    assert [(v.vorderingnummer, x) for v, x in uitkomst.regels] == [
        ("V-A", 12100),
        ("V-B", 14001 - 12100),
    ]
    assert (a.openstaand_bedrag, a.status) == (0, VorderingStatus.BETAALD)
    assert b.openstaand_bedrag == 12100 - 1901
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 0
    assert brief.vordering is None and len(brief.gegevens["vorderingen"]) == 2
    assert Betaling.objects.filter(status=BetalingStatus.TEGOED).count() == 0
    _saldi_sluiten()
    _betalingen_sluiten()


def test_verrekenen_laat_rest_tegoed_en_slaat_uitstel_en_andere_organisatie_over(org, deb, anna):
    ander = OrganisatieFactory()
    elders = _claim(ander, deb, 100)
    uitstel = _claim(org, deb, 100)
    opschorting_create(
        vordering=uitstel, soort=Opschortingsoort.UITSTEL, reden="Uitstel",
        vanaf=VANDAAG - dt.timedelta(days=1), tot=VANDAAG + dt.timedelta(days=30), door="test",
    )  # fmt: skip
    klein = _claim(org, deb, 50, regels=None)
    _boek(klein, Boekingsoort.BETALING, -12000, "BETALING")  # 1.00 left
    _overbetaal(org, deb, 500)
    uitkomst, brief = tegoed_verrekenen(organisatie=org, debiteur=deb, user=anna)
    assert [(v.pk, x) for v, x in uitkomst.regels] == [(klein.pk, 100)]
    assert uitkomst.tegoed_na == 400
    assert "U houdt een tegoed van € 4,00" in brief.gegevens["tekst"]
    for v in (elders, uitstel):
        v.refresh_from_db()
        assert v.openstaand_bedrag == 12100
    b = Betaling.objects.get()
    assert (b.status, b.restbedrag) == (BetalingStatus.TEGOED, 400)
    with pytest.raises(ValidationError, match="niets te verrekenen"):
        tegoed_verrekenen(organisatie=org, debiteur=deb, user=anna)
    _saldi_sluiten()


def test_verrekenen_alleen_met_recht_en_binnen_scope(org, deb, rollen):
    _overbetaal(org, deb, 500)
    _claim(org, deb, 50)
    balie = gebruiker_maken("carla", "baliemedewerker", org)
    buiten = gebruiker_maken("dirk", "invorderaar", OrganisatieFactory())
    for user in (balie, buiten):
        with pytest.raises(PermissionDenied):
            tegoed_verrekenen(organisatie=org, debiteur=deb, user=user)
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 500
    assert not Brief.objects.exists()


# --- terugbetalen --------------------------------------------------------------------------------


def _xpath(xml: str, pad: str):
    return etree.fromstring(xml.encode()).xpath(pad, namespaces=NS)


def test_terugbetalen_vier_ogen_boeking_en_pain001(org, deb, anna, bert):
    _overbetaal(org, deb, 2901)
    b = Betaling.objects.get()
    with pytest.raises(ValidationError, match="ten hoogste € 29,01"):
        terugbetaling_propose(betaling=b, bedrag=2902, reden="Dubbel betaald", user=anna)
    tb = terugbetaling_propose(betaling=b, bedrag=2000, reden="Dubbel betaald", user=anna)
    assert (tb.iban, tb.naam, tb.status) == (DEB_IBAN, "H. Öztürk", VoorstelStatus.VOORGESTELD)
    # Proposed refunds count: no second proposal beyond what is left.
    with pytest.raises(ValidationError, match="ten hoogste € 9,01"):
        terugbetaling_propose(betaling=b, bedrag=902, reden="Nog eens", user=bert)
    # Nothing booked yet.
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 2901
    with pytest.raises(ValidationError, match="Vier ogen"):
        terugbetaling_review(terugbetaling=tb, user=anna, goedkeuren=True)
    with pytest.raises(ValidationError, match="toelichting"):
        terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=False)

    terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    tb.refresh_from_db()
    assert (tb.status, tb.beoordeeld_door, tb.eind_tot_eind_id) == (
        VoorstelStatus.GOEDGEKEURD,
        bert,
        f"TERUGBETALING-{tb.pk}",
    )
    [boeking] = Boeking.objects.filter(soort=Boekingsoort.TERUGBETALING)
    assert (boeking.bedrag_incl_btw, boeking.deel, boeking.debiteur, boeking.betaling) == (
        2000,
        Boekingdeel.TEGOED,
        deb,
        b,
    )
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 901
    b.refresh_from_db()
    assert (b.status, b.restbedrag) == (BetalingStatus.TEGOED, 901)
    # A second approval (another tab, another colleague) books nothing.
    with pytest.raises(ValidationError, match="al beoordeeld"):
        terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    assert Boeking.objects.filter(soort=Boekingsoort.TERUGBETALING).count() == 1

    bestand = terugbetaalbestand_create(organisatie=org, user=anna, uitvoerdatum=VANDAAG)
    pain001_validate(bestand.xml.encode())
    assert (bestand.aantal, bestand.totaal) == (1, 2000)
    assert _xpath(bestand.xml, "string(//p:GrpHdr/p:NbOfTxs)") == "1"
    assert _xpath(bestand.xml, "string(//p:GrpHdr/p:CtrlSum)") == "20.00"
    assert _xpath(bestand.xml, "string(//p:PmtInf/p:DbtrAcct/p:Id/p:IBAN)") == ORG_IBAN
    [tx] = _xpath(bestand.xml, "//p:CdtTrfTxInf")
    assert tx.xpath("string(p:Amt/p:InstdAmt)", namespaces=NS) == "20.00"
    assert tx.xpath("string(p:Amt/p:InstdAmt/@Ccy)", namespaces=NS) == "EUR"
    assert tx.xpath("string(p:CdtrAcct/p:Id/p:IBAN)", namespaces=NS) == DEB_IBAN
    assert tx.xpath("string(p:PmtId/p:EndToEndId)", namespaces=NS) == tb.eind_tot_eind_id
    assert tx.xpath("string(p:Cdtr/p:Nm)", namespaces=NS) == "H. Ozturk"
    assert _xpath(bestand.xml, "string(//p:ReqdExctnDt)") == VANDAAG.isoformat()
    tb.refresh_from_db()
    assert tb.bestand == bestand
    # Paid once: the next file has nothing to pay.
    assert terugbetaalbestand_create(organisatie=org, user=anna) is None
    _saldi_sluiten()
    _betalingen_sluiten()


def test_pain001_schema_weigert_ongeldig_document():
    with pytest.raises(TerugbetaalFout, match=r"pain\.001\.001\.03"):
        pain001_validate(
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
            b"<CstmrCdtTrfInitn/></Document>"
        )


def test_goedkeuren_boven_het_tegoed_boekt_niets(org, deb, anna, bert):
    """Credit used meanwhile (offset, or a second refund): approval refuses, books nothing."""
    _overbetaal(org, deb, 2900)
    b = Betaling.objects.get()
    tb1 = terugbetaling_propose(betaling=b, bedrag=2000, reden="Terug", user=anna)
    # A proposal bypassing the service check (e.g. from before an offset).
    tb2 = Terugbetaling.objects.create(
        organisatie=org, debiteur=deb, betaling=b, bedrag=2000, iban=DEB_IBAN, naam="X",
        reden="Terug", voorgesteld_door=anna,
    )  # fmt: skip
    terugbetaling_review(terugbetaling=tb1, user=bert, goedkeuren=True)
    with pytest.raises(ValidationError, match="Het tegoed is € 9,00"):
        terugbetaling_review(terugbetaling=tb2, user=bert, goedkeuren=True)
    tb2.refresh_from_db()
    assert tb2.status == VoorstelStatus.VOORGESTELD
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 900
    _betalingen_sluiten()


def test_terugbetalen_scope_recht_en_ongeldige_tegenrekening(org, deb, anna, bert, rollen):
    _overbetaal(org, deb, 1000)
    b = Betaling.objects.get()
    buiten = gebruiker_maken("dirk", "invorderaar", OrganisatieFactory())
    balie = gebruiker_maken("carla", "baliemedewerker", org)
    for user in (buiten, balie):
        with pytest.raises(PermissionDenied):
            terugbetaling_propose(betaling=b, bedrag=100, reden="x", user=user)
    tb = terugbetaling_propose(betaling=b, bedrag=100, reden="x", user=anna)
    with pytest.raises(PermissionDenied):
        terugbetaling_review(terugbetaling=tb, user=buiten, goedkeuren=True)
    with pytest.raises(PermissionDenied):
        terugbetaalbestand_create(organisatie=org, user=buiten)
    Betaling.objects.filter(pk=b.pk).update(tegenrekening="NL00INGB0001234567")
    b.refresh_from_db()
    with pytest.raises(ValidationError, match="geen geldig IBAN"):
        terugbetaling_propose(betaling=b, bedrag=100, reden="x", user=anna)


def test_verrekenen_na_voorstel_laat_goedkeuring_weigeren(org, deb, anna, bert):
    _overbetaal(org, deb, 2900)
    _claim(org, deb, 50)
    tb = terugbetaling_propose(
        betaling=Betaling.objects.get(), bedrag=2900, reden="Terug", user=anna
    )
    tegoed_verrekenen(organisatie=org, debiteur=deb, user=bert)
    with pytest.raises(ValidationError, match="terugbetalen kan niet"):
        terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    assert not Boeking.objects.filter(soort=Boekingsoort.TERUGBETALING).exists()


@pytest.mark.django_db(transaction=True)
def test_gelijktijdig_goedkeuren_boekt_een_keer(rollen, postgresql):  # row locks
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=ORG_IBAN)
    deb = DebiteurFactory()
    DebiteurRekening.objects.create(debiteur=deb, iban=DEB_IBAN)
    anna = gebruiker_maken("anna", "invorderaar", org)
    beoordelaars = [gebruiker_maken(f"b{i}", "invorderaar", org) for i in range(2)]
    _overbetaal(org, deb, 2900)
    b = Betaling.objects.get()
    voorstellen = [
        terugbetaling_propose(betaling=b, bedrag=1500, reden="Terug", user=anna),
        Terugbetaling.objects.create(
            organisatie=org, debiteur=deb, betaling=b, bedrag=1500, iban=DEB_IBAN, naam="X",
            reden="Terug", voorgesteld_door=anna,
        ),
    ]  # fmt: skip
    start = threading.Barrier(4)
    fouten = []

    def keur(tb, user):
        try:
            start.wait()
            terugbetaling_review(terugbetaling=tb, user=user, goedkeuren=True)
        except ValidationError as exc:
            fouten.append(exc.messages[0])
        finally:
            connection.close()

    # Each proposal approved twice at once, by two colleagues: 1500 + 1500 > 2900.
    threads = [
        threading.Thread(target=keur, args=(tb, user))
        for tb in voorstellen
        for user in beoordelaars
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (
        Boeking.objects.filter(soort=Boekingsoort.TERUGBETALING).aggregate(
            s=Sum("bedrag_incl_btw")
        )["s"]
        == 1500
    )
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 1400
    assert Terugbetaling.objects.filter(status=VoorstelStatus.GOEDGEKEURD).count() == 1
    assert len(fouten) == 3
    assert Vordering.objects.count() == 1


def test_afschrijving_van_de_terugbetaling_op_het_afschrift_boekt_niet_nog_eens(
    org, deb, anna, bert
):
    """The bank debits the refund on a later statement: recorded, never booked a second time
    nor offered on the work list (its end-to-end id is no betalingskenmerk)."""
    _overbetaal(org, deb, 2901)
    tb = terugbetaling_propose(
        betaling=Betaling.objects.get(), bedrag=2901, reden="Terug", user=anna
    )
    terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    tb.refresh_from_db()
    terugbetaalbestand_create(organisatie=org, user=anna)
    voor = Boeking.objects.count()
    afschrift_import(
        inhoud=camt053(
            ORG_IBAN,
            [{"bedrag": -2901, "e2e": tb.eind_tot_eind_id, "iban": DEB_IBAN, "naam": "H. Öztürk",
              "tekst": "Terugbetaling tegoed Gemeente Rivierstad"}],
            ident="AFS-TERUG",
            datum=dt.date(2026, 11, 27),
        ),
        door="test",
    )  # fmt: skip
    afschrijving = Betaling.objects.get(bedrag=-2901)
    assert afschrijving.status == BetalingStatus.GENEGEERD
    assert Boeking.objects.count() == voor
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 0
    _saldi_sluiten()


def test_database_bewaakt_vier_ogen_en_bedrag(org, deb, anna):
    _overbetaal(org, deb, 500)
    tb = terugbetaling_propose(betaling=Betaling.objects.get(), bedrag=100, reden="x", user=anna)
    for wijziging in ({"beoordeeld_door": anna}, {"bedrag": 0}, {"bedrag": -5}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Terugbetaling.objects.filter(pk=tb.pk).update(**wijziging)


def test_terugbetaling_neemt_eerst_het_tegoed_van_de_gekozen_betaling(org, deb, anna, bert):
    _overbetaal(org, deb, 9000, 5001)
    eerste, tweede = Betaling.objects.order_by("volgnummer")
    tb = terugbetaling_propose(betaling=tweede, bedrag=6000, reden="Terug", user=anna)
    terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    per_post = dict(
        Boeking.objects.filter(soort=Boekingsoort.TERUGBETALING).values_list(
            "betaling_id", "bedrag_incl_btw"
        )
    )
    assert per_post == {tweede.pk: 5001, eerste.pk: 999}
    eerste.refresh_from_db()
    tweede.refresh_from_db()
    assert (tweede.status, tweede.restbedrag) == (BetalingStatus.TOEGEREKEND, 0)
    assert (eerste.status, eerste.restbedrag) == (BetalingStatus.TEGOED, 9000 - 999)
    _betalingen_sluiten()


# --- terugbetalen van een ontvangst zonder debiteur (werklijst, deel onverdeeld) -----------------

ONBEKEND_IBAN = "NL39RABO0300065264"


def _onbekende_ontvangst(org, bedrag=5000, iban=ONBEKEND_IBAN, naam="K. de Vries"):
    """A receipt no rule matches: on the work list, its whole amount onverdeeld, no debtor."""
    afschrift_import(
        inhoud=camt053(
            ORG_IBAN,
            [{"bedrag": bedrag, "iban": iban, "naam": naam, "tekst": "Per abuis overgemaakt"}],
            ident="AFS-ONBEKEND",
        ),
        door="test",
    )
    b = Betaling.objects.get(bedrag=bedrag)
    assert (b.status, b.restbedrag, b.debiteur_id) == (BetalingStatus.ONGEMATCHT, bedrag, None)
    return b


def _onverdeeld(b):
    return (
        Boeking.objects.filter(betaling=b, deel=Boekingdeel.ONVERDEELD).aggregate(
            s=Sum("bedrag_incl_btw")
        )["s"]
        or 0
    )


def test_rest_terugbetalen_zonder_debiteur_vier_ogen_boeking_en_pain001(org, deb, anna, bert):
    b = _onbekende_ontvangst(org)
    betaling_refund_mark(betaling=b, door="anna", opmerking="Niet voor ons")
    b.refresh_from_db()
    assert b.status == BetalingStatus.TERUGBETALEN
    with pytest.raises(ValidationError, match="ten hoogste € 50,00"):
        terugbetaling_rest_propose(betaling=b, bedrag=5001, reden="Per abuis", user=anna)
    with pytest.raises(ValidationError, match="reden"):
        terugbetaling_rest_propose(betaling=b, bedrag=5000, reden=" ", user=anna)
    tb = terugbetaling_rest_propose(betaling=b, bedrag=4000, reden="Per abuis", user=anna)
    # To the entry's own counter account and name, no debtor.
    assert (tb.iban, tb.naam, tb.debiteur, tb.betaling, tb.status) == (
        ONBEKEND_IBAN, "K. de Vries", None, b, VoorstelStatus.VOORGESTELD,
    )  # fmt: skip
    # What is proposed counts: at most the rest minus the open proposals.
    with pytest.raises(ValidationError, match="ten hoogste € 10,00"):
        terugbetaling_rest_propose(betaling=b, bedrag=1001, reden="Nog eens", user=bert)
    # A debtor's credit is not touched by it (nor does it count against that credit).
    _overbetaal(org, deb, 700)
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 700
    terugbetaling_propose(
        betaling=Betaling.objects.get(debiteur=deb), bedrag=700, reden="Tegoed", user=anna
    )
    # Nothing booked before approval; four eyes.
    assert _onverdeeld(b) == -5000
    with pytest.raises(ValidationError, match="Vier ogen"):
        terugbetaling_review(terugbetaling=tb, user=anna, goedkeuren=True)

    terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    tb.refresh_from_db()
    assert (tb.status, tb.eind_tot_eind_id) == (
        VoorstelStatus.GOEDGEKEURD,
        f"TERUGBETALING-{tb.pk}",
    )
    [boeking] = Boeking.objects.filter(betaling=b, soort=Boekingsoort.TERUGBETALING)
    assert (boeking.bedrag_incl_btw, boeking.deel, boeking.debiteur, boeking.vordering) == (
        4000, Boekingdeel.ONVERDEELD, None, None,
    )  # fmt: skip
    assert _onverdeeld(b) == -1000
    b.refresh_from_db()
    # Partly refunded: the rest stays on the work list, still to refund.
    assert (b.status, b.restbedrag) == (BetalingStatus.TERUGBETALEN, 1000)
    # Booked once: a second approval books nothing.
    with pytest.raises(ValidationError, match="al beoordeeld"):
        terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    assert Boeking.objects.filter(betaling=b, soort=Boekingsoort.TERUGBETALING).count() == 1
    assert tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk) == 700

    # The rest too: the entry is then refunded in full and leaves the work list.
    tb2 = terugbetaling_rest_propose(betaling=b, bedrag=1000, reden="Rest", user=bert)
    terugbetaling_review(terugbetaling=tb2, user=anna, goedkeuren=True)
    b.refresh_from_db()
    assert (b.status, b.restbedrag) == (BetalingStatus.TERUGBETAALD, 0)
    assert _onverdeeld(b) == 0
    with pytest.raises(ValidationError, match="niets meer"):
        terugbetaling_rest_propose(betaling=b, bedrag=1, reden="Nog eens", user=anna)

    # One file with the credit refund's neighbours: both approved refunds of the entry.
    bestand = terugbetaalbestand_create(organisatie=org, user=anna, uitvoerdatum=VANDAAG)
    pain001_validate(bestand.xml.encode())
    assert (bestand.aantal, bestand.totaal) == (2, 5000)
    for t, bedrag in ((tb, "40.00"), (tb2, "10.00")):
        [tx] = _xpath(bestand.xml, f"//p:CdtTrfTxInf[p:PmtId/p:EndToEndId='TERUGBETALING-{t.pk}']")
        assert tx.xpath("string(p:Amt/p:InstdAmt)", namespaces=NS) == bedrag
        assert tx.xpath("string(p:CdtrAcct/p:Id/p:IBAN)", namespaces=NS) == ONBEKEND_IBAN
        assert tx.xpath("string(p:Cdtr/p:Nm)", namespaces=NS) == "K. de Vries"
        assert "20-11-2026" in tx.xpath("string(p:RmtInf/p:Ustrd)", namespaces=NS)
    assert terugbetaalbestand_create(organisatie=org, user=anna) is None
    _saldi_sluiten()
    _betalingen_sluiten()


def test_rest_en_tegoed_terugbetaling_in_een_bestand(org, deb, anna, bert):
    b = _onbekende_ontvangst(org)  # ongematcht: refundable from its detail screen as well
    _overbetaal(org, deb, 2901)
    tb_rest = terugbetaling_rest_propose(betaling=b, bedrag=5000, reden="Onbekend", user=anna)
    tb_tegoed = terugbetaling_propose(
        betaling=Betaling.objects.get(debiteur=deb), bedrag=2901, reden="Tegoed", user=anna
    )
    for tb in (tb_rest, tb_tegoed):
        terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    b.refresh_from_db()
    assert (b.status, b.restbedrag) == (BetalingStatus.TERUGBETAALD, 0)
    bestand = terugbetaalbestand_create(organisatie=org, user=anna, uitvoerdatum=VANDAAG)
    assert (bestand.aantal, bestand.totaal) == (2, 7901)
    assert sorted(_xpath(bestand.xml, "//p:CdtrAcct/p:Id/p:IBAN/text()")) == sorted(
        [ONBEKEND_IBAN, DEB_IBAN]
    )
    assert _xpath(bestand.xml, "string(//p:GrpHdr/p:CtrlSum)") == "79.01"
    _saldi_sluiten()
    _betalingen_sluiten()


def test_rest_terugbetalen_weigert_te_veel_geen_iban_scope_en_verkeerde_status(
    org, deb, anna, bert, rollen
):
    b = _onbekende_ontvangst(org)
    buiten = gebruiker_maken("dirk", "invorderaar", OrganisatieFactory())
    balie = gebruiker_maken("carla", "baliemedewerker", org)
    for user in (buiten, balie):
        with pytest.raises(PermissionDenied):
            terugbetaling_rest_propose(betaling=b, bedrag=100, reden="x", user=user)
    tb = terugbetaling_rest_propose(betaling=b, bedrag=5000, reden="x", user=anna)
    with pytest.raises(PermissionDenied):
        terugbetaling_review(terugbetaling=tb, user=buiten, goedkeuren=True)
    # Allocated by hand meanwhile: approval refuses what exceeds the rest, books nothing.
    v = _claim(org, deb, 5)
    betaling_allocate(betaling=b, toewijzingen=[(v, 2000)], door="bert")
    with pytest.raises(ValidationError, match="nog € 30,00"):
        terugbetaling_review(terugbetaling=tb, user=bert, goedkeuren=True)
    tb.refresh_from_db()
    assert tb.status == VoorstelStatus.VOORGESTELD
    assert not Boeking.objects.filter(soort=Boekingsoort.TERUGBETALING).exists()
    b.refresh_from_db()
    assert (b.status, b.restbedrag) == (BetalingStatus.ONGEMATCHT, 3000)
    # No valid IBAN, no counter account, a debit, a credit entry: refused.
    Betaling.objects.filter(pk=b.pk).update(tegenrekening="NL00INGB0001234567")
    b.refresh_from_db()
    with pytest.raises(ValidationError, match="geen geldig IBAN"):
        terugbetaling_rest_propose(betaling=b, bedrag=100, reden="x", user=anna)
    Betaling.objects.filter(pk=b.pk).update(tegenrekening="")
    b.refresh_from_db()
    with pytest.raises(ValidationError, match="tegenrekening"):
        terugbetaling_rest_propose(betaling=b, bedrag=100, reden="x", user=anna)
    _overbetaal(org, deb, 500)
    with pytest.raises(ValidationError, match="werklijst"):
        terugbetaling_rest_propose(
            betaling=Betaling.objects.get(status=BetalingStatus.TEGOED),
            bedrag=100,
            reden="x",
            user=anna,
        )
    _betalingen_sluiten()


def test_database_eist_betaling_bij_terugbetaling_zonder_debiteur(org, anna):
    b = _onbekende_ontvangst(org)
    tb = terugbetaling_rest_propose(betaling=b, bedrag=100, reden="x", user=anna)
    with pytest.raises(IntegrityError), transaction.atomic():
        Terugbetaling.objects.filter(pk=tb.pk).update(betaling=None)


@pytest.mark.django_db(transaction=True)
def test_rest_gelijktijdig_goedkeuren_betaalt_niet_dubbel(rollen, postgresql):  # row locks
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=ORG_IBAN)
    anna = gebruiker_maken("anna", "invorderaar", org)
    beoordelaars = [gebruiker_maken(f"b{i}", "invorderaar", org) for i in range(2)]
    b = _onbekende_ontvangst(org, bedrag=2900)
    voorstellen = [
        terugbetaling_rest_propose(betaling=b, bedrag=1500, reden="Terug", user=anna),
        # Bypassing the proposal check: together more than the rest.
        Terugbetaling.objects.create(
            organisatie=org, betaling=b, bedrag=1500, iban=ONBEKEND_IBAN, naam="X",
            reden="Terug", voorgesteld_door=anna,
        ),
    ]  # fmt: skip
    start = threading.Barrier(4)
    fouten = []

    def keur(tb, user):
        try:
            start.wait()
            terugbetaling_review(terugbetaling=tb, user=user, goedkeuren=True)
        except ValidationError as exc:
            fouten.append(exc.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=keur, args=(tb, user))
        for tb in voorstellen
        for user in beoordelaars
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (
        Boeking.objects.filter(soort=Boekingsoort.TERUGBETALING).aggregate(
            s=Sum("bedrag_incl_btw")
        )["s"]
        == 1500
    )
    b.refresh_from_db()
    assert (b.status, b.restbedrag) == (BetalingStatus.ONGEMATCHT, 1400)
    assert Terugbetaling.objects.filter(status=VoorstelStatus.GOEDGEKEURD).count() == 1
    assert len(fouten) == 3
