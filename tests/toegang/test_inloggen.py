"""Finding 4a: the login (/inloggen/, and the admin through it) locks a username+IP after
AXES_FAILURE_LIMIT failures; the right password is refused while locked; after the cool-off it
works again."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.toegang.conftest import WACHTWOORD

pytestmark = pytest.mark.django_db


def _inloggen(client, wachtwoord, naam="medewerker", ip="10.0.0.1", next_=""):
    url = "/inloggen/" + (f"?next={next_}" if next_ else "")
    return client.post(
        url, {"username": naam, "password": wachtwoord, "next": next_}, REMOTE_ADDR=ip
    )


def test_lockout_refuses_right_password_until_cooloff(client, medewerker, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(4):
        r = _inloggen(client, "fout")
        assert r.status_code == 200
        assert "Gebruikersnaam of wachtwoord onjuist" in r.content.decode()
    r = _inloggen(client, "fout")
    assert r.status_code == 429
    assert "Tijdelijk geblokkeerd" in r.content.decode()
    # Locked: the right password does not log in.
    r = _inloggen(client, WACHTWOORD)
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not locked out for this username (lock per username+IP).
    r = _inloggen(client, WACHTWOORD, ip="10.0.0.2")
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(medewerker.pk)
    client.logout()
    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    r = _inloggen(client, WACHTWOORD)
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(medewerker.pk)


def test_admin_login_goes_through_the_locked_login(client, django_user_model, settings):
    settings.AXES_FAILURE_LIMIT = 3
    django_user_model.objects.create_superuser("beheer", password=WACHTWOORD)
    r = client.get("/admin/")
    assert r.status_code == 302
    r = client.get(r["Location"])
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/?next=/admin/")
    # Posting to the admin's own login form does not bypass the lockout either.
    r = client.post("/admin/login/", {"username": "beheer", "password": WACHTWOORD})
    assert r.status_code == 302 and "_auth_user_id" not in client.session
    for _ in range(3):
        r = _inloggen(client, "fout", naam="beheer", next_="/admin/")
    assert r.status_code == 429
    r = _inloggen(client, WACHTWOORD, naam="beheer", next_="/admin/")
    assert r.status_code == 429
    assert client.get("/admin/").status_code == 302
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(hours=1))
    r = _inloggen(client, WACHTWOORD, naam="beheer", next_="/admin/")
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_unprefixed_and_wizard_posts_both_log_in(client, medewerker):
    r = client.post(
        "/inloggen/",
        {"inloggen_view-current_step": "auth", "username": "medewerker", "password": WACHTWOORD},
    )
    assert r.status_code == 302 and r["Location"] == "/start/"  # the start page per role (#19)
