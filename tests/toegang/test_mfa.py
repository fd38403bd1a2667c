"""MFA: when INNINGEN_MFA_VERPLICHT is on, staff/beheerders/superusers need an OTP-verified
session for the admin and the screens; the login asks for a TOTP code once a device exists."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.toegang.conftest import WACHTWOORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheer(django_user_model):
    return django_user_model.objects.create_superuser("beheer", password=WACHTWOORD)


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_enforced_without_device_sends_to_setup(client, beheer, settings):
    settings.INNINGEN_MFA_VERPLICHT = True
    r = client.post("/inloggen/?next=/admin/", {"username": "beheer", "password": WACHTWOORD})
    assert r.status_code == 302
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/instellen/")
    assert client.get("/account/2fa/instellen/").status_code == 200


def test_enforced_with_totp_device_login_needs_token(client, beheer, settings):
    settings.INNINGEN_MFA_VERPLICHT = True
    device = TOTPDevice.objects.create(user=beheer, name="default", confirmed=True)
    r = client.post("/inloggen/?next=/admin/", {"username": "beheer", "password": WACHTWOORD})
    assert r.status_code == 200  # the token step
    assert "_auth_user_id" not in client.session
    assert 'name="token-otp_token"' in r.content.decode()
    r = client.post(
        "/inloggen/?next=/admin/",
        {"inloggen_view-current_step": "token", "token-otp_token": "000000"},
    )
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down repeated wrong codes
    r = client.post(
        "/inloggen/?next=/admin/",
        {"inloggen_view-current_step": "token", "token-otp_token": _code(device)},
    )
    assert r.status_code == 302 and r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_enforced_unverified_session_must_verify(client, beheer, settings):
    settings.INNINGEN_MFA_VERPLICHT = True
    device = TOTPDevice.objects.create(user=beheer, name="default", confirmed=True)
    client.force_login(beheer)  # e.g. a session from before MFA was switched on
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/verifieren/")
    assert client.get("/").status_code == 302
    r = client.post(
        "/account/2fa/verifieren/?next=/admin/",
        {"otp_device": device.persistent_id, "otp_token": _code(device)},
    )
    assert r.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_not_enforced_password_suffices(client, beheer, settings):
    settings.INNINGEN_MFA_VERPLICHT = False
    r = client.post("/inloggen/?next=/admin/", {"username": "beheer", "password": WACHTWOORD})
    assert r.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_enforced_does_not_touch_users_without_staff_role(client, django_user_model, settings):
    settings.INNINGEN_MFA_VERPLICHT = True
    user = django_user_model.objects.create_user("gewoon", password=WACHTWOORD)
    client.force_login(user)
    assert client.get("/").status_code == 403  # no role: the screen's own refusal, no 2FA redirect
