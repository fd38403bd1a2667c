"""The demo data set: valid identifiers, a consistent ledger and history, idempotent loading."""

import functools
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from schwifty import IBAN
from stdnum.eu import at_02

from inningen.choices import Boekingsoort, Debiteursoort, VorderingStatus, Vorderingtype
from inningen.models import (
    Bankrekening,
    Boeking,
    Debiteur,
    DebiteurRekening,
    Machtiging,
    Organisatie,
    Termijn,
    Vordering,
    Vorderingsregel,
    Vorderingstatus,
)
from inningen.services import demo as demo_service
from inningen.services.demo import (
    DEMO_RSINS,
    GEBRUIKERS,
    KOPPELINGEN,
    ORGANISATIES,
    DemoInProductieError,
    demo_load,
    demo_users_ensure,
    elfproef_aanvullen,
)
from inningen.validators import is_valid_elfproef
from stuffin.models import Koppeling, Koppelingsrol

KLEIN = {"n_debiteuren": 50, "n_vorderingen": 200}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def snelle_hashes(settings):
    # Koppelingen and users hash their demo passwords; PBKDF2 would dominate these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tellingen():
    return demo_load(**KLEIN)


def test_counts(tellingen):
    assert tellingen["bestond_al"] is False
    assert tellingen["organisaties"] == 3
    assert tellingen["koppelingen"] == 6
    assert tellingen["debiteuren"] == Debiteur.objects.count() == 50
    assert tellingen["vorderingen"] == Vordering.objects.count() == 200
    assert tellingen["boekingen"] == Boeking.objects.count() > 200
    assert tellingen["statussen"] == Vorderingstatus.objects.count() > 200
    assert tellingen["vorderingsregels"] == Vorderingsregel.objects.count()
    assert tellingen["termijnen"] == Termijn.objects.count() > 0
    assert tellingen["machtigingen"] == Machtiging.objects.count() > 0
    assert 0 < tellingen["zonder_debiteur"] < 10
    rollen = Counter(Koppeling.objects.values_list("rol", flat=True))
    assert rollen == {Koppelingsrol.TSA: 5, Koppelingsrol.FINANCIELE_ADMINISTRATIE: 1}
    # Every TSA code of a koppeling is used, and claims only carry codes of allowed organisations.
    for k in KOPPELINGEN:
        koppeling = Koppeling.objects.get(gebruikersnaam=k.gebruikersnaam)
        toegestaan = set(koppeling.vorderende_organisaties.values_list("pk", flat=True))
        assert len(toegestaan) == len(k.organisaties)
        codes = set(koppeling.tsa_codes.values_list("code", flat=True))
        assert codes == set(k.tsa_codes)
        assert (
            not Vordering.objects.filter(tsa__in=codes).exclude(organisatie__in=toegestaan).exists()
        )


def test_second_run_adds_nothing(tellingen):
    aantallen = [
        m.objects.count()
        for m in (
            Organisatie,
            Koppeling,
            Debiteur,
            DebiteurRekening,
            Vordering,
            Boeking,
            Vorderingstatus,
            Machtiging,
        )
    ]
    tweede = demo_load(**KLEIN)
    assert tweede["bestond_al"] is True
    assert {k: v for k, v in tweede.items() if k != "bestond_al"} == {
        k: v for k, v in tellingen.items() if k != "bestond_al"
    }
    assert aantallen == [
        m.objects.count()
        for m in (
            Organisatie,
            Koppeling,
            Debiteur,
            DebiteurRekening,
            Vordering,
            Boeking,
            Vorderingstatus,
            Machtiging,
        )
    ]


def test_identifiers_are_valid(tellingen):
    bsns = list(Debiteur.objects.exclude(bsn=None).values_list("bsn", flat=True))
    assert len(bsns) > 30
    assert all(is_valid_elfproef(b) and b != "000000000" and len(b) == 9 for b in bsns)
    rsins = list(Debiteur.objects.exclude(rsin=None).values_list("rsin", flat=True))
    assert rsins and all(is_valid_elfproef(r) for r in rsins)
    assert not Debiteur.objects.filter(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, kvk_nummer=None
    ).exists()
    for iban in [
        *DebiteurRekening.objects.values_list("iban", flat=True),
        *Bankrekening.objects.values_list("iban", flat=True),
        *Machtiging.objects.values_list("iban", flat=True),
    ]:
        assert IBAN(iban).country_code == "NL"
    for org in Organisatie.objects.all():
        assert org.rsin in DEMO_RSINS and is_valid_elfproef(org.rsin)
        assert at_02.is_valid(org.incassant_id)
        assert org.gemeentecode == "" or (org.gemeentecode.isdigit() and len(org.gemeentecode) == 4)
        assert org.rekeningen.count() == 1
    assert elfproef_aanvullen("00284513") == "002845131"
    assert elfproef_aanvullen("00284512") is None  # remainder 10: no check digit fits


def test_open_balance_is_sum_of_boekingen(tellingen, django_assert_num_queries):
    saldo = (
        Boeking.objects.filter(vordering=OuterRef("pk"))
        .order_by()
        .values("vordering")
        .annotate(s=Sum("bedrag_incl_btw"))
        .values("s")
    )
    with django_assert_num_queries(1):
        afwijkend = (
            Vordering.objects.annotate(saldo=Coalesce(Subquery(saldo), 0))
            .exclude(openstaand_bedrag=F("saldo"))
            .count()
        )
    assert afwijkend == 0
    # Closed claims have nothing left; payments are negative Boekingen.
    assert (
        not Vordering.objects.filter(
            status__in=[
                VorderingStatus.BETAALD,
                VorderingStatus.ONINBAAR,
                VorderingStatus.KWIJTGESCHOLDEN,
            ]
        )
        .exclude(openstaand_bedrag=0)
        .exists()
    )
    betalingen = Boeking.objects.filter(soort=Boekingsoort.BETALING)
    assert betalingen.exists() and not betalingen.filter(bedrag_incl_btw__gte=0).exists()
    assert not Boeking.objects.exclude(
        bedrag_incl_btw=F("bedrag_excl_btw") + F("bedrag_btw")
    ).exists()


def test_totals_are_sums_of_regels_and_termijnen(tellingen):
    som = Vordering.objects.annotate(
        excl=Sum("regels__bedrag_excl_btw"),
        btw=Sum("regels__bedrag_btw"),
        incl=Sum("regels__bedrag_incl_btw"),
    )
    assert not som.exclude(
        totaalbedrag_excl_btw=F("excl"), totaalbedrag_btw=F("btw"), totaalbedrag_incl_btw=F("incl")
    ).exists()
    met_termijnen = Vordering.objects.filter(termijnen__isnull=False).annotate(
        t=Sum("termijnen__bedrag")
    )
    assert met_termijnen.exists()
    assert not met_termijnen.exclude(totaalbedrag_incl_btw=F("t")).exists()
    assert not Vordering.objects.exclude(waarschuwingen=[]).exists()
    # Private-law invoices carry 21% or 9% BTW or none; public-law claims never BTW.
    assert (
        not Vorderingsregel.objects.filter(vordering__publiekrechtelijk=True)
        .exclude(btw_percentage=0, bedrag_btw=0)
        .exists()
    )
    assert set(Vorderingsregel.objects.values_list("btw_percentage", flat=True)) <= {0, 900, 2100}


def test_status_is_latest_history_row_and_history_is_chronological(tellingen):
    laatste = Vorderingstatus.objects.filter(vordering=OuterRef("pk")).order_by(
        "-datum_en_tijd", "-pk"
    )
    vorderingen = Vordering.objects.annotate(
        laatste_status=Subquery(laatste.values("status")[:1]),
        laatste_tijd=Subquery(laatste.values("datum_en_tijd")[:1]),
        eerste_status=Subquery(
            Vorderingstatus.objects.filter(vordering=OuterRef("pk"))
            .order_by("datum_en_tijd", "pk")
            .values("status")[:1]
        ),
    )
    assert not vorderingen.exclude(status=F("laatste_status")).exists()
    assert not vorderingen.exclude(status_datum=F("laatste_tijd")).exists()
    assert not vorderingen.exclude(eerste_status=VorderingStatus.VERWERKT).exists()
    # No two changes of one claim at the same moment, so the order is unambiguous.
    dubbel = Vorderingstatus.objects.values("vordering", "datum_en_tijd").annotate(n=Count("pk"))
    assert not dubbel.filter(n__gt=1).exists()
    statussen = set(Vordering.objects.values_list("status", flat=True))
    assert {
        VorderingStatus.VERWERKT,
        VorderingStatus.BETAALD,
        VorderingStatus.INVORDERING,
    } <= statussen
    # Ledger entries of paid claims are not later than the status change that closed them.
    betaald = Vordering.objects.filter(status=VorderingStatus.BETAALD)
    assert not Boeking.objects.filter(
        vordering__in=betaald, boekdatum__gt=F("vordering__status_datum__date")
    ).exists()


def test_claims_without_debtor_and_credit_notes(tellingen):
    zonder = Vordering.objects.zonder_debiteur()
    assert zonder.exists()
    assert set(zonder.values_list("status", flat=True)) == {VorderingStatus.VERWERKT}
    credit = Vordering.objects.filter(regels__vorderingtype=Vorderingtype.CREDITFACTUUR)
    assert credit.exists()
    for v in credit.select_related("heeft_betrekking_op"):
        origineel = v.heeft_betrekking_op
        assert origineel is not None and v.totaalbedrag_incl_btw < 0
        assert (origineel.debiteur_id, origineel.organisatie_id, origineel.tsa) == (
            v.debiteur_id,
            v.organisatie_id,
            v.tsa,
        )
        assert origineel.creatiedatum < v.creatiedatum


def test_accented_names_and_debtors_with_many_claims(tellingen):
    assert Debiteur.objects.filter(geslachtsnaam="Öztürk", voornamen__startswith="Hüseyin").exists()
    assert Debiteur.objects.filter(zoeknaam__startswith="ozturk").exists()
    assert Debiteur.objects.filter(statutaire_naam__startswith="Çelik").exists()
    drukste = Debiteur.objects.annotate(n=Count("vorderingen")).order_by("-n")[:2]
    assert all(d.n >= 8 for d in drukste)
    assert Debiteur.objects.filter(debiteurnummer__startswith="DEMO-").count() == 50


def test_users_and_scoping(tellingen):
    resultaat = demo_users_ensure()
    assert [(g, w, r) for g, w, r in resultaat] == [
        (g.gebruikersnaam, g.wachtwoord, g.rol) for g in GEBRUIKERS
    ]
    user_model = get_user_model()
    balie = user_model.objects.get(username="balie")
    invorderaar = user_model.objects.get(username="invorderaar")
    beheer = user_model.objects.get(username="beheer")
    assert balie.check_password("demo-balie-2026") and balie.is_staff and not balie.is_superuser
    assert beheer.is_superuser and beheer.is_staff

    per_sleutel = {o.sleutel: o.rsin for o in ORGANISATIES}
    zichtbaar = Vordering.objects.for_user(balie)
    assert set(zichtbaar.values_list("organisatie__rsin", flat=True).distinct()) == {
        per_sleutel["RVS"],
        per_sleutel["BSR"],
    }
    assert (
        zichtbaar.count()
        == Vordering.objects.filter(
            organisatie__rsin__in=[per_sleutel["RVS"], per_sleutel["BSR"]]
        ).count()
    )
    assert 0 < zichtbaar.count() < Vordering.objects.count()
    assert Vordering.objects.for_user(invorderaar).count() == Vordering.objects.count()
    assert Vordering.objects.for_user(beheer).count() == Vordering.objects.count()

    assert balie.has_perm("inningen.view_vordering") and not balie.has_perm(
        "inningen.change_vordering"
    )
    assert invorderaar.has_perm("inningen.change_vordering")
    assert not invorderaar.has_perm("inningen.change_boeking")
    assert user_model.objects.get(username="beheer").groups.filter(name="beheerder").exists()


def test_users_ensure_is_idempotent_and_resets_nothing(tellingen):
    demo_users_ensure()
    balie = get_user_model().objects.get(username="balie")
    balie.set_password("zelf-gekozen-wachtwoord")
    balie.save()
    demo_users_ensure()
    assert (
        get_user_model().objects.filter(username__in=["balie", "invorderaar", "beheer"]).count()
        == 3
    )
    balie.refresh_from_db()
    assert balie.check_password("zelf-gekozen-wachtwoord")
    assert balie.medewerker.organisaties.count() == 2
    assert balie.groups.count() == 1


def test_refused_in_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(DemoInProductieError):
        demo_load(**KLEIN)
    with pytest.raises(DemoInProductieError):
        demo_users_ensure()
    assert not Vordering.objects.exists()


def test_command_prints_counts_and_demo_passwords(monkeypatch, capsys):
    from inningen.management.commands import demo as command

    monkeypatch.setattr(command, "demo_load", functools.partial(demo_load, **KLEIN))
    call_command("demo")
    uit = capsys.readouterr().out
    assert "Demodata aangemaakt in" in uit and "200 vorderingen" in uit
    assert "ALLEEN VOOR DEMO" in uit and "demo-balie-2026" in uit and "demo-parkeren-2026" in uit
    call_command("demo")
    assert "Demodata bestaat al" in capsys.readouterr().out
    assert Vordering.objects.count() == 200


def test_money_helpers():
    assert demo_service._btw(1000, 2100) == 210
    assert demo_service._btw(-1000, 2100) == -210
    assert demo_service._btw(5, 900) == 0
    rest = [[1210, 1000, 210, "A"], [500, 500, 0, "B"]]
    delen = demo_service._verdeel(rest, 1300)
    assert sum(d[1] for d in delen) == 1300
    assert all(d[1] == d[2] + d[3] for d in delen)
    assert [r[0] for r in rest] == [0, 410]
    assert demo_service._verdeel(rest, 410) == [("B", 410, 410, 0)]


def test_no_outgoing_messages_for_the_demo_history(tellingen):
    try:
        uitgaand = apps.get_model("stuffin", "UitgaandBericht")
    except LookupError:
        pytest.skip("geen StUF-outbox in deze versie")
    assert not Koppeling.objects.exclude(url="").exists()
    assert not uitgaand.objects.exists()
