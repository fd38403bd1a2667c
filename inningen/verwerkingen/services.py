"""Verwerkingenlogging: the only code that writes ``Verwerking`` rows."""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from inningen.debiteuren.models import Debiteur
from inningen.verwerkingen.models import Verwerking

DOEL_BALIE = "balie"
DOEL_INVORDERING = "invordering"
DOEL_API = "api"


def _log(*, user, wie: Iterable[dict], doel: str, activiteit: str) -> list[Verwerking]:
    """One row per entry of ``wie`` (its debtor or betrokkene), in one INSERT and no transaction
    of its own (it is part of the request that shows the data). ``user`` is a staff account or
    a system acting on its own credentials (an API client): then only its name is kept."""
    nu = timezone.now()
    naam = user.get_username()
    account = user if isinstance(user, AbstractBaseUser) else None
    rijen = []
    for velden in wie:
        rij = Verwerking(
            gebruiker=account,
            gebruikersnaam=naam,
            wanneer=nu,
            doel=doel[:100],
            activiteit=activiteit[:200],
            **velden,
        )
        rij._via_verwerking_log = True
        rijen.append(rij)
    if len(rijen) == 1:
        rijen[0].save()  # one INSERT, no transaction around it
    elif rijen:
        Verwerking.objects.bulk_create(rijen)
    return rijen


def verwerking_log(
    *,
    user,
    debiteuren: Iterable[Debiteur],
    doel: str,
    activiteit: str,
    vordering=None,
) -> list[Verwerking]:
    """Log that ``user`` viewed the data of these debtors; only natural persons are logged
    (the AVG concerns personal data)."""
    return _log(
        user=user,
        wie=(
            {"debiteur": deb, "vordering": vordering}
            for deb in debiteuren
            if deb.is_natuurlijk_persoon
        ),
        doel=doel,
        activiteit=activiteit,
    )


def verwerking_log_tegenpartijen(
    *,
    user,
    tegenpartijen: Iterable[tuple[str, str]],
    doel: str,
    activiteit: str,
) -> list[Verwerking]:
    """Log that ``user`` viewed the name and account of bank counterparties, given as
    (naam, iban), that are no debtor. A statement does not say whether a counterparty is a
    natural person, so every one is logged; debtors among them are logged by verwerking_log."""
    betrokkenen = dict.fromkeys(
        " ".join(deel for deel in (tp_naam.strip(), tp_iban.strip()) if deel)[:200]
        for tp_naam, tp_iban in tegenpartijen
    )
    return _log(
        user=user,
        wie=({"betrokkene": b} for b in betrokkenen if b),
        doel=doel,
        activiteit=activiteit,
    )
