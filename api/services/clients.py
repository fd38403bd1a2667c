"""API clients: create or update, issue a new token, revoke."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import ApiClient, ApiClientTsaCode, Scope, token_hash, token_new
from inningen.organisaties.models import Organisatie


@dataclass(frozen=True)
class NieuwToken:
    client: ApiClient
    token: str  # shown once; only its hash is stored


def _check_scopes(scopes: list[str]) -> list[str]:
    onbekend = sorted(set(scopes) - set(Scope.values))
    if onbekend:
        raise ValidationError(
            f"Onbekende scope(s): {', '.join(onbekend)}. Bekend: {', '.join(Scope.values)}."
        )
    return sorted(set(scopes))


@transaction.atomic
def apiclient_save(
    *,
    naam: str,
    organisatie: Organisatie,
    scopes: list[str],
    tsa_codes: list[str] | None = None,
) -> NieuwToken:
    """Create the client ``naam`` or update it (organisation, scopes, TSA codes: replaced when
    given), and issue a new token; an earlier token stops working. A revoked client is active
    again with its new token."""
    naam = naam.strip()
    if not naam:
        raise ValidationError("Een API-client heeft een naam.")
    scopes = _check_scopes(scopes)
    token = token_new()
    client, _ = ApiClient.objects.select_for_update().get_or_create(
        naam=naam, defaults={"organisatie": organisatie}
    )
    client.organisatie = organisatie
    client.scopes = scopes
    client.token_hash = token_hash(token)
    client.token_begin = token[:8]
    client.actief = True
    client.ingetrokken_op = None
    client.save()
    if tsa_codes is not None:
        codes = sorted({c.strip() for c in tsa_codes if c.strip()})
        client.tsa_codes.exclude(code__in=codes).delete()
        bestaand = set(client.tsa_codes.values_list("code", flat=True))
        ApiClientTsaCode.objects.bulk_create(
            ApiClientTsaCode(client=client, code=c) for c in codes if c not in bestaand
        )
    return NieuwToken(client=client, token=token)


@transaction.atomic
def apiclient_revoke(*, client: ApiClient) -> None:
    """The token stops working at once; the client and its history stay."""
    ApiClient.objects.filter(pk=client.pk).update(
        actief=False, token_hash="", ingetrokken_op=timezone.now()
    )
    client.refresh_from_db()
