"""Authentication and authorisation of API clients.

``Authorization: Bearer <token>``: the token's SHA-256 finds the active client in one indexed
lookup. Unknown tokens are counted per client IP (toegang.throttle, as for the StUF
credentials): after API_AUTH_MAX_POGINGEN failures within API_AUTH_BLOKKADE_SECONDEN the
address gets 429 with Retry-After before any database lookup.

A view declares the scope each HTTP method needs: ``scopes = {"GET": Scope.X, "POST": ...}``;
:class:`HeeftScope` refuses (403) a client without it and methods the view does not list.
"""

import logging

from django.conf import settings
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import BasePermission

from api.models import ApiClient, token_hash
from toegang.throttle import TeVeelPogingen, Throttle, client_ip

logger = logging.getLogger(__name__)

REALM = "inningen-api"
# Tokens we issue are ~47 characters; anything far longer is no token and is not hashed.
_MAX_TOKEN_LENGTE = 256


class TeVeelMislukteAanmeldingen(Throttled):
    default_detail = "Te veel mislukte aanmeldpogingen vanaf dit adres."
    extra_detail_singular = "Probeer het over {wait} seconde opnieuw."
    extra_detail_plural = "Probeer het over {wait} seconden opnieuw."


def _throttle() -> Throttle:
    return Throttle("api", settings.API_AUTH_MAX_POGINGEN, settings.API_AUTH_BLOKKADE_SECONDEN)


def _bearer_token(request) -> str | None:
    """The token of a Bearer header; None without a Bearer header (another scheme is left to
    other authenticators, and then to NotAuthenticated). A malformed one fails."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.strip():
        return None
    schema, _, rest = header.strip().partition(" ")
    if schema.lower() != "bearer":
        return None
    token = rest.strip()
    if not token or len(token) > _MAX_TOKEN_LENGTE or any(c.isspace() for c in token):
        raise AuthenticationFailed(
            "Ongeldige Authorization-header: verwacht 'Bearer <token>' met één token."
        )
    return token


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = _bearer_token(request)
        if token is None:
            return None
        throttle = _throttle()
        # Tokens are random: guessing shows up as many unknown tokens from one address.
        sleutel = client_ip(request)
        try:
            throttle.controleren(sleutel)
        except TeVeelPogingen as exc:
            raise TeVeelMislukteAanmeldingen(wait=exc.retry_after) from None
        client = (
            ApiClient.objects.filter(token_hash=token_hash(token), actief=True)
            .select_related("organisatie")
            .prefetch_related("tsa_codes")
            .first()
        )
        if client is None:
            if throttle.mislukt(sleutel) == throttle.limiet:
                logger.warning(
                    "API-aanmelding vanaf %s geblokkeerd na %d onbekende tokens",
                    sleutel,
                    throttle.limiet,
                )
            raise AuthenticationFailed("Onbekend, ingetrokken of niet actief token.")
        # No reset on success: the count is per address, and one valid token must not let
        # the same address go on guessing others.
        client._tsa_codes = frozenset(t.code for t in client.tsa_codes.all())
        return client, client

    def authenticate_header(self, request):
        return f'Bearer realm="{REALM}"'


def vereiste_scope(view, method: str) -> str | None:
    """The scope ``view`` requires for ``method`` (HEAD and OPTIONS as GET); None: not allowed."""
    scopes = getattr(view, "scopes", None) or {}
    method = method.upper()
    if method in ("HEAD", "OPTIONS") and method not in scopes:
        method = "GET"
    return scopes.get(method)


class HeeftScope(BasePermission):
    """The client holds the scope the view requires for the request's method."""

    message = "Deze API-client heeft geen toegang tot deze bewerking."

    def has_permission(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            # DRF answers 401 (with WWW-Authenticate) when no authenticator succeeded.
            return False
        if not hasattr(view, request.method.lower()):
            return True  # the view does not implement it: let DRF answer 405
        scope = vereiste_scope(view, request.method)
        if scope is None:
            # Implemented but no scope declared: fail closed.
            self.message = f"De methode {request.method} is hier niet toegestaan."
            return False
        if not client.has_scope(scope):
            self.message = f"Deze API-client mist de scope '{scope}'."
            return False
        return True
