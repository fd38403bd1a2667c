"""Work list "adres in onderzoek" (issue #18): open claims whose debtor, per the BRP, cannot be
reached by letter (deceased, vastgesteld verblijft niet op adres, emigrated without an address,
unknown to the BRP). The run skips them; the balie investigates them."""

from __future__ import annotations

from django.db.models import Case, CharField, F, QuerySet, Value, When

from inningen.choices import AFGESLOTEN_STATUSSEN
from inningen.debiteuren.models.adres import ADRES_IN_ONDERZOEK, Adresstatus
from inningen.grootboek.models import Vordering


def adres_in_onderzoek(user) -> QuerySet[Vordering]:
    """The user's open claims (openstaand > 0, not closed) whose debtor is in
    ADRES_IN_ONDERZOEK, longest waiting first. Each row has ``adresstatus``,
    ``adresstatus_sinds`` and ``reden`` (the status in words) annotated, and its debtor and
    organisation loaded. No address is read, so geheimhouding plays no part here."""
    return (
        Vordering.objects.for_user(user)
        .filter(openstaand_bedrag__gt=0, debiteur__adresstatus__in=list(ADRES_IN_ONDERZOEK))
        .exclude(status__in=list(AFGESLOTEN_STATUSSEN))
        .select_related("debiteur", "organisatie")
        .annotate(
            adresstatus=F("debiteur__adresstatus"),
            adresstatus_sinds=F("debiteur__adresstatus_sinds"),
            reden=Case(
                *(
                    When(debiteur__adresstatus=status.value, then=Value(status.label))
                    for status in Adresstatus
                    if status in ADRES_IN_ONDERZOEK
                ),
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .order_by(F("debiteur__adresstatus_sinds").asc(nulls_first=True), "debiteur_id", "pk")
    )
