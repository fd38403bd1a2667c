"""The invorderingsrun: steps, timing, skip rules, costs, interest, idempotency, dry run = run."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inningen.betalingen.models import Afschrift, Betaling
from inningen.choices import (
    BetalingStatus,
    Boekingsoort,
    Debiteursoort,
    Invorderingsregime,
    MachtigingStatus,
    Opschortingsoort,
    RegelingStatus,
    RunStatus,
    VorderingStatus,
    Vorderingtype,
)
from inningen.choices import (
    Invorderingsstap as Stap,
)
from inningen.debiteuren.models import Machtiging
from inningen.grootboek.models import Boeking, Termijn, Vordering, Vorderingstatus
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.vorderingen import RegelInvoer
from inningen.invordering.models import (
    Betalingsregeling,
    Brief,
    Invorderingsinstelling,
    Invorderingsrun,
    Invorderingsstap,
    Opschorting,
)
from inningen.invordering.services.invordering import (
    Overslaan,
    RunGeweigerd,
    invordering_plan,
    invorderingsrun_execute,
)
from inningen.organisaties.models import Bankrekening
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken

pytestmark = pytest.mark.django_db

DAG = dt.date(2026, 11, 23)  # a Monday; last banking day before it: Friday 20 November


@pytest.fixture
def org():
    organisatie = OrganisatieFactory(naam="Gemeente Proefstad")
    rekening = Bankrekening.objects.create(organisatie=organisatie, iban="NL91ABNA0417164300")
    Afschrift.objects.create(
        organisatie=organisatie,
        bankrekening=rekening,
        formaat="camt053",
        identificatie="A1",
        datum=dt.date(2026, 11, 20),
        sha256="x" * 64,
        ingelezen_door="test",
    )
    return organisatie


def aanslag_regels(bedrag):
    return [
        RegelInvoer(
            bedrag_excl_btw=bedrag,
            bedrag_btw=0,
            bedrag_incl_btw=bedrag,
            btw_categorie="NUL",
            btw_percentage=0,
            vorderingtype=Vorderingtype.AANSLAG,
            vorderingcode="OZB",
            vorderingomschrijving="Onroerendezaakbelasting",
        )
    ]


def claim(org, *, verval, publiek=False, bedrag=None, debiteur=None, **kw):
    debiteur = debiteur if debiteur is not None else DebiteurFactory()
    extra = {"regels": aanslag_regels(bedrag)} if bedrag is not None else {}
    return vordering_maken(
        org,
        debiteur=debiteur,
        publiekrechtelijk=publiek,
        factuurdatum=verval - dt.timedelta(days=30),
        creatiedatum=verval - dt.timedelta(days=30),
        vervaldatum=verval,
        **extra,
        **kw,
    )


def run(org, datum=DAG, **kw):
    return invorderingsrun_execute(organisatie=org, datum=datum, door="test", **kw)


def test_herinnering_na_wachttijd_en_niet_eerder(org):
    te_vroeg = claim(org, verval=DAG - dt.timedelta(days=7))  # 7 days: not yet (> 7 needed)
    op_tijd = claim(org, verval=DAG - dt.timedelta(days=8))
    resultaat = run(org)
    assert [v.vordering_id for v in resultaat.plan.voorstellen] == [op_tijd.pk]
    op_tijd.refresh_from_db()
    assert op_tijd.invorderingsstap == Stap.HERINNERING
    assert op_tijd.status == VorderingStatus.INVORDERING
    stap = Invorderingsstap.objects.get(vordering=op_tijd)
    assert (stap.kosten, stap.rente) == (0, 0)  # a herinnering is free
    assert stap.betalen_voor == DAG + dt.timedelta(days=14)
    brief = Brief.objects.get(vordering=op_tijd)
    assert brief.soort == "herinnering"
    assert brief.gegevens["totaal"] == op_tijd.openstaand_bedrag
    assert brief.gegevens["betalingskenmerk"] == op_tijd.betalingskenmerk
    assert brief.gegevens["organisatie"]["iban"] == "NL91ABNA0417164300"
    assert Vorderingstatus.objects.filter(vordering=op_tijd, status="INV").exists()
    te_vroeg.refresh_from_db()
    assert te_vroeg.invorderingsstap == ""


def test_publiekrechtelijk_pad_met_kosten_en_rente(org):
    v = claim(org, verval=DAG - dt.timedelta(days=60), publiek=True, bedrag=50000)
    run(org, DAG - dt.timedelta(days=40))  # herinnering
    run(org, DAG - dt.timedelta(days=20))  # 20 days later: aanmaning
    v.refresh_from_db()
    assert v.invorderingsstap == Stap.AANMANING
    kosten = Boeking.objects.get(vordering=v, soort=Boekingsoort.KOSTEN)
    assert kosten.bedrag_incl_btw == 1800  # Kostenwet: € 500 ≥ € 454 → high band
    rente = Boeking.objects.get(vordering=v, soort=Boekingsoort.RENTE)
    # Invorderingsrente 6% over € 500 for the 40 days after the due date, 2026 (365 days).
    assert rente.bedrag_incl_btw == round(50000 * 600 * 40 / (10000 * 365))
    run(org, DAG - dt.timedelta(days=5))  # aanmaning + 14 < 15 days: dwangbevel
    v.refresh_from_db()
    assert v.invorderingsstap == Stap.DWANGBEVEL
    assert v.status == VorderingStatus.EXTERN
    assert v.openstaand_bedrag == Boeking.objects.filter(vordering=v).saldo()
    assert v.openstaand_bedrag == 50000 + 1800 + 4500 + sum(
        Boeking.objects.filter(vordering=v, soort=Boekingsoort.RENTE).values_list(
            "bedrag_incl_btw", flat=True
        )
    )
    # Handed over: no further steps.
    assert run(org, DAG).aantal == 0


def test_rente_over_twee_runs_verliest_geen_cent(org):
    # € 500,50 at 6% in 2026 (365 days): 40 days up to the aanmaning (329,10 cent), 15 more up
    # to the dwangbevel (123,41 cent). Over the 55 days together 452,51 cent: 453 is owed.
    v = claim(org, verval=DAG - dt.timedelta(days=60), publiek=True, bedrag=50050)
    run(org, DAG - dt.timedelta(days=40))  # herinnering: no interest
    run(org, DAG - dt.timedelta(days=20))  # aanmaning
    run(org, DAG - dt.timedelta(days=5))  # dwangbevel
    geboekt = list(
        Boeking.objects.filter(vordering=v, soort=Boekingsoort.RENTE)
        .order_by("pk")
        .values_list("bedrag_incl_btw", flat=True)
    )
    assert len(geboekt) == 2
    assert geboekt == [329, 124]  # the second run carries the first run's 0,096 cent
    assert sum(geboekt) == 453
    v.refresh_from_db()
    # 452,506849… cent exact, 453 booked: 0,493151 cent ahead, carried to the next run.
    assert v.rente_rest == -493_151


def test_aanmaning_onder_drempel_lage_band(org):
    v = claim(org, verval=DAG - dt.timedelta(days=60), publiek=True, bedrag=45399)
    Invorderingsinstelling.objects.create(
        organisatie=org, herinnering_na_dagen=None, rente_berekenen=False
    )
    run(org)
    assert Boeking.objects.get(vordering=v, soort=Boekingsoort.KOSTEN).bedrag_incl_btw == 800


def test_privaat_consument_14_dagenbrief_dan_wik(org):
    Invorderingsinstelling.objects.create(
        organisatie=org, herinnering_na_dagen=None, rente_berekenen=False
    )
    v = claim(org, verval=DAG - dt.timedelta(days=40))  # € 121,00
    run(org, DAG - dt.timedelta(days=20))
    v.refresh_from_db()
    assert v.invorderingsstap == Stap.VEERTIENDAGENBRIEF
    assert not Boeking.objects.filter(vordering=v, soort=Boekingsoort.KOSTEN).exists()
    brief = Brief.objects.get(vordering=v)
    assert brief.gegevens["kosten"] == 4000  # announced: WIK minimum € 40
    run(org, DAG - dt.timedelta(days=6))  # 14 days later: still within 15 → nothing
    assert Invorderingsstap.objects.filter(vordering=v).count() == 1
    run(org, DAG - dt.timedelta(days=4))
    v.refresh_from_db()
    assert v.invorderingsstap == Stap.EXTERN and v.status == VorderingStatus.EXTERN
    assert Boeking.objects.get(vordering=v, soort=Boekingsoort.KOSTEN).bedrag_incl_btw == 4000


def test_bedrijf_krijgt_aanmaning_in_plaats_van_14_dagenbrief(org):
    bedrijf = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON,
        bsn=None,
        statutaire_naam="Bouwbedrijf B.V.",
        rsin="002220647",
    )
    Invorderingsinstelling.objects.create(organisatie=org, herinnering_na_dagen=None)
    v = claim(org, verval=DAG - dt.timedelta(days=40), debiteur=bedrijf)
    run(org)
    v.refresh_from_db()
    assert v.invorderingsstap == Stap.AANMANING
    assert Boeking.objects.get(vordering=v, soort=Boekingsoort.RENTE).boekingssleutel == (
        "RENTE-HANDEL"
    )


@pytest.mark.parametrize("reden", ["betaald", "regeling", "uitstel", "bezwaar", "werklijst"])
def test_overslaan(org, reden):
    v = claim(org, verval=DAG - dt.timedelta(days=30), publiek=reden == "bezwaar")
    if reden == "betaald":
        boekingen_create(
            boekingen=[
                Boeking(
                    organisatie=org,
                    vordering=v,
                    soort=Boekingsoort.BETALING,
                    boekdatum=DAG - dt.timedelta(days=1),
                    bedrag_incl_btw=-v.openstaand_bedrag,
                    bedrag_excl_btw=-v.openstaand_bedrag,
                    bedrag_btw=0,
                    boekingssleutel="OMZ-001",
                    door="test",
                    deel="hoofdsom",
                )
            ]
        )
    elif reden == "regeling":
        regeling = Betalingsregeling.objects.create(
            organisatie=org,
            debiteur=v.debiteur,
            soort="termijnen",
            totaalbedrag=12100,
            termijnbedrag=1210,
            aantal_termijnen=10,
            startdatum=DAG,
            betaalwijze="overmaking",
            status=RegelingStatus.ACTIEF,
            door="test",
        )
        regeling.vorderingen.add(v)
    elif reden in ("uitstel", "bezwaar"):
        Opschorting.objects.create(
            vordering=v,
            soort=Opschortingsoort.UITSTEL if reden == "uitstel" else "bezwaar",
            reden="test",
            vanaf=DAG - dt.timedelta(days=3),
            tot=DAG + dt.timedelta(days=10) if reden == "uitstel" else None,
            door="test",
        )
    elif reden == "werklijst":
        afschrift = Afschrift.objects.get(organisatie=org)
        Betaling.objects.create(
            afschrift=afschrift,
            organisatie=org,
            volgnummer=1,
            boekdatum=DAG - dt.timedelta(days=3),
            bedrag=12100,
            restbedrag=12100,
            status=BetalingStatus.ONGEMATCHT,
            debiteur=v.debiteur,
        )
    plan = invordering_plan(organisatie=org, datum=DAG)
    assert plan.voorstellen == []
    if reden == "betaald":
        assert plan.overgeslagen == []  # paid claims are not even candidates
    else:
        assert len(plan.overgeslagen) == 1
        assert (
            plan.overgeslagen[0].reden
            == {
                "regeling": Overslaan.REGELING,
                "uitstel": Overslaan.OPGESCHORT,
                "bezwaar": Overslaan.OPGESCHORT,
                "werklijst": Overslaan.ONVERWERKTE_BETALING,
            }[reden]
        )
    assert run(org).aantal == 0
    assert not Brief.objects.exists()


def test_debiteur_die_gisteren_betaalde_krijgt_niets(org):
    v = claim(org, verval=DAG - dt.timedelta(days=30))
    boekingen_create(
        boekingen=[
            Boeking(
                organisatie=org,
                vordering=v,
                soort=Boekingsoort.BETALING,
                boekdatum=DAG - dt.timedelta(days=1),
                bedrag_incl_btw=-12100,
                bedrag_excl_btw=-12100,
                bedrag_btw=0,
                boekingssleutel="OMZ-001",
                door="test",
                deel="hoofdsom",
            )
        ]
    )
    assert run(org).aantal == 0
    assert not Invorderingsstap.objects.exists()


def test_weigert_bij_oud_afschrift_tenzij_forceer(org):
    claim(org, verval=DAG - dt.timedelta(days=30))
    with pytest.raises(RunGeweigerd, match="20-11-2026"):
        run(org, DAG + dt.timedelta(days=2))  # Wednesday: Tuesday's statement is missing
    assert not Invorderingsstap.objects.exists()
    assert Invorderingsrun.objects.get().status == RunStatus.GEWEIGERD
    resultaat = run(org, DAG + dt.timedelta(days=2), forceer=True)
    assert resultaat.aantal == 1 and resultaat.run.geforceerd


def test_idempotent_per_dag_en_droog_is_echt(org):
    for i in range(5):
        claim(
            org, verval=DAG - dt.timedelta(days=10 + 20 * i), publiek=i % 2 == 0, bedrag=30000 + i
        )
    claim(org, verval=DAG - dt.timedelta(days=1))  # not yet due
    plan = invordering_plan(organisatie=org, datum=DAG)
    resultaat = run(org)
    assert [(v.vordering_id, v.stap, v.kosten, v.rente) for v in plan.voorstellen] == [
        (s.vordering_id, s.stap, s.kosten, s.rente)
        for s in Invorderingsstap.objects.order_by("vordering_id")
    ]
    assert resultaat.aantal == len(plan.voorstellen) == 5

    def aantallen():
        return [m.objects.count() for m in (Boeking, Brief, Vorderingstatus, Invorderingsstap)]

    voor = aantallen()
    assert run(org).aantal == 0
    assert aantallen() == voor
    for v in Vordering.objects.all():
        assert v.openstaand_bedrag == Boeking.objects.filter(vordering=v).saldo()


def test_factuur_als_tsa_geen_factuur_stuurde(org):
    Machtiging.objects.create(
        organisatie=org,
        kenmerk="M1",
        afgiftedatum=DAG,
        iban="NL91ABNA0417164300",
        status=MachtigingStatus.ACTIEF,
    )
    v = vordering_maken(
        org,
        debiteur=DebiteurFactory(),
        indicator_factuur_uitgestuurd=False,
        factuurdatum=None,
        vervaldatum=None,
        creatiedatum=DAG - dt.timedelta(days=1),
        publiekrechtelijk=True,
        regels=aanslag_regels(120000),
    )
    Vordering.objects.filter(pk=v.pk).update(machtiging=Machtiging.objects.get())
    run(org)
    v.refresh_from_db()
    assert v.status == VorderingStatus.VERSTUURD and v.invorderingsstap == Stap.FACTUUR
    termijnen = list(Termijn.objects.filter(vordering=v).order_by("volgnummer"))
    assert len(termijnen) == 10 and sum(t.bedrag for t in termijnen) == 120000
    assert termijnen[0].vervaldatum == dt.date(2026, 12, 23)  # a month after our invoice
    assert v.vervaldatum == termijnen[-1].vervaldatum
    brief = Brief.objects.get(vordering=v)
    assert brief.soort == "factuur" and brief.gegevens["vorderingen"][0]["regels"]


def test_factuur_privaat_30_dagen(org):
    v = vordering_maken(
        org,
        debiteur=DebiteurFactory(),
        indicator_factuur_uitgestuurd=False,
        factuurdatum=DAG - dt.timedelta(days=2),
        vervaldatum=None,
    )
    run(org)
    v.refresh_from_db()
    assert v.vervaldatum == DAG + dt.timedelta(days=30)  # from our invoice's date


def test_factuur_nooit_met_een_vervaldatum_in_het_verleden(org):
    # The TSA's due date has passed by the time we send the invoice: the term runs from today.
    v = vordering_maken(
        org,
        debiteur=DebiteurFactory(),
        indicator_factuur_uitgestuurd=False,
        factuurdatum=DAG - dt.timedelta(days=60),
        vervaldatum=DAG - dt.timedelta(days=30),
    )
    run(org)
    v.refresh_from_db()
    assert v.vervaldatum == DAG + dt.timedelta(days=30)
    assert Brief.objects.get(vordering=v).gegevens["betalen_voor"] == v.vervaldatum.isoformat()


def test_spoorwissel_laat_geen_vordering_stilvallen(org):
    # After a herinnering the organisation drops herinneringen: the claim goes on to the
    # aanmaning instead of silently dropping out of collection.
    v = claim(org, verval=DAG - dt.timedelta(days=40), publiek=True, bedrag=30000)
    run(org, DAG - dt.timedelta(days=30))
    Invorderingsinstelling.objects.update_or_create(
        organisatie=org, defaults={"herinnering_na_dagen": None}
    )
    run(org)
    v.refresh_from_db()
    assert v.invorderingsstap == Stap.AANMANING


def test_termijnvervolging_op_gemiste_termijn(org):
    Invorderingsinstelling.objects.create(organisatie=org, herinnering_na_dagen=3)
    v = claim(
        org,
        verval=DAG + dt.timedelta(days=90),
        publiek=True,
        bedrag=30000,
        invorderingsregime=Invorderingsregime.TERMIJNVERVOLGING,
    )
    Termijn.objects.create(
        vordering=v, volgnummer=1, vervaldatum=DAG - dt.timedelta(days=10), bedrag=10000
    )
    Termijn.objects.create(
        vordering=v, volgnummer=2, vervaldatum=DAG + dt.timedelta(days=20), bedrag=10000
    )
    Termijn.objects.create(
        vordering=v, volgnummer=3, vervaldatum=DAG + dt.timedelta(days=90), bedrag=10000
    )
    ev = claim(
        org,
        verval=DAG + dt.timedelta(days=90),
        publiek=True,
        bedrag=30000,
        invorderingsregime=Invorderingsregime.EINDVERVOLGING,
    )
    Termijn.objects.create(
        vordering=ev, volgnummer=1, vervaldatum=DAG - dt.timedelta(days=10), bedrag=30000
    )
    plan = invordering_plan(organisatie=org, datum=DAG)
    # TV: the missed first termijn starts collection; EV waits for the claim's final due date.
    assert [v.vordering_id for v in plan.voorstellen] == [v.pk]


def test_commando_droog_en_echt(org, capsys):
    claim(org, verval=DAG - dt.timedelta(days=30))
    call_command(
        "invorderingsrun", "--dry-run", "--datum", DAG.isoformat(), "--organisatie", org.rsin
    )
    uit = " ".join(capsys.readouterr().out.split())
    assert "Droge run Gemeente Proefstad" in uit
    assert "herinnering 1 vorderingen openstaand € 121,00" in uit
    assert "totaal 1 stappen, kosten € 0,00, rente € 0,00" in uit
    assert not Invorderingsstap.objects.exists()
    call_command("invorderingsrun", "--datum", DAG.isoformat())
    assert Invorderingsstap.objects.count() == 1
    with pytest.raises(CommandError, match="bankafschrift"):
        call_command("invorderingsrun", "--datum", (DAG + dt.timedelta(days=3)).isoformat())


def test_dagelijks_voorstel_of_direct_uitvoeren(org):
    from inningen.invordering.services.invordering import invordering_run_daily
    from inningen.invordering.tasks import invordering_dagelijks as taak

    v = claim(org, verval=DAG - dt.timedelta(days=30))
    Invorderingsinstelling.objects.create(organisatie=org)
    [voorstel] = invordering_run_daily(datum=DAG, organisaties=[org])
    assert voorstel.status == RunStatus.VOORSTEL and voorstel.samenvatting["aantal"] == 1
    assert not Invorderingsstap.objects.exists()  # approval first
    # A newer preview replaces the open one.
    [nieuw] = invordering_run_daily(datum=DAG, organisaties=[org])
    voorstel.refresh_from_db()
    assert voorstel.status == RunStatus.VERVANGEN and nieuw.status == RunStatus.VOORSTEL
    Invorderingsinstelling.objects.filter(organisatie=org).update(automatisch_uitvoeren=True)
    [run_] = invordering_run_daily(datum=DAG, organisaties=[org])
    assert run_.status == RunStatus.UITGEVOERD
    assert Invorderingsstap.objects.get().vordering == v
    # The beat task runs for every organisation (here one; today its statement is too old, so
    # the run is refused and nothing new happens).
    assert taak() == 1
    assert Invorderingsstap.objects.count() == 1


def test_dagelijks_voor_elke_organisatie(org):
    from inningen.invordering.services.invordering import invordering_run_daily

    tweede = OrganisatieFactory(naam="Gemeente Tweede")
    claim(org, verval=DAG - dt.timedelta(days=30))
    claim(tweede, verval=DAG - dt.timedelta(days=30))
    runs = invordering_run_daily(datum=DAG)
    assert sorted(r.organisatie_id for r in runs) == sorted([org.pk, tweede.pk])
    assert set(
        Invorderingsrun.objects.filter(datum=DAG, status=RunStatus.VOORSTEL).values_list(
            "organisatie_id", flat=True
        )
    ) == {org.pk, tweede.pk}


def test_commando_csv_en_ongeldige_datum(org, tmp_path):
    claim(org, verval=DAG - dt.timedelta(days=30))
    uit = tmp_path / "plan.csv"
    call_command("invorderingsrun", "--dry-run", "--datum", DAG.isoformat(), "--csv", str(uit))
    regels = uit.read_text(encoding="utf-8").splitlines()
    assert len(regels) == 2 and "herinnering" in regels[1]
    with pytest.raises(CommandError, match="JJJJ-MM-DD"):
        call_command("invorderingsrun", "--datum", "23-11-2026")
    with pytest.raises(CommandError, match="Geen organisatie"):
        call_command("invorderingsrun", "--organisatie", "123456789")


def test_brieven_volgen_het_recht_van_de_vordering(org):
    from inningen.invordering.services.brieven import brief_render_html

    Invorderingsinstelling.objects.create(organisatie=org, herinnering_na_dagen=None)
    bedrijf = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, bsn=None, statutaire_naam="Bouw B.V."
    )
    privaat = claim(org, verval=DAG - dt.timedelta(days=30), debiteur=bedrijf)
    publiek = claim(org, verval=DAG - dt.timedelta(days=30), publiek=True, bedrag=30000)
    run(org)
    html = brief_render_html(brief=Brief.objects.get(vordering=privaat))
    assert "dwangbevel" not in html and "Invorderingswet" not in html
    assert "handelsrente" in html.lower() and "incassobureau" in html
    html = brief_render_html(brief=Brief.objects.get(vordering=publiek))
    assert "dwangbevel" in html and "invorderingsrente" in html.lower()
    # The company's hand-over does not speak of a 14-dagenbrief it never had.
    run(org, DAG + dt.timedelta(days=15), forceer=True)
    overdracht = Brief.objects.get(vordering=privaat, soort="overdracht")
    assert "veertien dagen" not in brief_render_html(brief=overdracht)
