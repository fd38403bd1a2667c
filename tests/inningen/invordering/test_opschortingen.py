"""Opschortingen (uitstel, bezwaar, kwijtscheldingsverzoek) and the subqueries the
invorderingsrun uses to skip blocked claims."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from inningen.choices import (
    Afboekingsoort,
    Betaalwijze,
    Opschortingsoort,
    Regelingsoort,
    VoorstelStatus,
    VorderingStatus,
)
from inningen.grootboek.models import Vordering
from inningen.grootboek.services.statussen import vordering_status_set
from inningen.invordering.models import Afboekingsvoorstel
from inningen.invordering.selectors.blokkades import (
    actieve_opschortingen,
    geblokkeerd,
    in_actieve_regeling,
    met_actieve_opschorting,
    met_open_afboekingsvoorstel,
)
from inningen.invordering.services.opschortingen import opschorting_create, opschorting_end
from inningen.invordering.services.regelingen import (
    regeling_create,
    regeling_end,
    regeling_plan,
)
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken

pytestmark = pytest.mark.django_db

D = dt.timedelta


@pytest.fixture
def org():
    return OrganisatieFactory()


@pytest.fixture
def aanslag(org):
    return vordering_maken(org, debiteur=DebiteurFactory(), publiekrechtelijk=True)


@pytest.fixture
def factuur(org):
    return vordering_maken(org, debiteur=DebiteurFactory(), publiekrechtelijk=False)


def test_uitstel_needs_an_end_date_not_before_the_start(factuur, vandaag):
    with pytest.raises(ValidationError, match="tot een datum"):
        opschorting_create(
            vordering=factuur, soort=Opschortingsoort.UITSTEL, reden="Ziek", vanaf=vandaag, door="b"
        )
    with pytest.raises(ValidationError, match="vóór de begindatum"):
        opschorting_create(
            vordering=factuur,
            soort=Opschortingsoort.UITSTEL,
            reden="Ziek",
            vanaf=vandaag,
            tot=vandaag - D(days=1),
            door="b",
        )
    with pytest.raises(ValidationError, match="reden"):
        opschorting_create(
            vordering=factuur,
            soort=Opschortingsoort.UITSTEL,
            reden="  ",
            vanaf=vandaag,
            tot=vandaag,
            door="b",
        )
    assert not factuur.opschortingen.exists()
    o = opschorting_create(
        vordering=factuur,
        soort=Opschortingsoort.UITSTEL,
        reden="Wacht op salaris",
        vanaf=vandaag,
        tot=vandaag + D(days=30),
        door="balie",
    )
    assert (o.tot, o.door, o.beeindigd_op) == (vandaag + D(days=30), "balie", None)
    assert list(factuur.opschortingen.all()) == [o]


@pytest.mark.parametrize(
    ("soort", "melding"),
    [
        (Opschortingsoort.BEZWAAR, "Bezwaar schort alleen publiekrechtelijke"),
        (
            Opschortingsoort.KWIJTSCHELDINGSVERZOEK,
            "alleen worden aangevraagd voor publiekrechtelijke",
        ),
    ],
)
def test_bezwaar_and_kwijtschelding_only_public_law(factuur, aanslag, vandaag, soort, melding):
    with pytest.raises(ValidationError, match=melding):
        opschorting_create(vordering=factuur, soort=soort, reden="x", vanaf=vandaag, door="b")
    assert not factuur.opschortingen.exists()
    o = opschorting_create(
        vordering=aanslag, soort=soort, reden="WOZ te hoog", vanaf=vandaag, door="b"
    )
    assert o.tot is None  # until the decision


def test_no_two_running_of_one_soort_and_not_on_closed_claims(aanslag, factuur, vandaag):
    opschorting_create(
        vordering=aanslag, soort=Opschortingsoort.BEZWAAR, reden="a", vanaf=vandaag, door="b"
    )
    with pytest.raises(ValidationError, match="al een opschorting"):
        opschorting_create(
            vordering=aanslag, soort=Opschortingsoort.BEZWAAR, reden="b", vanaf=vandaag, door="b"
        )
    assert list(aanslag.opschortingen.values_list("reden", flat=True)) == ["a"]
    vordering_status_set(vordering=factuur, status=VorderingStatus.VERNIETIGD, door="tsa")
    with pytest.raises(ValidationError, match="afgesloten"):
        opschorting_create(
            vordering=factuur,
            soort=Opschortingsoort.UITSTEL,
            reden="x",
            vanaf=vandaag,
            tot=vandaag,
            door="b",
        )
    assert not factuur.opschortingen.exists()


def test_active_window_and_ending(aanslag, vandaag):
    o = opschorting_create(
        vordering=aanslag,
        soort=Opschortingsoort.UITSTEL,
        reden="Uitstel",
        vanaf=vandaag + D(days=2),
        tot=vandaag + D(days=10),
        door="b",
    )

    def actief(datum):
        return actieve_opschortingen(datum).filter(pk=o.pk).exists()

    assert [actief(vandaag + D(days=n)) for n in (1, 2, 10, 11)] == [False, True, True, False]
    with pytest.raises(ValidationError, match="vóór zij begon"):
        opschorting_end(opschorting=o, door="inv", datum=vandaag)
    o.refresh_from_db()
    assert (o.beeindigd_op, o.beeindigd_door) == (None, "")
    o = opschorting_end(opschorting=o, door="inv", datum=vandaag + D(days=5))
    assert o.beeindigd_door == "inv"
    # Ended on day 5: still in force the day before, collected again from that day on.
    assert [actief(vandaag + D(days=n)) for n in (4, 5, 6)] == [True, False, False]
    with pytest.raises(ValidationError, match="al beëindigd"):
        opschorting_end(opschorting=o, door="inv", datum=vandaag + D(days=6))
    o.refresh_from_db()
    assert (o.beeindigd_op, o.beeindigd_door) == (vandaag + D(days=5), "inv")


def test_bezwaar_without_end_runs_until_ended(aanslag, vandaag):
    o = opschorting_create(
        vordering=aanslag, soort=Opschortingsoort.BEZWAAR, reden="WOZ", vanaf=vandaag, door="b"
    )
    assert actieve_opschortingen(vandaag + D(days=3650)).filter(pk=o.pk).exists()


# --- the run's subqueries -----------------------------------------------------------------------


def _geblokkeerd(datum):
    return set(
        Vordering.objects.filter(geblokkeerd(datum)).values_list("vorderingnummer", flat=True)
    )


def test_exists_expressions_for_the_run(org, vandaag):
    deb = DebiteurFactory()
    _vrij, regeling, opgeschort, voorstel = (
        vordering_maken(org, debiteur=deb, vorderingnummer=n, publiekrechtelijk=True)
        for n in ("VRIJ", "REGELING", "OPGESCHORT", "VOORSTEL")
    )
    plan = regeling_plan(
        vorderingen=[regeling],
        soort=Regelingsoort.AANTAL_TERMIJNEN,
        startdatum=vandaag,
        aantal_termijnen=2,
    )
    r = regeling_create(plan=plan, betaalwijze=Betaalwijze.OVERMAKING, door="t")
    opschorting_create(
        vordering=opgeschort,
        soort=Opschortingsoort.UITSTEL,
        reden="Uitstel",
        vanaf=vandaag,
        tot=vandaag + D(days=14),
        door="b",
    )
    a = Afboekingsvoorstel.objects.create(
        vordering=voorstel,
        soort=Afboekingsoort.ONINBAAR,
        bedrag=12100,
        reden="Vertrokken naar onbekend adres",
        voorgesteld_door=User.objects.create_user("inv"),
    )
    rijen = {
        v.vorderingnummer: (v.r, v.o, v.a)
        for v in Vordering.objects.annotate(
            r=in_actieve_regeling(),
            o=met_actieve_opschorting(vandaag),
            a=met_open_afboekingsvoorstel(),
        )
    }
    assert rijen == {
        "VRIJ": (False, False, False),
        "REGELING": (True, False, False),
        "OPGESCHORT": (False, True, False),
        "VOORSTEL": (False, False, True),
    }
    assert _geblokkeerd(vandaag) == {"REGELING", "OPGESCHORT", "VOORSTEL"}
    assert set(
        Vordering.objects.exclude(geblokkeerd(vandaag)).values_list("vorderingnummer", flat=True)
    ) == {"VRIJ"}
    # Uitstel over, regeling ended, proposal decided: everything is collected again.
    regeling_end(regeling=r, door="t", reden="Nieuwe afspraak")
    Afboekingsvoorstel.objects.filter(pk=a.pk).update(status=VoorstelStatus.AFGEWEZEN)
    assert _geblokkeerd(vandaag + D(days=15)) == set()
