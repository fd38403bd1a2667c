"""Reads of follow-ups (#19), always scoped to the user's organisations."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from inningen.grootboek.models import Vordering
from inningen.invordering.models import Opvolging
from inningen.invordering.services.opvolging import medewerkers_van
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisatie_ids_for_user, organisaties_for_user

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


def opvolging_paneel(
    user, *, debiteur=None, vordering=None, debiteur_organisaties: list | None = None
) -> dict:
    """Context of the partial balie/_opvolging.html: this debtor's or claim's follow-ups (open
    and handled: the history) and the choices of the form. Three queries: the debtor page has
    a fixed query budget (the user's organisations go in as a subquery).
    ``debiteur_organisaties``: the organisations of the debtor's claims in the user's scope, when
    the caller has them already (the debtor page loaded every claim): one query less."""
    orgs = organisaties_for_user(user)
    qs = Opvolging.objects.filter(organisatie__in=orgs)
    if vordering is not None:
        # The caller fetched the claim through the user's scope (vordering_for_user).
        qs = qs.filter(vordering=vordering)
        organisaties = [vordering.organisatie]
    else:
        qs = qs.filter(debiteur=debiteur)
    if vordering is None and debiteur_organisaties is not None:
        organisaties = sorted(debiteur_organisaties, key=lambda o: o.naam)
    elif vordering is None:
        met_vorderingen = Vordering.objects.filter(debiteur=debiteur, organisatie__in=orgs).values(
            "organisatie_id"
        )
        organisaties = list(Organisatie.objects.filter(pk__in=met_vorderingen).order_by("naam"))
    rijen = list(
        qs.select_related(
            "organisatie", "vordering", "eigenaar", "aangemaakt_door", "afgehandeld_door"
        ).order_by(F("afgehandeld_op").desc(nulls_first=True), "datum", "pk")[:100]
    )
    open_ = sorted((o for o in rijen if o.afgehandeld_op is None), key=lambda o: (o.datum, o.pk))
    historie = [o for o in rijen if o.afgehandeld_op is not None][:20]
    return {
        "open": open_,
        "historie": historie,
        "organisaties": organisaties,
        "medewerkers": medewerkers_van([o.pk for o in organisaties]) if organisaties else [],
        "debiteur": debiteur,
        "vordering": vordering,
        "vandaag": timezone.localdate(),
    }
