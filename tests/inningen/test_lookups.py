"""field__any: the same rows as field__in, on every database."""

import pytest
from django.db.models import Q

from inningen.models import Debiteur, Vordering
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken


@pytest.fixture
def debiteuren(db):
    return [DebiteurFactory() for _ in range(3)]


def test_any_matches_what_in_matches(debiteuren):
    bsns = [debiteuren[0].bsn, debiteuren[2].bsn, "999999990", None, debiteuren[0].bsn]
    verwacht = set(Debiteur.objects.filter(bsn__in=bsns))
    assert (
        set(Debiteur.objects.filter(bsn__any=bsns))
        == verwacht
        == {
            debiteuren[0],
            debiteuren[2],
        }
    )


def test_any_of_nothing_matches_nothing_also_inside_an_or(debiteuren):
    assert not Debiteur.objects.filter(bsn__any=[]).exists()
    assert set(Debiteur.objects.filter(Q(bsn__any=[]) | Q(pk=debiteuren[1].pk))) == {debiteuren[1]}


def test_any_on_a_foreign_key_takes_keys_and_instances(debiteuren):
    organisatie = OrganisatieFactory()
    a = vordering_maken(organisatie, vorderingnummer="A-1", debiteur=debiteuren[0])
    vordering_maken(organisatie, vorderingnummer="B-1", debiteur=debiteuren[1])
    assert list(Vordering.objects.filter(debiteur__any=[debiteuren[0].pk])) == [a]
    assert list(Vordering.objects.filter(debiteur_id__any={debiteuren[0].pk})) == [a]
    assert list(Vordering.objects.filter(debiteur__any=[debiteuren[0]])) == [a]
