"""Accounts made and kept up to date from single sign-on claims."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from inningen.organisaties.models import Medewerker, Organisatie
from inningen.organisaties.services.rollen import BEHEERDER, ROLLEN


def _tekst(claims: dict, naam: str, lengte: int) -> str:
    waarde = claims.get(naam)
    return waarde.strip()[:lengte] if isinstance(waarde, str) else ""


def _lijst(claims: dict, naam: str) -> list[str]:
    waarde = claims.get(naam)
    if isinstance(waarde, str):
        waarde = [waarde]
    if not isinstance(waarde, list):
        return []
    return [w.strip() for w in waarde if isinstance(w, str)]


def _rollen(claims: dict) -> set[str] | None:
    """The role groups the groups claim names (None: no groups claim configured). Values are
    translated by OIDC_GROEPEN_VERTALING, then only the product's own roles count."""
    if not settings.OIDC_GROEPEN_CLAIM:
        return None
    vertaling = {k.lower(): v for k, v in settings.OIDC_GROEPEN_VERTALING.items()}
    namen = {
        vertaling.get(w.lower(), w).lower() for w in _lijst(claims, settings.OIDC_GROEPEN_CLAIM)
    }
    return {rol for rol in ROLLEN if rol in namen}


@transaction.atomic
def sso_gebruiker_bijwerken(*, user, gebruikersnaam: str, claims: dict):
    """Create (``user`` None) or update a user from OIDC claims: e-mail and names; when the
    claims are configured, the role groups (only the product's roles; other groups stay) and the
    organisations (by RSIN). Never superuser; staff (admin access) only as beheerder."""
    User = get_user_model()
    if user is None:
        user = User(username=gebruikersnaam)
        user.set_unusable_password()
    user.email = _tekst(claims, "email", 254) or user.email
    user.first_name = _tekst(claims, "given_name", 150) or user.first_name
    user.last_name = _tekst(claims, "family_name", 150) or user.last_name
    user.is_superuser = False
    rollen = _rollen(claims)
    if rollen is not None:
        user.is_staff = BEHEERDER in rollen
    user.save()
    if rollen is not None:
        groepen = list(Group.objects.filter(name__in=ROLLEN))
        user.groups.remove(*[g for g in groepen if g.name not in rollen])
        user.groups.add(*[g for g in groepen if g.name in rollen])
    if settings.OIDC_ORGANISATIES_CLAIM:
        rsins = _lijst(claims, settings.OIDC_ORGANISATIES_CLAIM)
        medewerker, _ = Medewerker.objects.get_or_create(user=user)
        medewerker.organisaties.set(Organisatie.objects.filter(rsin__in=rsins))
    return user
