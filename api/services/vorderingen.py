"""Creating a claim over REST: the Di01's rules (one implementation), all or nothing, and an
Idempotency-Key that makes a retry safe."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiClient, Idempotentie
from inningen.grootboek.models import Vordering
from stuffin.services.verstrek_vordering import Autorisatie, vorderingen_intake
from stuffin.stuf import berichten as stuf


class IdempotentieConflict(Exception):
    """The Idempotency-Key was used before with another request body."""


@dataclass(frozen=True)
class Antwoord:
    http_status: int
    body: dict
    location: str
    herhaald: bool = False  # replayed from an earlier request with the same key


def verzoek_hash(data) -> str:
    """The request body's fingerprint: canonical JSON (sorted keys), so key order and spacing
    of a retry do not matter."""
    canoniek = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canoniek.encode()).hexdigest()


def autorisatie_for_client(client: ApiClient) -> Autorisatie:
    organisatie = client.organisatie
    return Autorisatie(
        tsa_codes=client.tsa_code_set,
        organisaties={organisatie.rsin: organisatie},
        standaard=organisatie,
    )


def _herhaling(client: ApiClient, sleutel: str, hash_: str) -> Antwoord | None:
    eerder = Idempotentie.objects.filter(client=client, sleutel=sleutel).first()
    if eerder is None:
        return None
    if eerder.verzoek_hash != hash_:
        raise IdempotentieConflict(sleutel)
    return Antwoord(eerder.http_status, eerder.antwoord, eerder.location, herhaald=True)


def vordering_create(
    *,
    client: ApiClient,
    vordering: stuf.Vordering,
    antwoord: Callable[[Vordering, list[str]], tuple[dict, str]],
    idempotency_key: str = "",
    hash_: str = "",
) -> Antwoord:
    """Store one claim through the shared intake (raises StufFout on a broken rule) and return
    the answer ``antwoord(claim, warnings)`` builds, as (body, location). With an
    ``idempotency_key`` the answer is stored in the same transaction and a retry with the same
    key and body gets it again without a second claim."""
    if idempotency_key:
        eerder = _herhaling(client, idempotency_key, hash_)
        if eerder is not None:
            return eerder
    try:
        with transaction.atomic():
            (opgeslagen,) = vorderingen_intake(
                vorderingen=[vordering],
                autorisatie=autorisatie_for_client(client),
                door=f"API {client.naam}",
                afzender="deze API-client",
                vandaag=timezone.localdate(),
            )
            body, location = antwoord(opgeslagen, list(opgeslagen.waarschuwingen or []))
            if idempotency_key:
                Idempotentie.objects.create(
                    client=client,
                    sleutel=idempotency_key,
                    verzoek_hash=hash_,
                    http_status=201,
                    antwoord=body,
                    location=location,
                )
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as it did.
        if idempotency_key:
            eerder = _herhaling(client, idempotency_key, hash_)
            if eerder is not None:
                return eerder
        raise
    return Antwoord(201, body, location)
