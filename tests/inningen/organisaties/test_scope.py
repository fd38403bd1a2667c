"""The one scope rule (inningen.organisaties.selectors) and its users."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from inningen.grootboek.models import Vordering
from inningen.organisaties.models import Medewerker
from inningen.organisaties.selectors import (
    organisatie_ids_for_user,
    organisaties_for_user,
    scope_for_user,
)
from tests.factories import OrganisatieFactory, vordering_maken

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisaties():
    return OrganisatieFactory(naam="A"), OrganisatieFactory(naam="B"), OrganisatieFactory(naam="C")


def _user(naam, *organisaties, superuser=False):
    user = get_user_model().objects.create_user(naam, password="x", is_superuser=superuser)
    if organisaties:
        Medewerker.objects.create(user=user).organisaties.add(*organisaties)
    return user


def test_a_medewerker_sees_exactly_their_organisations(organisaties):
    a, b, _ = organisaties
    user = _user("m", a, b)
    assert set(organisaties_for_user(user)) == {a, b}
    assert sorted(organisatie_ids_for_user(user)) == sorted([a.pk, b.pk])


def test_superuser_sees_all_and_others_without_medewerker_nothing(organisaties):
    assert set(organisaties_for_user(_user("root", superuser=True))) == set(organisaties)
    assert not organisaties_for_user(_user("los")).exists()
    assert not organisaties_for_user(AnonymousUser()).exists()
    assert organisatie_ids_for_user(AnonymousUser()) == []


def test_scope_narrows_any_queryset_by_its_organisation_path(organisaties):
    a = organisaties[0]
    va, vb, vc = (vordering_maken(o, vorderingnummer=f"S-{o.naam}") for o in organisaties)
    user = _user("m", a)

    assert list(scope_for_user(Vordering.objects.all(), user)) == [va]
    assert list(Vordering.objects.for_user(user)) == [va]
    assert set(scope_for_user(Vordering.objects.all(), _user("r", superuser=True))) == {va, vb, vc}
    assert not scope_for_user(Vordering.objects.all(), AnonymousUser()).exists()
    assert not Vordering.objects.for_user(_user("los")).exists()


def test_no_module_repeats_the_rule():
    """The rule's join (medewerkers__user) appears only in the scope module."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    gevonden = [
        str(pad.relative_to(root))
        for pakket in ("inningen", "stuffin", "verantwoording")
        for pad in (root / pakket).rglob("*.py")
        if "migrations" not in pad.parts
        and "medewerkers__user" in pad.read_text()
        and pad != root / "inningen" / "organisaties" / "selectors.py"
    ]
    assert gevonden == []
