"""Afboekingen under four eyes (issue 8): oninbaar, kwijtschelding (full and partial) and
vermindering become Boekingen per part and key, the status goes to the TSA."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from inningen.choices import (
    Afboekingsoort,
    Boekingdeel,
    Boekingsoort,
    BtwCategorie,
    VoorstelStatus,
    VorderingStatus,
    Vorderingtype,
)
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.vorderingen import RegelInvoer
from inningen.invordering.services.afboekingen import afboeking_propose, afboeking_review
from inningen.organisaties.services.rollen import roles_ensure
from stuffin.models import UitgaandBericht
from stuffin.services.koppelingen import koppeling_upsert
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def rollen():
    return roles_ensure()


@pytest.fixture
def anna(rollen, org):
    return gebruiker_maken("anna", "invorderaar", org)


@pytest.fixture
def bert(rollen, org):
    return gebruiker_maken("bert", "invorderaar", org)


def _regel(code, bedrag):
    return RegelInvoer(
        bedrag_excl_btw=bedrag,
        bedrag_btw=0,
        bedrag_incl_btw=bedrag,
        btw_categorie=BtwCategorie.NUL,
        btw_percentage=0,
        vorderingtype=Vorderingtype.AANSLAG,
        vorderingcode=code,
        vorderingomschrijving=code,
    )


def _boek(v, soort, bedrag, sleutel, deel=""):
    boekingen_create(
        boekingen=[
            Boeking(
                organisatie_id=v.organisatie_id,
                vordering=v,
                soort=soort,
                deel=deel,
                boekdatum=dt.date.today(),
                bedrag_incl_btw=bedrag,
                bedrag_excl_btw=bedrag,
                bedrag_btw=0,
                boekingssleutel=sleutel,
                door="test",
            )
        ]
    )


@pytest.fixture
def aanslag(org):
    """OZB 100 + RIO 50, aanmaningskosten 15, rente 2,50, 30 paid (on OZB, the largest key):
    open 137,50 = costs 15 + interest 2,50 + principal 120 (OZB 70, RIO 50)."""
    v = vordering_maken(
        org,
        debiteur=DebiteurFactory(),
        tsa="belastingen",
        publiekrechtelijk=True,
        regels=[_regel("OZB", 10000), _regel("RIO", 5000)],
    )
    _boek(v, Boekingsoort.KOSTEN, 1500, "KOSTEN-AANMANING")
    _boek(v, Boekingsoort.RENTE, 250, "INVORDERINGSRENTE")
    _boek(v, Boekingsoort.BETALING, -3000, "OZB", deel=Boekingdeel.HOOFDSOM)
    v.refresh_from_db()
    assert v.openstaand_bedrag == 13750
    return v


def _afboekingen(v):
    return sorted(
        (b.soort, b.deel, b.boekingssleutel, b.bedrag_incl_btw)
        for b in Boeking.objects.filter(
            vordering=v,
            soort__in=[
                Boekingsoort.ONINBAAR,
                Boekingsoort.KWIJTSCHELDING,
                Boekingsoort.VERMINDERING,
            ],
        )
    )


def _check_cache(v):
    v.refresh_from_db()
    som = Boeking.objects.filter(vordering=v).aggregate(s=Sum("bedrag_incl_btw"))["s"]
    assert v.openstaand_bedrag == som
    return v


def test_four_eyes_then_oninbaar_books_every_part_and_tells_the_tsa(
    org, aanslag, anna, bert, rollen
):
    koppeling_upsert(
        applicatie="BELASTINGEN", rol="tsa", gebruikersnaam="belastingen",
        wachtwoord="belastingen-wachtwoord", tsa_codes=["belastingen"],
        url="http://127.0.0.1:9/stuf", vorderende_organisaties=[org.rsin],
    )  # fmt: skip
    voorstel = afboeking_propose(
        vordering=aanslag, soort=Afboekingsoort.ONINBAAR, reden="Failliet, boedel leeg", user=anna
    )
    assert (voorstel.bedrag, voorstel.status) == (13750, VoorstelStatus.VOORGESTELD)

    with pytest.raises(ValidationError, match="Vier ogen"):
        afboeking_review(voorstel=voorstel, user=anna, goedkeuren=True)
    balie = gebruiker_maken("balie", "baliemedewerker", org)
    with pytest.raises(PermissionDenied):
        afboeking_review(voorstel=voorstel, user=balie, goedkeuren=True)
    assert _afboekingen(aanslag) == []
    voorstel.refresh_from_db()
    assert (voorstel.status, voorstel.beoordeeld_door, voorstel.beoordeeld_op) == (
        VoorstelStatus.VOORGESTELD,
        None,
        None,
    )

    voorstel = afboeking_review(voorstel=voorstel, user=bert, goedkeuren=True, toelichting="Ok")
    assert (voorstel.status, voorstel.beoordeeld_door, voorstel.toelichting_beoordeling) == (
        VoorstelStatus.GOEDGEKEURD,
        bert,
        "Ok",
    )
    assert voorstel.beoordeeld_op is not None
    assert _afboekingen(aanslag) == [
        ("oninbaar", "hoofdsom", "OZB", -7000),
        ("oninbaar", "hoofdsom", "RIO", -5000),
        ("oninbaar", "kosten", "KOSTEN-AANMANING", -1500),
        ("oninbaar", "rente", "INVORDERINGSRENTE", -250),
    ]
    v = _check_cache(aanslag)
    assert (v.openstaand_bedrag, v.status) == (0, VorderingStatus.ONINBAAR)
    assert Boeking.objects.filter(vordering=v, soort="oninbaar").first().door == "bert"
    status = v.statussen.order_by("-pk").first()
    assert (status.status, status.opmerkingen, status.door) == (
        "ONI",
        "Failliet, boedel leeg",
        "bert",
    )
    bericht = UitgaandBericht.objects.filter(vordering=v).order_by("-pk").first()
    assert bericht.vorderingstatus.status == "ONI"
    with pytest.raises(ValidationError, match="al beoordeeld"):
        afboeking_review(voorstel=voorstel, user=bert, goedkeuren=False, toelichting="x")
    voorstel.refresh_from_db()
    assert (voorstel.status, voorstel.toelichting_beoordeling) == (VoorstelStatus.GOEDGEKEURD, "Ok")
    assert len(_afboekingen(v)) == 4


def test_full_kwijtschelding_is_kwi(aanslag, anna, bert):
    voorstel = afboeking_propose(
        vordering=aanslag,
        soort=Afboekingsoort.KWIJTSCHELDING,
        reden="Inkomen onder norm",
        user=anna,
    )
    assert voorstel.bedrag == 13750
    afboeking_review(voorstel=voorstel, user=bert, goedkeuren=True)
    v = _check_cache(aanslag)
    assert (v.openstaand_bedrag, v.status) == (0, VorderingStatus.KWIJTGESCHOLDEN)
    assert sum(b[3] for b in _afboekingen(v)) == -13750


def test_partial_kwijtschelding_costs_first_then_vrm(aanslag, anna, bert):
    voorstel = afboeking_propose(
        vordering=aanslag,
        soort=Afboekingsoort.KWIJTSCHELDING,
        bedrag=2000,
        reden="Gedeeltelijke betalingscapaciteit",
        user=anna,
    )
    afboeking_review(voorstel=voorstel, user=bert, goedkeuren=True)
    assert _afboekingen(aanslag) == [
        ("kwijtschelding", "hoofdsom", "OZB", -250),
        ("kwijtschelding", "kosten", "KOSTEN-AANMANING", -1500),
        ("kwijtschelding", "rente", "INVORDERINGSRENTE", -250),
    ]
    v = _check_cache(aanslag)
    assert (v.openstaand_bedrag, v.status) == (11750, VorderingStatus.VERMINDERD)
    assert v.statussen.order_by("-pk").first().opmerkingen == (
        "Gedeeltelijk kwijtgescholden: Gedeeltelijke betalingscapaciteit"
    )


def test_vermindering_lowers_principal_only(aanslag, anna, bert):
    with pytest.raises(ValidationError, match="openstaande hoofdsom"):
        afboeking_propose(
            vordering=aanslag, soort=Afboekingsoort.VERMINDERING, bedrag=12001, reden="x", user=anna
        )
    with pytest.raises(ValidationError, match="bedrag van de vermindering"):
        afboeking_propose(
            vordering=aanslag, soort=Afboekingsoort.VERMINDERING, reden="x", user=anna
        )
    voorstel = afboeking_propose(
        vordering=aanslag,
        soort=Afboekingsoort.VERMINDERING,
        bedrag=9000,
        reden="WOZ-waarde verlaagd na bezwaar",
        user=anna,
    )
    afboeking_review(voorstel=voorstel, user=bert, goedkeuren=True)
    # Largest open key first, then the next: costs and interest stay.
    assert _afboekingen(aanslag) == [
        ("vermindering", "hoofdsom", "OZB", -7000),
        ("vermindering", "hoofdsom", "RIO", -2000),
    ]
    v = _check_cache(aanslag)
    assert (v.openstaand_bedrag, v.status) == (4750, VorderingStatus.VERMINDERD)
    assert v.statussen.order_by("-pk").first().opmerkingen == "WOZ-waarde verlaagd na bezwaar"


def test_reject_needs_explanation_and_books_nothing(aanslag, anna, bert):
    voorstel = afboeking_propose(
        vordering=aanslag, soort=Afboekingsoort.ONINBAAR, reden="Onvindbaar", user=anna
    )
    with pytest.raises(ValidationError, match="toelichting"):
        afboeking_review(voorstel=voorstel, user=bert, goedkeuren=False)
    voorstel = afboeking_review(
        voorstel=voorstel, user=bert, goedkeuren=False, toelichting="Eerst BRP raadplegen"
    )
    assert voorstel.status == VoorstelStatus.AFGEWEZEN
    assert _afboekingen(aanslag) == []
    v = _check_cache(aanslag)
    assert (v.openstaand_bedrag, v.status) == (13750, VorderingStatus.VERWERKT)
    # Decided: a new proposal may be made.
    afboeking_propose(vordering=v, soort=Afboekingsoort.ONINBAAR, reden="Toch", user=anna)


def test_proposal_rules(org, aanslag, anna):
    with pytest.raises(ValidationError, match="reden"):
        afboeking_propose(vordering=aanslag, soort=Afboekingsoort.ONINBAAR, reden="", user=anna)
    with pytest.raises(ValidationError, match="hele openstaande"):
        afboeking_propose(
            vordering=aanslag, soort=Afboekingsoort.ONINBAAR, bedrag=100, reden="x", user=anna
        )
    for bedrag in (0, 13751):
        with pytest.raises(ValidationError, match="ten hoogste het openstaande"):
            afboeking_propose(
                vordering=aanslag,
                soort=Afboekingsoort.KWIJTSCHELDING,
                bedrag=bedrag,
                reden="x",
                user=anna,
            )
    assert not aanslag.afboekingsvoorstellen.exists()
    afboeking_propose(vordering=aanslag, soort=Afboekingsoort.ONINBAAR, reden="x", user=anna)
    with pytest.raises(ValidationError, match="al een voorstel"):
        afboeking_propose(
            vordering=aanslag, soort=Afboekingsoort.KWIJTSCHELDING, reden="y", user=anna
        )
    assert list(aanslag.afboekingsvoorstellen.values_list("soort", flat=True)) == [
        Afboekingsoort.ONINBAAR
    ]
    elders = vordering_maken(OrganisatieFactory(), debiteur=DebiteurFactory())
    with pytest.raises(PermissionDenied):
        afboeking_propose(vordering=elders, soort=Afboekingsoort.ONINBAAR, reden="x", user=anna)
    assert not elders.afboekingsvoorstellen.exists()
    zonder_recht = gebruiker_maken("kijker", "baliemedewerker", org)
    eigen = vordering_maken(org, debiteur=DebiteurFactory())
    with pytest.raises(PermissionDenied):
        afboeking_propose(
            vordering=eigen, soort=Afboekingsoort.ONINBAAR, reden="x", user=zonder_recht
        )
    assert not eigen.afboekingsvoorstellen.exists()


def test_approval_rechecks_the_open_amount(org, anna, bert):
    deb = DebiteurFactory()
    a = vordering_maken(org, debiteur=deb)
    b = vordering_maken(org, debiteur=deb)
    oninbaar = afboeking_propose(vordering=a, soort=Afboekingsoort.ONINBAAR, reden="x", user=anna)
    deels = afboeking_propose(
        vordering=b, soort=Afboekingsoort.KWIJTSCHELDING, bedrag=12000, reden="x", user=anna
    )
    for v in (a, b):  # a payment arrives in the meantime
        _boek(v, Boekingsoort.BETALING, -500, "OMZ-001", deel=Boekingdeel.HOOFDSOM)
    with pytest.raises(ValidationError, match="gewijzigd"):
        afboeking_review(voorstel=oninbaar, user=bert, goedkeuren=True)
    with pytest.raises(ValidationError, match="intussen betaald"):
        afboeking_review(voorstel=deels, user=bert, goedkeuren=True)
    assert _afboekingen(a) == _afboekingen(b) == []
    assert Vordering.objects.get(pk=a.pk).status == VorderingStatus.VERWERKT
    for voorstel in (oninbaar, deels):
        voorstel.refresh_from_db()
        assert (voorstel.status, voorstel.beoordeeld_door) == (VoorstelStatus.VOORGESTELD, None)
