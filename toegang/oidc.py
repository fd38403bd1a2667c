"""Single sign-on with OpenID Connect (mozilla-django-oidc), only when OIDC_RP_CLIENT_ID is set.

Users are matched by the username claim (OIDC_GEBRUIKERSNAAM_CLAIM), never by e-mail; role groups
and organisations come from optional claims (toegang.services). A superuser account never logs
in through SSO: superusers use their local account with a second factor."""

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from toegang.services import sso_gebruiker_bijwerken

logger = logging.getLogger(__name__)


def _gebruikersnaam(claims: dict) -> str:
    waarde = claims.get(settings.OIDC_GEBRUIKERSNAAM_CLAIM)
    if not isinstance(waarde, str) or not waarde.strip() or len(waarde) > 150:
        return ""
    return waarde.strip()


class OidcBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.OIDC_INGESCHAKELD:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        # mozilla-django-oidc checks signature, expiry and nonce, not who the token is for.
        payload = super().verify_token(token, **kwargs)
        aud = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in (aud if isinstance(aud, list) else [aud]):
            raise SuspiciousOperation("Het id_token is niet voor deze applicatie uitgegeven.")
        return payload

    def verify_claims(self, claims):
        return bool(_gebruikersnaam(claims))

    def describe_user_by_claims(self, claims):
        return f"gebruikersnaam {_gebruikersnaam(claims)!r}"

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=_gebruikersnaam(claims))

    def create_user(self, claims):
        return sso_gebruiker_bijwerken(
            user=None, gebruikersnaam=_gebruikersnaam(claims), claims=claims
        )

    def update_user(self, user, claims):
        if user.is_superuser:
            logger.warning("SSO-aanmelding als superuser %s geweigerd", user.get_username())
            raise SuspiciousOperation("Een superuser meldt zich niet aan via SSO.")
        return sso_gebruiker_bijwerken(user=user, gebruikersnaam=user.get_username(), claims=claims)


class _AlleenIngeschakeld:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_INGESCHAKELD:
            raise Http404("Inloggen met SSO is niet ingeschakeld.")
        return super().dispatch(request, *args, **kwargs)


class SsoStartView(_AlleenIngeschakeld, OIDCAuthenticationRequestView):
    pass


class SsoTerugkeerView(_AlleenIngeschakeld, OIDCAuthenticationCallbackView):
    pass
