"""Opvolging (#19): a follow-up on a debtor or claim with an owner, a date and a note.

Every change is a new row or the closing of one, never an edit: the history shows who promised
what and who handled it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Opvolging
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisatie_ids_for_user


def medewerkers_van(organisatie_ids) -> list:
    """Active users who work for one of these organisations: who may own a follow-up there."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, medewerker__organisaties__in=list(organisatie_ids))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@transaction.atomic
def opvolging_create(
    *,
    user,
    organisatie: Organisatie,
    datum: dt.date,
    notitie: str,
    debiteur: Debiteur | None = None,
    vordering: Vordering | None = None,
    eigenaar=None,
) -> Opvolging:
    """A follow-up for ``organisatie`` on a claim (its debtor is taken along) or a debtor the
    organisation has claims on. The owner, when given, works for that organisation."""
    if organisatie.pk not in organisatie_ids_for_user(user):
        raise PermissionDenied
    notitie = (notitie or "").strip()
    fouten = {}
    if not notitie:
        fouten["notitie"] = "Schrijf op wat er moet gebeuren, bijvoorbeeld 'terugbellen'."
    if datum is None:
        fouten["datum"] = "Vul een opvolgdatum in."
    elif datum < timezone.localdate():
        fouten["datum"] = "De opvolgdatum ligt in het verleden."
    if vordering is not None:
        if vordering.organisatie_id != organisatie.pk:
            fouten["organisatie"] = "Deze vordering hoort niet bij deze organisatie."
        debiteur = debiteur or vordering.debiteur
    elif debiteur is None:
        fouten["algemeen"] = "Een opvolging hoort bij een debiteur of een vordering."
    elif not Vordering.objects.filter(organisatie=organisatie, debiteur=debiteur).exists():
        # Otherwise a follow-up would tell another organisation's users about this debtor.
        fouten["organisatie"] = "Deze organisatie heeft geen vorderingen op deze debiteur."
    if eigenaar is not None and eigenaar.pk not in {
        u.pk for u in medewerkers_van([organisatie.pk])
    }:
        fouten["eigenaar"] = "Kies een medewerker van deze organisatie."
    if fouten:
        raise ValidationError(fouten)
    return Opvolging.objects.create(
        organisatie=organisatie,
        debiteur=debiteur,
        vordering=vordering,
        eigenaar=eigenaar,
        datum=datum,
        notitie=notitie[:1000],
        aangemaakt_door=user,
    )


@transaction.atomic
def opvolging_afhandelen(*, user, opvolging_pk: int, toelichting: str = "") -> Opvolging:
    """Mark a follow-up done by ``user`` (anyone of its organisation: a colleague may take over
    when the owner is away). Handling it twice is refused, so the first handler stays on record."""
    opvolging = (
        Opvolging.objects.select_for_update()
        .filter(pk=opvolging_pk, organisatie_id__in=organisatie_ids_for_user(user))
        .first()
    )
    if opvolging is None:
        raise PermissionDenied
    if opvolging.afgehandeld_op is not None:
        raise ValidationError("Deze opvolging is al afgehandeld.")
    opvolging.afgehandeld_op = timezone.now()
    opvolging.afgehandeld_door = user
    opvolging.afhandeling = (toelichting or "").strip()[:1000]
    opvolging.save(update_fields=["afgehandeld_op", "afgehandeld_door", "afhandeling"])
    return opvolging
