"""Betalingsregelingen (issue 8): plan maths, validation, creation with letter, monitoring
(missed termijn, lapse, voldaan, idempotence), ending."""

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from inningen.choices import (
    Afboekingsoort,
    Betaalwijze,
    Boekingdeel,
    Boekingsoort,
    Briefsoort,
    BtwCategorie,
    MachtigingStatus,
    Regelingsoort,
    RegelingStatus,
    VorderingStatus,
    Vorderingtype,
)
from inningen.debiteuren.models import Machtiging
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.statussen import vordering_status_set
from inningen.grootboek.services.vorderingen import RegelInvoer
from inningen.invordering.models import (
    Afboekingsvoorstel,
    Betalingsregeling,
    Brief,
    Invorderingsinstelling,
)
from inningen.invordering.regels.termijnen import maanden_erbij
from inningen.invordering.selectors.blokkades import in_actieve_regeling
from inningen.invordering.services.regelingen import (
    regeling_create,
    regeling_end,
    regeling_plan,
    regelingen_monitor,
)
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken

pytestmark = pytest.mark.django_db

_nr = itertools.count(1)


@pytest.fixture
def org():
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def deb():
    return DebiteurFactory()


def _vordering(org, deb, bedrag=12100, **kw):
    regels = [
        RegelInvoer(
            bedrag_excl_btw=bedrag,
            bedrag_btw=0,
            bedrag_incl_btw=bedrag,
            btw_categorie=BtwCategorie.NUL,
            btw_percentage=0,
            vorderingtype=Vorderingtype.AANSLAG,
            vorderingcode="OZB",
            vorderingomschrijving="Onroerendezaakbelasting",
        )
    ]
    return vordering_maken(
        org, debiteur=deb, vorderingnummer=f"R-{next(_nr):05d}", regels=regels, **kw
    )


def _betaal(v, bedrag, soort=Boekingsoort.BETALING, datum=None):
    boekingen_create(
        boekingen=[
            Boeking(
                organisatie_id=v.organisatie_id,
                vordering=v,
                soort=soort,
                deel=Boekingdeel.HOOFDSOM,
                boekdatum=datum or dt.date.today(),
                bedrag_incl_btw=-bedrag,
                bedrag_excl_btw=-bedrag,
                bedrag_btw=0,
                boekingssleutel="OZB",
                door="test",
            )
        ]
    )


def _regeling(vorderingen, vandaag, **kw):
    kw.setdefault("soort", Regelingsoort.AANTAL_TERMIJNEN)
    kw.setdefault("aantal_termijnen", 2)
    plan = regeling_plan(
        vorderingen=[Vordering.objects.get(pk=v.pk) for v in vorderingen], startdatum=vandaag, **kw
    )
    return regeling_create(plan=plan, betaalwijze=Betaalwijze.OVERMAKING, door="test")


# --- dates and amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "verwacht"),
    [
        (dt.date(2027, 1, 31), [dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31)]),
        (dt.date(2028, 1, 31), [dt.date(2028, 1, 31), dt.date(2028, 2, 29), dt.date(2028, 3, 31)]),
        (
            dt.date(2027, 11, 30),
            [dt.date(2027, 11, 30), dt.date(2027, 12, 30), dt.date(2028, 1, 30)],
        ),
    ],
)
def test_maanden_erbij_is_month_end_safe(start, verwacht):
    assert [maanden_erbij(start, i) for i in range(3)] == verwacht


def test_plan_fixed_number_puts_remainder_on_last(org, deb, vandaag):
    v = _vordering(org, deb, bedrag=10000)
    start = dt.date(vandaag.year + 1, 1, 31)
    plan = regeling_plan(
        vorderingen=[v], soort=Regelingsoort.AANTAL_TERMIJNEN, startdatum=start, aantal_termijnen=3
    )
    assert [t.bedrag for t in plan.termijnen] == [3333, 3333, 3334]
    assert sum(t.bedrag for t in plan.termijnen) == plan.totaalbedrag == 10000
    assert [t.vervaldatum.month for t in plan.termijnen] == [1, 2, 3]
    assert plan.termijnen[1].vervaldatum.day in (28, 29)
    assert plan.termijnen[2].vervaldatum == dt.date(vandaag.year + 1, 3, 31)
    assert (plan.termijnbedrag, plan.aantal_termijnen) == (3333, 3)


def test_plan_fixed_amount_over_claims_of_several_tsas(org, deb, vandaag):
    a = _vordering(org, deb, tsa="belastingen")
    b = _vordering(org, deb, tsa="parkeren")
    plan = regeling_plan(
        vorderingen=[a, b], soort=Regelingsoort.VAST_BEDRAG, startdatum=vandaag, maandbedrag=5000
    )
    assert plan.totaalbedrag == 24200
    assert [t.bedrag for t in plan.termijnen] == [5000, 5000, 5000, 5000, 4200]
    assert [t.volgnummer for t in plan.termijnen] == [1, 2, 3, 4, 5]
    assert plan.einddatum == maanden_erbij(vandaag, 4)


def test_plan_validation(org, deb, vandaag, settings):
    v = _vordering(org, deb)
    gisteren = vandaag - dt.timedelta(days=1)

    def plan(**kw):
        kw.setdefault("vorderingen", [v])
        kw.setdefault("soort", Regelingsoort.VAST_BEDRAG)
        kw.setdefault("startdatum", vandaag)
        return regeling_plan(**kw)

    with pytest.raises(ValidationError, match="verleden"):
        plan(startdatum=gisteren, maandbedrag=1000)
    with pytest.raises(ValidationError, match="groter dan nul"):
        plan(maandbedrag=0)
    with pytest.raises(ValidationError, match="hoger dan het openstaande"):
        plan(maandbedrag=12101)
    with pytest.raises(ValidationError, match="maximum is 36"):
        plan(maandbedrag=300)  # 41 months
    with pytest.raises(ValidationError, match="tussen 1 en 36"):
        plan(soort=Regelingsoort.AANTAL_TERMIJNEN, aantal_termijnen=37)
    with pytest.raises(ValidationError, match="minstens één"):
        plan(vorderingen=[], maandbedrag=1000)
    settings.INNINGEN_REGELING_MAX_TERMIJNEN = 48
    assert plan(maandbedrag=300).aantal_termijnen == 41


def test_plan_refuses_mixed_closed_and_blocked_claims(org, deb, vandaag):
    v = _vordering(org, deb)
    ander = _vordering(org, DebiteurFactory())
    elders = _vordering(OrganisatieFactory(), deb)
    betaald = _vordering(org, deb)
    _betaal(betaald, 12100)
    vordering_status_set(vordering=betaald, status=VorderingStatus.BETAALD, door="test")
    betaald.refresh_from_db()

    def plan(vorderingen):
        return regeling_plan(
            vorderingen=vorderingen,
            soort=Regelingsoort.AANTAL_TERMIJNEN,
            startdatum=vandaag,
            aantal_termijnen=2,
        )

    with pytest.raises(ValidationError, match="dezelfde debiteur"):
        plan([v, ander])
    with pytest.raises(ValidationError, match="dezelfde organisatie"):
        plan([v, elders])
    with pytest.raises(ValidationError, match=f"Niet \\(meer\\) open: {betaald.vorderingnummer}"):
        plan([v, betaald])
    _regeling([v], vandaag)
    with pytest.raises(ValidationError, match=f"lopende regeling: {v.vorderingnummer}"):
        plan([v])
    met_voorstel = _vordering(org, deb)
    Afboekingsvoorstel.objects.create(
        vordering=met_voorstel,
        soort=Afboekingsoort.ONINBAAR,
        bedrag=12100,
        reden="Failliet",
        voorgesteld_door=User.objects.create_user("voorsteller"),
    )
    with pytest.raises(ValidationError, match="afboekingsvoorstel"):
        plan([met_voorstel])


# --- creating ------------------------------------------------------------------------------------


def test_create_stores_termijnen_and_confirmation_letter(org, deb, vandaag):
    a = _vordering(org, deb)
    b = _vordering(org, deb)
    _betaal(a, 2100)
    regeling = _regeling([a, b], vandaag, aantal_termijnen=4)
    assert regeling.status == RegelingStatus.ACTIEF
    assert set(regeling.vorderingen.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert regeling.totaalbedrag == 22100 and regeling.betaald_bij_start == 2100
    assert list(regeling.termijnen.values_list("bedrag", flat=True)) == [5525] * 4
    brief = Brief.objects.get(regeling=regeling)
    assert brief.soort == Briefsoort.REGELING_BEVESTIGING
    assert brief.debiteur_id == deb.pk and brief.vordering is None
    g = brief.gegevens
    assert g["totaal"] == 22100 and g["betalen_voor"] == vandaag.isoformat()
    assert g["regeling"]["aantal_termijnen"] == 4
    assert g["regeling"]["betaalwijze"] == Betaalwijze.OVERMAKING
    assert [t["bedrag"] for t in g["regeling"]["termijnen"]] == [5525] * 4
    assert {v["vorderingnummer"] for v in g["vorderingen"]} == {
        a.vorderingnummer,
        b.vorderingnummer,
    }


def test_direct_debit_needs_active_mandate_of_debtor_and_organisation(org, deb, vandaag):
    v = _vordering(org, deb)
    plan = regeling_plan(
        vorderingen=[v],
        soort=Regelingsoort.AANTAL_TERMIJNEN,
        startdatum=vandaag,
        aantal_termijnen=3,
    )

    def machtiging(**kw):
        kw = {"organisatie": org, "debiteur": deb, **kw}
        return Machtiging.objects.create(
            kenmerk=f"M-{next(_nr)}", afgiftedatum=vandaag, iban="NL91ABNA0417164300", **kw
        )

    for fout in (
        None,
        machtiging(debiteur=DebiteurFactory()),
        machtiging(organisatie=OrganisatieFactory()),
        machtiging(status=MachtigingStatus.OPGESCHORT),
    ):
        with pytest.raises(ValidationError, match="actieve machtiging"):
            regeling_create(plan=plan, betaalwijze=Betaalwijze.INCASSO, machtiging=fout, door="t")
    goed = machtiging()
    with pytest.raises(ValidationError, match="alleen bij automatische incasso"):
        regeling_create(plan=plan, betaalwijze=Betaalwijze.OVERMAKING, machtiging=goed, door="t")
    assert not Betalingsregeling.objects.exists() and not Brief.objects.exists()
    regeling = regeling_create(
        plan=plan, betaalwijze=Betaalwijze.INCASSO, machtiging=goed, door="t"
    )
    assert regeling.machtiging == goed
    assert Betalingsregeling.objects.get() == regeling


def test_create_refuses_stale_plan(org, deb, vandaag):
    v = _vordering(org, deb)
    plan = regeling_plan(
        vorderingen=[v],
        soort=Regelingsoort.AANTAL_TERMIJNEN,
        startdatum=vandaag,
        aantal_termijnen=3,
    )
    _betaal(v, 100)
    with pytest.raises(ValidationError, match="opnieuw"):
        regeling_create(plan=plan, betaalwijze=Betaalwijze.OVERMAKING, door="t")
    assert not Betalingsregeling.objects.exists()


# --- monitoring ----------------------------------------------------------------------------------


def _bewaak(org, datum):
    return regelingen_monitor(organisatie=org, datum=datum, door="run")


def test_paid_on_time_nothing_happens(org, deb, vandaag):
    v = _vordering(org, deb)
    regeling = _regeling([v], vandaag)  # 2 x 6050
    _betaal(v, 6050)
    uitkomst = _bewaak(org, vandaag + dt.timedelta(days=30))
    assert uitkomst == dict(
        gecontroleerd=1, gemiste_termijnen=0, herinneringen=0, vervallen=0, voldaan=0
    )
    regeling.refresh_from_db()
    assert regeling.gemist == 0 and regeling.status == RegelingStatus.ACTIEF
    assert Brief.objects.filter(regeling=regeling).count() == 1  # the confirmation only


def test_missed_termijn_reminds_once_then_lapses_with_letter(org, deb, vandaag):
    v = _vordering(org, deb)
    regeling = _regeling([v], vandaag, aantal_termijnen=3)  # 3 x 4033 (+1)
    respijt = dt.timedelta(days=7)
    # Within the grace days nothing is missed yet.
    assert _bewaak(org, vandaag + respijt)["gemiste_termijnen"] == 0

    dag = vandaag + respijt + dt.timedelta(days=1)
    uitkomst = _bewaak(org, dag)
    assert (uitkomst["gemiste_termijnen"], uitkomst["herinneringen"]) == (1, 1)
    regeling.refresh_from_db()
    assert regeling.gemist == 1 and regeling.status == RegelingStatus.ACTIEF
    eerste = regeling.termijnen.get(volgnummer=1)
    assert eerste.gemist_op == dag
    herinnering = Brief.objects.get(regeling=regeling, soort=Briefsoort.REGELING_HERINNERING)
    assert herinnering.gegevens["totaal"] == 4033
    assert herinnering.gegevens["regeling"]["termijnen"][0]["gemist"] is True
    assert Vordering.objects.filter(pk=v.pk).filter(in_actieve_regeling()).exists()

    # Idempotent: the same day again changes nothing and sends nothing.
    assert _bewaak(org, dag) == dict(
        gecontroleerd=1, gemiste_termijnen=0, herinneringen=0, vervallen=0, voldaan=0
    )
    assert Brief.objects.filter(regeling=regeling).count() == 2
    regeling.refresh_from_db()
    assert (regeling.gemist, regeling.status) == (1, RegelingStatus.ACTIEF)
    gemist = regeling.termijnen.exclude(gemist_op=None).values_list("volgnummer", "gemist_op")
    assert list(gemist) == [(1, dag)]

    # The second miss (default maximum 2) lapses it: a letter, and the run collects again.
    volgende = maanden_erbij(vandaag, 1) + respijt + dt.timedelta(days=1)
    uitkomst = _bewaak(org, volgende)
    assert (uitkomst["vervallen"], uitkomst["herinneringen"]) == (1, 0)
    regeling.refresh_from_db()
    assert (regeling.status, regeling.gemist, regeling.status_datum) == (
        RegelingStatus.VERVALLEN,
        2,
        volgende,
    )
    assert regeling.opmerking == "Vervallen na 2 gemiste termijnen (run)"
    vervallen = Brief.objects.get(regeling=regeling, soort=Briefsoort.REGELING_VERVALLEN)
    assert vervallen.gegevens["totaal"] == 12100 and "vervallen" in vervallen.gegevens["tekst"]
    assert not Vordering.objects.filter(pk=v.pk).filter(in_actieve_regeling()).exists()
    assert _bewaak(org, volgende)["gecontroleerd"] == 0


@pytest.mark.parametrize(
    ("betalingen", "gemist"),
    [
        ([(6050, Boekingsoort.BETALING)], 0),
        ([(6000, Boekingsoort.BETALING)], 1),  # 50 cents short
        ([(6050, Boekingsoort.BETALING), (-6050, Boekingsoort.STORNO)], 1),  # reversed
        ([(12100, Boekingsoort.CREDITERING)], 0),  # credited: nothing left to pay
    ],
)
def test_progress_is_the_decrease_of_the_open_sum(org, deb, vandaag, betalingen, gemist):
    v = _vordering(org, deb)
    regeling = _regeling([v], vandaag)  # 2 x 6050
    for bedrag, soort in betalingen:
        _betaal(v, bedrag, soort=soort)
    _bewaak(org, vandaag + dt.timedelta(days=8))
    regeling.refresh_from_db()
    assert regeling.gemist == gemist


def test_settings_per_organisation(org, deb, vandaag):
    Invorderingsinstelling.objects.create(
        organisatie=org, regeling_max_gemist=1, regeling_respijt_dagen=0
    )
    v = _vordering(org, deb)
    regeling = _regeling([v], vandaag)
    assert _bewaak(org, vandaag + dt.timedelta(days=1))["vervallen"] == 1
    regeling.refresh_from_db()
    assert regeling.status == RegelingStatus.VERVALLEN


def test_paid_off_is_voldaan(org, deb, vandaag):
    a = _vordering(org, deb)
    b = _vordering(org, deb)
    regeling = _regeling([a, b], vandaag)
    _betaal(a, 12100)
    assert _bewaak(org, vandaag + dt.timedelta(days=8))["voldaan"] == 0
    _betaal(b, 12100)
    assert _bewaak(org, vandaag + dt.timedelta(days=8))["voldaan"] == 1
    regeling.refresh_from_db()
    assert regeling.status == RegelingStatus.VOLDAAN and regeling.gemist == 0


def test_monitoring_is_set_based(org, vandaag, django_assert_max_num_queries):
    for _ in range(6):
        deb = DebiteurFactory()
        _regeling([_vordering(org, deb), _vordering(org, deb)], vandaag)
    dag = vandaag + dt.timedelta(days=8)
    # Select, open sums, termijnen, settings, 2 updates, claims/debtors/account for the letters,
    # letter insert (+ savepoints): the same for 6 regelingen as for 6,000.
    with django_assert_max_num_queries(14):
        uitkomst = _bewaak(org, dag)
    assert uitkomst["herinneringen"] == 6
    assert Brief.objects.filter(soort=Briefsoort.REGELING_HERINNERING).count() == 6


def test_other_organisations_regelingen_are_left_alone(org, deb, vandaag):
    regeling = _regeling([_vordering(org, deb)], vandaag)
    assert _bewaak(OrganisatieFactory(), vandaag + dt.timedelta(days=40))["gecontroleerd"] == 0
    regeling.refresh_from_db()
    assert (regeling.status, regeling.gemist) == (RegelingStatus.ACTIEF, 0)
    assert not regeling.termijnen.exclude(gemist_op=None).exists()
    assert Brief.objects.filter(regeling=regeling).count() == 1  # the confirmation only


def test_beeindigen(org, deb, vandaag):
    v = _vordering(org, deb)
    regeling = _regeling([v], vandaag)
    with pytest.raises(ValidationError, match="reden"):
        regeling_end(regeling=regeling, door="t", reden=" ")
    regeling.refresh_from_db()
    assert (regeling.status, regeling.opmerking) == (RegelingStatus.ACTIEF, "")
    regeling = regeling_end(regeling=regeling, door="inv", reden="Debiteur verhuisd")
    assert regeling.status == RegelingStatus.BEEINDIGD and "Debiteur verhuisd" in regeling.opmerking
    assert not Vordering.objects.filter(pk=v.pk).filter(in_actieve_regeling()).exists()
    with pytest.raises(ValidationError, match="lopende"):
        regeling_end(regeling=regeling, door="t", reden="nogmaals")
    regeling.refresh_from_db()
    assert (regeling.status, regeling.opmerking) == (
        RegelingStatus.BEEINDIGD,
        "Debiteur verhuisd (inv)",
    )
    # A claim of an ended regeling can go into a new one.
    _regeling([v], vandaag)


def test_letters_render_with_the_letter_templates(org, deb, vandaag):
    from inningen.invordering.services.brieven import brief_render_html

    v = _vordering(org, deb)
    regeling = _regeling([v], vandaag, aantal_termijnen=3)
    _bewaak(org, vandaag + dt.timedelta(days=8))
    _bewaak(org, maanden_erbij(vandaag, 1) + dt.timedelta(days=8))
    brieven = {b.soort: b for b in Brief.objects.filter(regeling=regeling)}
    assert set(brieven) == {
        Briefsoort.REGELING_BEVESTIGING,
        Briefsoort.REGELING_HERINNERING,
        Briefsoort.REGELING_VERVALLEN,
    }
    for brief in brieven.values():
        html = brief_render_html(brief=brief)
        assert v.vorderingnummer in html and deb.geslachtsnaam in html
    assert "€ 40,33" in brief_render_html(brief=brieven[Briefsoort.REGELING_BEVESTIGING])


def test_betalen_met_het_kenmerk_van_de_brief_dekt_alle_vorderingen_van_de_regeling(org, deb):
    # The confirmation names one claim's kenmerk; once that claim is paid, the next payments
    # under it go to the regeling's other claims, not to credit: the regeling stays on track.
    from inningen.betalingen.services.afschriften import afschrift_import
    from inningen.organisaties.models import Bankrekening
    from tests.inningen.betalingen.afschriftbestanden import camt053

    iban = "NL91ABNA0417164300"
    Bankrekening.objects.create(organisatie=org, iban=iban)
    vandaag = dt.date.today()
    v1, v2 = _vordering(org, deb, bedrag=15000), _vordering(org, deb, bedrag=25000)
    plan = regeling_plan(
        vorderingen=[v1, v2], soort=Regelingsoort.VAST_BEDRAG, maandbedrag=10000,
        startdatum=vandaag,
    )  # fmt: skip
    regeling = regeling_create(plan=plan, betaalwijze=Betaalwijze.OVERMAKING, door="t")
    kenmerk = Brief.objects.get(regeling=regeling).gegevens["betalingskenmerk"]
    for i in range(3):
        dag = maanden_erbij(vandaag, i)
        betaling = [{"bedrag": 10000, "kenmerk": kenmerk, "datum": dag}]
        afschrift_import(inhoud=camt053(iban, betaling, ident=f"A{i}", datum=dag), door="t")
        regelingen_monitor(organisatie=org, datum=dag + dt.timedelta(days=8), door="run")
    regeling.refresh_from_db()
    assert (regeling.status, regeling.gemist) == (RegelingStatus.ACTIEF, 0)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.openstaand_bedrag, v2.openstaand_bedrag) == (0, 10000)
