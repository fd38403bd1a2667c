"""The one scope rule: which organisations a user may see and act for.

Screens, selectors, exports, services and the admin all scope through these functions; none
repeats the rule (docs/architectuur.md, "Scope")."""

from django.db.models import QuerySet

from inningen.organisaties.models import Organisatie


def organisaties_for_user(user) -> QuerySet[Organisatie]:
    """The organisations ``user`` works for (Medewerker.organisaties); every organisation for a
    superuser; none for an anonymous user or a user without a Medewerker."""
    if not getattr(user, "is_authenticated", False):
        return Organisatie.objects.none()
    if user.is_superuser:
        return Organisatie.objects.all()
    return Organisatie.objects.filter(medewerkers__user=user)


def organisatie_ids_for_user(user) -> list[int]:
    """:func:`organisaties_for_user` as a list of keys (one query). Passed to later queries as
    literals, so PostgreSQL plans them from the (small) set of organisations, not a join."""
    return list(organisaties_for_user(user).values_list("pk", flat=True))


def scope_for_user(queryset: QuerySet, user, *, veld: str = "organisatie") -> QuerySet:
    """``queryset`` narrowed to rows whose ``veld`` (a path to an Organisatie) is one of the
    user's organisations; unchanged for a superuser."""
    if getattr(user, "is_superuser", False) and user.is_authenticated:
        return queryset
    return queryset.filter(**{f"{veld}__in": organisaties_for_user(user)})
