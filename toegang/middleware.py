"""Session rules for people: idle timeout, and multi-factor authentication where required."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from toegang.selectors import mfa_vereist

_LAATST_ACTIEF = "toegang_laatst_actief"
# The timestamp is rewritten at most this often (seconds), so not every request saves the session.
_BIJWERKEN_NA = 60

# Reachable without a second factor: logging in and out, single sign-on.
_ALTIJD = {"login", "logout", "oidc_authentication_init", "oidc_authentication_callback"}
# Without a device: setting one up.
_ZONDER_APPARAAT = {
    "two_factor:setup",
    "two_factor:qr",
    "two_factor:setup_complete",
    "two_factor:backup_tokens",
    "two_factor:webauthn:create_credential",
}
# With a device but an unverified session (e.g. after SSO): entering a code.
_MET_APPARAAT = {"toegang:verifieren", "two_factor:webauthn:get_credential"}


def _naar(naam: str, request):
    return redirect(f"{reverse(naam)}?{urlencode({'next': request.get_full_path()})}")


class SessieInactiefMiddleware:
    """Log a user out after SESSIE_INACTIEF_MINUTEN without a request (BIO: idle sessions end).

    Own timestamp in the session rather than SESSION_SAVE_EVERY_REQUEST with a short cookie age:
    it only ends logged-in sessions, and is written at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            nu = time.time()
            laatst = request.session.get(_LAATST_ACTIEF)
            if laatst is not None and nu - laatst > settings.SESSIE_INACTIEF_MINUTEN * 60:
                logout(request)
                messages.info(
                    request,
                    f"U bent uitgelogd omdat u {settings.SESSIE_INACTIEF_MINUTEN} minuten "
                    "niet actief was. Log opnieuw in.",
                )
                return _naar(settings.LOGIN_URL, request)
            if laatst is None or nu - laatst > _BIJWERKEN_NA:
                request.session[_LAATST_ACTIEF] = nu
        return self.get_response(request)


class MfaVerplichtMiddleware:
    """When INNINGEN_MFA_VERPLICHT is on, superusers, staff and beheerders reach the admin and
    the screens only with an OTP-verified session: without a device they are sent to set one up,
    with one to enter a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.INNINGEN_MFA_VERPLICHT:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        if not mfa_vereist(user):
            return None
        if (
            settings.OIDC_MFA_DOOR_IDP
            and request.session.get(BACKEND_SESSION_KEY) == "toegang.oidc.OidcBackend"
        ):
            return None
        match = request.resolver_match
        naam = match.view_name if match else ""
        if naam in _ALTIJD:
            return None
        if user_has_device(user):
            if naam in _MET_APPARAAT:
                return None
            return _naar("toegang:verifieren", request)
        if naam in _ZONDER_APPARAAT:
            return None
        return _naar("two_factor:setup", request)
