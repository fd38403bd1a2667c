"""The demo data set: valid identifiers, a consistent ledger and history, idempotent loading,
and collection (runs, letters, regelingen, opschortingen, afboekingen) done by the services."""

import functools
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from schwifty import IBAN
from stdnum.eu import at_02

from inningen.betalingen.models import Afschrift, Betaling
from inningen.choices import (
    AFGESLOTEN_STATUSSEN,
    BetalingStatus,
    Boekingsoort,
    Briefsoort,
    Debiteursoort,
    Opschortingsoort,
    RegelingStatus,
    RunStatus,
    VoorstelStatus,
    VorderingStatus,
    Vorderingtype,
)
from inningen.choices import Invorderingsstap as Stap
from inningen.debiteuren.models import Debiteur, DebiteurRekening, Machtiging
from inningen.demo import opbouw as demo_service
from inningen.demo.gegevens import (
    DEMO_RSINS,
    GEBRUIKERS,
    KOPPELINGEN,
    ORGANISATIES,
    TOELICHTING_HISTORIE,
    elfproef_aanvullen,
)
from inningen.demo.services import DemoInProductieError, demo_load, demo_users_ensure
from inningen.grootboek.models import Boeking, Termijn, Vordering, Vorderingsregel, Vorderingstatus
from inningen.invordering.models import (
    Afboekingsvoorstel,
    Betalingsregeling,
    Brief,
    Invorderingsrun,
    Invorderingsstap,
    Opschorting,
)
from inningen.invordering.services.invordering import afschrift_check
from inningen.organisaties.models import Bankrekening, Organisatie
from inningen.validators import is_valid_elfproef
from stuffin.models import Koppeling, Koppelingsrol

KLEIN = {"n_debiteuren": 50, "n_vorderingen": 200}
# Big enough that every kind of collection event occurs whatever today's date is.
MIDDEL = {"n_debiteuren": 120, "n_vorderingen": 600}

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


INVORDERING_MODELLEN = (
    Invorderingsrun,
    Invorderingsstap,
    Brief,
    Afschrift,
    Betaling,
    Betalingsregeling,
    Opschorting,
    Afboekingsvoorstel,
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
            *INVORDERING_MODELLEN,
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
            *INVORDERING_MODELLEN,
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


def _afwijkend_saldo() -> int:
    """Claims whose openstaand_bedrag is not the sum of their Boekingen (one query)."""
    saldo = (
        Boeking.objects.filter(vordering=OuterRef("pk"))
        .order_by()
        .values("vordering")
        .annotate(s=Sum("bedrag_incl_btw"))
        .values("s")
    )
    return (
        Vordering.objects.annotate(saldo=Coalesce(Subquery(saldo), 0))
        .exclude(openstaand_bedrag=F("saldo"))
        .count()
    )


def test_open_balance_is_sum_of_boekingen(tellingen, django_assert_num_queries):
    with django_assert_num_queries(1):
        afwijkend = _afwijkend_saldo()
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
    _status_en_historie_kloppen()


def _status_en_historie_kloppen():
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
    assert [(a.gebruikersnaam, a.wachtwoord, a.rol) for a in resultaat] == [
        (g.gebruikersnaam, g.wachtwoord, g.rol) for g in GEBRUIKERS
    ]
    per_naam = {a.gebruikersnaam: a for a in resultaat}
    # What each user sees, as printed: the scope rule's answer.
    assert per_naam["balie"].organisaties == (
        "Belastingsamenwerking Rivierland",
        "Gemeente Rivierstad",
    )
    assert per_naam["invorderaar2"].organisaties == ("Gemeente Polderdam", "Gemeente Rivierstad")
    assert per_naam["invorderaar2"].rollen == ("invorderaar",)
    assert len(per_naam["beheer"].organisaties) == 3
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
        get_user_model().objects.filter(username__in=[g.gebruikersnaam for g in GEBRUIKERS]).count()
        == len(GEBRUIKERS)
        == 4
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
    assert "invorderingsstappen" in uit and "Invorderingsstappen: " in uit
    assert "Invorderingsruns: Voorstel: wacht op goedkeuring 3, Uitgevoerd 9." in uit
    # Every user with password, role(s) and the organisations they see.
    regel = next(r for r in uit.splitlines() if r.strip().startswith("invorderaar2 "))
    assert "demo-invorderaar2-2026" in regel and "invorderaar" in regel
    assert "Gemeente Polderdam, Gemeente Rivierstad" in regel
    assert "Belastingsamenwerking Rivierland, Gemeente Rivierstad" in next(
        r for r in uit.splitlines() if r.strip().startswith("balie ")
    )
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
    """The history sends nothing; only the TSA with the unreachable endpoint has messages: the
    few that fill "Mislukte berichten", given up (DOOD) after a refused connection."""
    from inningen.demo.gegevens import ONBEREIKBARE_URL
    from stuffin.models import UitgaandStatus

    uitgaand = apps.get_model("stuffin", "UitgaandBericht")  # the outbox exists: no skip
    assert list(Koppeling.objects.exclude(url="").values_list("url", flat=True)) == [
        ONBEREIKBARE_URL
    ]
    assert uitgaand.objects.exclude(koppeling__url=ONBEREIKBARE_URL).count() == 0
    berichten = uitgaand.objects.all()
    assert 0 < berichten.count() <= 3
    assert {b.status for b in berichten} == {UitgaandStatus.DOOD}
    assert all(b.laatste_fout for b in berichten)


def test_every_work_list_has_work(tellingen, client):
    """#19: the demo fills every screen: unmatched payments, credits and a refund to review,
    adres in onderzoek, failed messages, claims without debtor, write-offs to review, and a
    run preview started by one invorderaar for the other to approve."""
    from django.urls import reverse

    for soort in ("ongematchte_betalingen", "tegoeden", "terugbetalingen", "mislukte_berichten",
                  "adres_in_onderzoek", "zonder_debiteur", "afboekingsvoorstellen"):  # fmt: skip
        assert tellingen[soort] > 0, soort
    assert Invorderingsrun.objects.filter(
        status=RunStatus.VOORSTEL, aangemaakt_door="invorderaar"
    ).exists()
    for o in ORGANISATIES:
        organisatie = Organisatie.objects.get(rsin=o.rsin)
        assert organisatie.contact == o.contact and organisatie.telefoonnummer
    tweede = get_user_model().objects.get(username="invorderaar2")
    client.force_login(tweede)
    for naam in ("zonder_debiteur", "uitgaand", "afboekingen", "adres_in_onderzoek",
                 "tegoeden", "terugbetalingen", "runs"):  # fmt: skip
        assert client.get(reverse(f"balie:{naam}")).status_code == 200, naam


def test_collection_through_the_services():
    """Past runs, statements, regelingen, opschortingen and write-offs are the services' own
    work: consistent ledger, letters, statuses and history; a preview waits for today."""
    demo_load(**MIDDEL)
    vandaag = timezone.localdate()
    assert _afwijkend_saldo() == 0
    _status_en_historie_kloppen()

    # Three past runs per organisation on current statements (never forced), and a preview.
    uitgevoerd = Invorderingsrun.objects.filter(status=RunStatus.UITGEVOERD)
    assert uitgevoerd.count() == 9 and not uitgevoerd.filter(geforceerd=True).exists()
    assert set(uitgevoerd.values_list("datum", flat=True)) == set(demo_service._rundata(vandaag))
    voorstellen = Invorderingsrun.objects.filter(status=RunStatus.VOORSTEL)
    assert voorstellen.count() == 3 and set(voorstellen.values_list("datum", flat=True)) == {
        vandaag
    }
    assert sum(r.samenvatting["aantal"] for r in voorstellen) > 0
    assert not voorstellen.exclude(melding="").exists()
    assert not Invorderingsrun.objects.exclude(
        status__in=[RunStatus.UITGEVOERD, RunStatus.VOORSTEL]
    ).exists()
    for org in Organisatie.objects.all():
        assert afschrift_check(org, vandaag) == ""

    # Steps of every kind; the runs' own with a letter each, none rendered during the load.
    assert set(Invorderingsstap.objects.values_list("stap", flat=True)) == set(Stap.values)
    door_runs = Counter(
        Invorderingsstap.objects.filter(run__isnull=False).values_list("stap", flat=True)
    )
    assert door_runs[Stap.HERINNERING] and door_runs[Stap.DWANGBEVEL] and door_runs[Stap.EXTERN]
    assert (
        not Invorderingsstap.objects.filter(run__isnull=True)
        .exclude(toelichting=TOELICHTING_HISTORIE)
        .exists()
    )
    assert not Invorderingsstap.objects.filter(run__isnull=False, brief__isnull=True).exists()
    assert not Brief.objects.filter(gerenderd_op__isnull=False).exists()
    # Costs (Kostenwet, WIK) and interest booked by the runs, on the run's date.
    kosten = Boeking.objects.filter(soort=Boekingsoort.KOSTEN)
    assert kosten.filter(boekingssleutel="KOSTEN-DWANGBEVEL").exists()
    assert kosten.filter(boekingssleutel="KOSTEN-BIK").exists()
    assert Boeking.objects.filter(soort=Boekingsoort.RENTE).exists()
    assert set(
        Boeking.objects.filter(soort__in=[Boekingsoort.KOSTEN, Boekingsoort.RENTE]).values_list(
            "boekdatum", flat=True
        )
    ) <= set(uitgevoerd.values_list("datum", flat=True))
    # A dwangbevel or overdracht leaves our hands (EXT) unless the claim was settled since.
    buiten = Vordering.objects.filter(invorderingsstap__in=[Stap.DWANGBEVEL, Stap.EXTERN])
    assert buiten.exists()
    assert not buiten.exclude(status__in=[VorderingStatus.EXTERN, *AFGESLOTEN_STATUSSEN]).exists()
    # No step before the claim existed or after today; the claim's state is its last step.
    assert not Invorderingsstap.objects.filter(datum__lt=F("vordering__creatiedatum")).exists()
    assert not Invorderingsstap.objects.filter(datum__gt=vandaag).exists()
    laatste = Invorderingsstap.objects.filter(vordering=OuterRef("pk")).order_by("-datum")
    met_stap = Vordering.objects.annotate(
        stap=Subquery(laatste.values("stap")[:1]), datum=Subquery(laatste.values("datum")[:1])
    ).filter(stap__isnull=False)
    assert met_stap.exists()
    assert not met_stap.exclude(invorderingsstap=F("stap"), stap_datum=F("datum")).exists()
    assert not Vordering.objects.filter(invorderingsstap="").exclude(stap_datum=None).exists()

    # Payments on the statements: matched on the letter's kenmerk, every cent booked.
    betalingen = Betaling.objects.all()
    assert betalingen.exists()
    # Except today's second statement: the work list's entries (#19), unplaced or a credit.
    werk = betalingen.filter(afschrift__identificatie__endswith="-2")
    assert not betalingen.exclude(pk__in=werk).exclude(status=BetalingStatus.TOEGEREKEND).exists()
    assert {b.status for b in werk} == {BetalingStatus.ONGEMATCHT, BetalingStatus.TEGOED}
    geboekt = dict(
        Boeking.objects.filter(betaling__isnull=False)
        .values_list("betaling")
        .annotate(s=Sum("bedrag_incl_btw"))
        .order_by()
    )
    assert all(geboekt[b.pk] == -b.bedrag for b in betalingen)

    # Regelingen: one lapsed after two missed termijnen (with its letter), others running.
    vervallen = Betalingsregeling.objects.get(status=RegelingStatus.VERVALLEN)
    assert vervallen.gemist >= 2 and vervallen.status_datum <= vandaag
    assert vervallen.brieven.filter(soort=Briefsoort.REGELING_VERVALLEN).exists()
    assert Brief.objects.filter(soort=Briefsoort.REGELING_BEVESTIGING).count() == (
        Betalingsregeling.objects.count()
    )
    # Opschortingen: uitstel into the future, bezwaar only against public-law claims.
    assert Opschorting.objects.filter(soort=Opschortingsoort.UITSTEL, tot__gt=vandaag).exists()
    bezwaren = Opschorting.objects.filter(soort=Opschortingsoort.BEZWAAR)
    assert bezwaren.exists()
    assert not bezwaren.filter(vordering__publiekrechtelijk=False).exists()
    # Afboekingen under four eyes: proposed by the invorderaar, approved by someone else.
    open_ = Afboekingsvoorstel.objects.filter(status=VoorstelStatus.VOORGESTELD)
    assert open_.exists()
    goedgekeurd = Afboekingsvoorstel.objects.filter(status=VoorstelStatus.GOEDGEKEURD)
    assert goedgekeurd.count() == 1
    assert set(Afboekingsvoorstel.objects.values_list("voorgesteld_door__username", flat=True)) == {
        "invorderaar"
    }
    assert goedgekeurd.get().beoordeeld_door.username == "beheer"
