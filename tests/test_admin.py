"""The functional administrator's admin: every page renders, the ledger stays read-only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from inningen.grootboek.models import Boeking
from tests.factories import DebiteurFactory, vordering_maken

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheerder(client, django_user_model):
    user = django_user_model.objects.create_superuser("beheer", password="x")
    client.force_login(user)
    return client


def test_every_changelist_and_change_page_renders(beheerder):
    vordering = vordering_maken(debiteur=DebiteurFactory())
    vordering.boekingen.get()
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = beheerder.get(url, {"q": "test"} if model_admin.search_fields else {})
        assert response.status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert beheerder.get(url).status_code == 200, url


def test_ledger_is_read_only_in_admin(beheerder):
    boeking = vordering_maken().boekingen.get()
    assert beheerder.get(reverse("admin:inningen_boeking_add")).status_code == 403
    response = beheerder.post(
        reverse("admin:inningen_boeking_change", args=[boeking.pk]), {"bedrag_incl_btw": 1}
    )
    assert response.status_code == 403
    assert Boeking.objects.get(pk=boeking.pk).bedrag_incl_btw == boeking.bedrag_incl_btw


def test_koppeling_admin_hashes_password(beheerder):
    from inningen.organisaties.models import Organisatie
    from stuffin.models import Koppeling

    Organisatie.objects.create(rsin="002220647", naam="G")
    response = beheerder.post(
        reverse("admin:stuffin_koppeling_add"),
        {
            "naam": "Parkeren",
            "applicatie": "PARK",
            "rol": "tsa",
            "gebruikersnaam": "park",
            "nieuw_wachtwoord": "heel-geheim-wachtwoord",
            "actief": "on",
            "tsa_codes-TOTAL_FORMS": "1",
            "tsa_codes-INITIAL_FORMS": "0",
            "tsa_codes-0-code": "parkeren",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    koppeling = Koppeling.objects.get()
    assert koppeling.check_wachtwoord("heel-geheim-wachtwoord")
    assert "heel-geheim" not in koppeling.wachtwoord
