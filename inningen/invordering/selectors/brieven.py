"""Read side of the letters: a debtor's correspondence and one letter, scoped to the user's
organisations."""

from __future__ import annotations

from django.db.models import F
from django.http import Http404

from inningen.invordering.models import Brief
from inningen.organisaties.selectors import organisatie_ids_for_user, organisaties_for_user


def brieven_for_debiteur(user, debiteur_pk) -> list[Brief]:
    """The debtor's letters from the user's organisations, newest first, in one query: the
    organisations are a subquery, and only the two values the list shows are read from the
    frozen data (``onderwerp``, ``totaal``), not the whole JSON of every letter."""
    brieven = Brief.objects.filter(debiteur_id=debiteur_pk)
    if not user.is_superuser:
        brieven = brieven.filter(organisatie__in=organisaties_for_user(user))
    return list(
        brieven.select_related("vordering", "organisatie")
        .only(
            "organisatie__naam", "vordering__vorderingnummer", "debiteur_id", "adres_id", "soort",
            "datum", "gerenderd_op", "created_at",
        )
        .annotate(onderwerp=F("gegevens__onderwerp"), totaal=F("gegevens__totaal"))
        .order_by("-datum", "-pk")
    )  # fmt: skip


def brief_for_user(user, pk) -> Brief:
    """One letter of the user's organisations, with its debtor (for the verwerkingenlogging);
    404 for a letter of another organisation, as if it did not exist."""
    brieven = Brief.objects.select_related("debiteur", "vordering", "adres")
    if not user.is_superuser:
        brieven = brieven.filter(organisatie_id__in=organisatie_ids_for_user(user))
    brief = brieven.filter(pk=pk).first()
    if brief is None:
        raise Http404("Brief niet gevonden.")
    return brief
