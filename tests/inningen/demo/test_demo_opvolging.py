"""Demo follow-ups (#19): one overdue, created once, visible in the users' own lists."""

import pytest
from django.utils import timezone

from inningen.demo.opvolging import demo_opvolgingen_ensure
from inningen.demo.services import demo_load, demo_users_ensure
from inningen.invordering.models import Opvolging
from inningen.invordering.selectors.opvolging import opvolging_aantallen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def snelle_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_follow_ups_once_with_one_overdue():
    demo_load(n_debiteuren=50, n_vorderingen=200)
    demo_users_ensure()
    assert demo_opvolgingen_ensure() == 3
    assert demo_opvolgingen_ensure() == 0
    vandaag = timezone.localdate()
    assert Opvolging.objects.filter(datum__lt=vandaag, afgehandeld_op__isnull=True).count() == 1
    invorderaar = Opvolging.objects.get(datum__lt=vandaag).eigenaar
    assert invorderaar.username == "invorderaar"
    assert opvolging_aantallen(invorderaar)["mijn_verlopen"] == 1
