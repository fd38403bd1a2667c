"""Follow-ups (#19): services keep the history and the scope; selectors sort and count."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inningen.invordering.models import Opvolging
from inningen.invordering.selectors.opvolging import (
    opvolging_aantallen,
    opvolging_paneel,
    opvolgingen_open,
)
from inningen.invordering.services.opvolging import opvolging_afhandelen, opvolging_create
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken

pytestmark = pytest.mark.django_db

_nr = itertools.count(1)


@pytest.fixture
def org():
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def ander():
    return OrganisatieFactory(naam="Gemeente Elders")


@pytest.fixture
def anna(org):
    roles_ensure()
    return gebruiker_maken("anna", "invorderaar", org)


@pytest.fixture
def bert(org):
    roles_ensure()
    return gebruiker_maken("bert", "baliemedewerker", org)


@pytest.fixture
def deb():
    return DebiteurFactory(geslachtsnaam="Jansen")


def _v(org, deb):
    return vordering_maken(org, debiteur=deb, vorderingnummer=f"OPV-{next(_nr):05d}")


def _maak(user, org, deb, datum, eigenaar=None, **kw):
    """A follow-up saved as if its date had been set earlier (the service refuses past dates)."""
    o = opvolging_create(
        user=user, organisatie=org, datum=dt.date.today(), notitie="terugbellen", debiteur=deb,
        eigenaar=eigenaar, **kw,
    )  # fmt: skip
    Opvolging.objects.filter(pk=o.pk).update(datum=datum)
    return o


def test_create_on_claim_takes_its_debtor_and_checks_owner(anna, bert, org, ander, deb, vandaag):
    v = _v(org, deb)
    o = opvolging_create(
        user=anna, organisatie=org, datum=vandaag, notitie=" terugbellen op dinsdag ",
        vordering=v, eigenaar=bert,
    )  # fmt: skip
    assert (o.debiteur, o.vordering, o.eigenaar, o.aangemaakt_door) == (deb, v, bert, anna)
    assert o.notitie == "terugbellen op dinsdag" and o.afgehandeld_op is None

    buitenstaander = gebruiker_maken("carla", "invorderaar", ander)
    with pytest.raises(ValidationError) as fout:
        opvolging_create(
            user=anna, organisatie=org, datum=vandaag, notitie="x", vordering=v,
            eigenaar=buitenstaander,
        )  # fmt: skip
    assert "eigenaar" in fout.value.message_dict


def test_create_refuses_past_date_empty_note_and_foreign_organisation(anna, org, ander, deb):
    _v(org, deb)
    gisteren = dt.date.today() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as fout:
        opvolging_create(user=anna, organisatie=org, datum=gisteren, notitie="", debiteur=deb)
    assert set(fout.value.message_dict) == {"datum", "notitie"}
    with pytest.raises(PermissionDenied):
        opvolging_create(
            user=anna, organisatie=ander, datum=dt.date.today(), notitie="x", debiteur=deb
        )
    # A debtor without claims at the organisation: no follow-up that would reveal it there.
    vreemde = DebiteurFactory()
    with pytest.raises(ValidationError) as fout:
        opvolging_create(
            user=anna, organisatie=org, datum=dt.date.today(), notitie="x", debiteur=vreemde
        )
    assert "organisatie" in fout.value.message_dict
    assert not Opvolging.objects.exists()


def test_afhandelen_records_who_and_when_once_and_keeps_history(anna, bert, org, deb, vandaag):
    _v(org, deb)
    eerste = _maak(anna, org, deb, vandaag, eigenaar=anna)
    opvolging_afhandelen(user=bert, opvolging_pk=eerste.pk, toelichting="gebeld, belt terug")
    tweede = _maak(anna, org, deb, vandaag + dt.timedelta(days=7), eigenaar=anna)
    eerste.refresh_from_db()
    assert eerste.afgehandeld_door == bert and eerste.afgehandeld_op is not None
    assert eerste.afhandeling == "gebeld, belt terug"
    with pytest.raises(ValidationError):
        opvolging_afhandelen(user=anna, opvolging_pk=eerste.pk)
    eerste.refresh_from_db()
    assert eerste.afgehandeld_door == bert  # the first handler stays on record

    paneel = opvolging_paneel(anna, debiteur=deb)
    assert paneel["open"] == [tweede] and paneel["historie"] == [eerste]
    assert paneel["organisaties"] == [org] and set(paneel["medewerkers"]) == {anna, bert}


def test_afhandelen_outside_scope_is_refused(anna, org, ander, deb, vandaag):
    _v(org, deb)
    o = _maak(anna, org, deb, vandaag)
    buitenstaander = gebruiker_maken("carla", "invorderaar", ander)
    with pytest.raises(PermissionDenied):
        opvolging_afhandelen(user=buitenstaander, opvolging_pk=o.pk)


def test_lists_overdue_first_filtered_and_scoped(anna, bert, org, ander, deb, vandaag):
    _v(org, deb)
    later = _maak(anna, org, deb, vandaag + dt.timedelta(days=3), eigenaar=anna)
    verlopen = _maak(anna, org, deb, vandaag - dt.timedelta(days=2), eigenaar=anna)
    vrij_verlopen = _maak(anna, org, deb, vandaag - dt.timedelta(days=1))
    van_bert = _maak(anna, org, deb, vandaag - dt.timedelta(days=5), eigenaar=bert)
    # Another organisation's follow-up on the same debtor is never seen.
    carla = gebruiker_maken("carla", "invorderaar", ander)
    _v(ander, deb)
    _maak(carla, ander, deb, vandaag - dt.timedelta(days=9), eigenaar=carla)
    afgehandeld = _maak(anna, org, deb, vandaag - dt.timedelta(days=8), eigenaar=anna)
    opvolging_afhandelen(user=anna, opvolging_pk=afgehandeld.pk)

    mijn = list(opvolgingen_open(anna, filter="mijn"))
    assert mijn == [verlopen, later] and [o.verlopen for o in mijn] == [True, False]
    assert list(opvolgingen_open(anna, filter="vrij")) == [vrij_verlopen]
    assert list(opvolgingen_open(anna, filter="alle")) == [van_bert, verlopen, vrij_verlopen, later]
    assert opvolging_aantallen(anna) == {
        "mijn_open": 2, "mijn_verlopen": 1, "vrij_verlopen": 1, "vrij_open": 1,
    }  # fmt: skip
    assert opvolging_aantallen(carla)["mijn_verlopen"] == 1
