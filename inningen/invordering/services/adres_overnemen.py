"""Adopting one debtor's address from the BRP or the Handelsregister at the balie (issue #18).

The balie shows the source's data first; adopting fetches it again (never an address from the
form) and applies the same rules as the refresh before letters, by running that refresh for this
one debtor (services/adressen.py): a new DebiteurAdres when the address differs, the adresstatus,
geheimhouding and adres_gecontroleerd_op.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from inningen.basisregistraties.brp import brp_client_from_settings
from inningen.basisregistraties.kvk import kvk_client_from_settings
from inningen.debiteuren.models import Debiteur
from inningen.debiteuren.models.adres import Adresbron, Adresstatus, DebiteurAdres
from inningen.invordering.services.adressen import adressen_verversen

_BSN = re.compile(r"^[0-9]{9}$")
_KVK = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True)
class AdresOvername:
    bron: str
    """Adresbron.BRP or Adresbron.KVK."""
    gevonden: bool
    """False: the source does not know the debtor (BRP: adresstatus becomes niet_in_brp)."""
    nieuw_adres: DebiteurAdres | None
    """The new letter address; None when the source gave none or the same one as before."""
    adresstatus: str


def adresbron_voor(debiteur: Debiteur) -> str | None:
    """Which source can be asked about this debtor, if it is configured: BRP for a natural
    person with a BSN, KvK for a company with a KvK-nummer; None otherwise."""
    if debiteur.is_natuurlijk_persoon:
        if debiteur.bsn and _BSN.match(debiteur.bsn) and brp_client_from_settings() is not None:
            return Adresbron.BRP
    elif (
        debiteur.kvk_nummer
        and _KVK.match(debiteur.kvk_nummer)
        and kvk_client_from_settings() is not None
    ):
        return Adresbron.KVK
    return None


def debiteur_adres_overnemen(*, debiteur: Debiteur, door: str) -> AdresOvername:
    """Fetch the debtor from its source again and make that the letter address.

    Raises ValidationError when no source can be asked for this debtor, and
    services.adressen.AdressenNietBeschikbaar when the source does not answer (then nothing is
    changed). Not one transaction around everything on purpose: the HTTP call must not hold a
    database transaction open; the refresh fetches first and writes in one atomic block.
    """
    bron = adresbron_voor(debiteur)
    if bron is None:
        raise ValidationError(
            "Voor deze debiteur kan geen adres uit de BRP of het Handelsregister worden opgehaald."
        )
    vorige = debiteur.brief_adres_id
    resultaat = adressen_verversen(debiteur_ids=[debiteur.pk], door=door)
    debiteur.refresh_from_db(
        fields=[
            "brief_adres", "adresstatus", "adresstatus_sinds", "geheimhouding",
            "adres_gecontroleerd_op",
        ]
    )  # fmt: skip
    nieuw = None
    if debiteur.brief_adres_id and debiteur.brief_adres_id != vorige:
        nieuw = debiteur.brief_adres
    return AdresOvername(
        bron=bron,
        # The refresh counts a BRP "not found" as checked, and skips a KvK 404.
        gevonden=resultaat.gecontroleerd > 0
        and resultaat.in_onderzoek.get(debiteur.pk) != Adresstatus.NIET_IN_BRP,
        nieuw_adres=nieuw,
        adresstatus=debiteur.adresstatus,
    )
