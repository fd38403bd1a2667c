"""Verwerkingenlogging: the only code that writes ``Verwerking`` rows."""

from collections.abc import Iterable

from django.utils import timezone

from inningen.debiteuren.models import Debiteur
from inningen.verwerkingen.models import Verwerking

DOEL_BALIE = "balie"
DOEL_INVORDERING = "invordering"


def verwerking_log(
    *,
    user,
    debiteuren: Iterable[Debiteur],
    doel: str,
    activiteit: str,
    vordering=None,
) -> list[Verwerking]:
    """Log that ``user`` viewed the data of these debtors; only natural persons are logged
    (the AVG concerns personal data). One INSERT for any number of debtors, no transaction of
    its own (it is part of the request that shows the data)."""
    nu = timezone.now()
    naam = user.get_username()
    rijen = []
    for deb in debiteuren:
        if not deb.is_natuurlijk_persoon:
            continue
        rij = Verwerking(
            gebruiker=user,
            gebruikersnaam=naam,
            wanneer=nu,
            debiteur=deb,
            vordering=vordering,
            doel=doel[:100],
            activiteit=activiteit[:200],
        )
        rij._via_verwerking_log = True
        rijen.append(rij)
    if len(rijen) == 1:
        rijen[0].save()  # one INSERT, no transaction around it
    elif rijen:
        Verwerking.objects.bulk_create(rijen)
    return rijen
