"""Reads of follow-ups (#19), always scoped to the user's organisations."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from inningen.grootboek.models import Vordering
from inningen.invordering.models import Opvolging
from inningen.invordering.services.opvolging import medewerkers_van
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisatie_ids_for_user

FILTERS = (("mijn", "Van mij"), ("vrij", "Zonder eigenaar"), ("alle", "Alle van mijn organisaties"))


def opvolgingen_open(user, *, filter: str = "mijn") -> QuerySet[Opvolging]:
    """Open follow-ups, earliest date first (so the overdue ones lead), each with ``verlopen``."""
    vandaag = timezone.localdate()
    qs = Opvolging.objects.filter(
        organisatie_id__in=organisatie_ids_for_user(user), afgehandeld_op__isnull=True
    )
    if filter == "vrij":
        qs = qs.filter(eigenaar__isnull=True)
    elif filter != "alle":
        qs = qs.filter(eigenaar=user)
    return (
        qs.select_related("organisatie", "debiteur", "vordering", "eigenaar")
        .annotate(
            verlopen=Case(
                When(datum__lt=vandaag, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("datum", "pk")
    )


def opvolging_aantallen(user) -> dict[str, int]:
    """One COUNT over the open follow-ups (partial index on organisation and date)."""
    vandaag = timezone.localdate()
    return Opvolging.objects.filter(
        organisatie_id__in=organisatie_ids_for_user(user), afgehandeld_op__isnull=True
    ).aggregate(
        mijn_open=Count("pk", filter=Q(eigenaar=user)),
        mijn_verlopen=Count("pk", filter=Q(eigenaar=user, datum__lt=vandaag)),
        vrij_verlopen=Count("pk", filter=Q(eigenaar__isnull=True, datum__lt=vandaag)),
        vrij_open=Count("pk", filter=Q(eigenaar__isnull=True)),
    )


def opvolging_paneel(user, *, debiteur=None, vordering=None) -> dict:
    """Context of the partial balie/_opvolging.html: this debtor's or claim's follow-ups (open
    and handled: the history) and the choices of the form."""
    org_ids = organisatie_ids_for_user(user)
    qs = Opvolging.objects.filter(organisatie_id__in=org_ids)
    if vordering is not None:
        qs = qs.filter(vordering=vordering)
        organisaties = [vordering.organisatie] if vordering.organisatie_id in org_ids else []
    else:
        qs = qs.filter(debiteur=debiteur)
        met_vorderingen = Vordering.objects.filter(
            debiteur=debiteur, organisatie_id__in=org_ids
        ).values("organisatie_id")
        organisaties = list(Organisatie.objects.filter(pk__in=met_vorderingen).order_by("naam"))
    qs = qs.select_related(
        "organisatie", "vordering", "eigenaar", "aangemaakt_door", "afgehandeld_door"
    )
    open_ = list(qs.filter(afgehandeld_op__isnull=True).order_by("datum", "pk")[:50])
    historie = list(qs.filter(afgehandeld_op__isnull=False).order_by("-afgehandeld_op", "-pk")[:20])
    return {
        "open": open_,
        "historie": historie,
        "organisaties": organisaties,
        "medewerkers": medewerkers_van([o.pk for o in organisaties]) if organisaties else [],
        "debiteur": debiteur,
        "vordering": vordering,
        "vandaag": timezone.localdate(),
    }
