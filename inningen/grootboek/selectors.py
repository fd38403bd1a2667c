"""Reads of claims and their debtors, scoped by the user's organisations."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Vordering
from inningen.organisaties.selectors import organisatie_ids_for_user


def debiteuren_for_user(user, ids: list[int] | None = None) -> QuerySet[Debiteur]:
    """Debtors with at least one claim of the user's organisations (EXISTS, no DISTINCT);
    ``ids``: the user's organisation keys when the caller has them already."""
    ids = organisatie_ids_for_user(user) if ids is None else ids
    return Debiteur.objects.filter(
        Exists(Vordering.objects.filter(debiteur=OuterRef("pk"), organisatie_id__in=ids))
    )


def debiteur_for_user(user, pk) -> Debiteur:
    debiteur = debiteuren_for_user(user).filter(pk=pk).first()
    if debiteur is None:
        raise Http404("Debiteur niet gevonden.")
    return debiteur
