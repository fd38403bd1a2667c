"""Sessions: idle timeout, and a password change ends the user's other sessions."""

import time

import pytest
from django.test import Client

from tests.toegang.conftest import WACHTWOORD

pytestmark = pytest.mark.django_db


def test_idle_session_is_logged_out(client, django_user_model, settings, monkeypatch):
    settings.SESSIE_INACTIEF_MINUTEN = 15
    user = django_user_model.objects.create_superuser("beheer", password=WACHTWOORD)
    client.force_login(user)
    nu = time.time()
    monkeypatch.setattr(time, "time", lambda: nu)
    assert client.get("/admin/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: nu + 14 * 60)
    assert client.get("/admin/").status_code == 200  # activity keeps it alive
    monkeypatch.setattr(time, "time", lambda: nu + 14 * 60 + 16 * 60)
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/?next=%2Fadmin%2F")
    assert "_auth_user_id" not in client.session


def test_password_change_logs_out_other_sessions(django_user_model):
    django_user_model.objects.create_superuser("beheer", password=WACHTWOORD)
    hier, elders = Client(), Client()
    for c in (hier, elders):
        assert (
            c.post("/inloggen/", {"username": "beheer", "password": WACHTWOORD}).status_code == 302
        )
    r = hier.post(
        "/admin/password_change/",
        {
            "old_password": WACHTWOORD,
            "new_password1": "nieuw-Wachtwoord-2026!",
            "new_password2": "nieuw-Wachtwoord-2026!",
        },
    )
    assert r.status_code == 302
    assert hier.get("/admin/").status_code == 200  # this session stays (update_session_auth_hash)
    assert elders.get("/admin/").status_code == 302  # the other one is logged out


def test_admin_set_password_logs_out_the_users_sessions(django_user_model):
    beheer = django_user_model.objects.create_superuser("beheer", password=WACHTWOORD)
    medewerker = django_user_model.objects.create_user("mw", password=WACHTWOORD, is_staff=True)
    admin, mw = Client(), Client()
    admin.force_login(beheer)
    assert mw.post("/inloggen/", {"username": "mw", "password": WACHTWOORD}).status_code == 302
    assert mw.get("/account/2fa/").status_code == 200
    r = admin.post(
        f"/admin/auth/user/{medewerker.pk}/password/",
        {
            "password1": "nieuw-Wachtwoord-2026!",
            "password2": "nieuw-Wachtwoord-2026!",
            "usable_password": "true",
        },
    )
    assert r.status_code == 302
    assert mw.get("/account/2fa/").status_code == 302
