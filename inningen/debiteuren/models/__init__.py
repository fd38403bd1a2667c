from inningen.debiteuren.models.adres import (
    ADRES_IN_ONDERZOEK,
    Adresbron,
    Adresstatus,
    DebiteurAdres,
)
from inningen.debiteuren.models.debiteur import Debiteur, DebiteurQuerySet, DebiteurRekening
from inningen.debiteuren.models.machtiging import Machtiging
from inningen.debiteuren.models.notitie import Notitie

__all__ = [
    "ADRES_IN_ONDERZOEK",
    "Adresbron",
    "Adresstatus",
    "Debiteur",
    "DebiteurAdres",
    "DebiteurQuerySet",
    "DebiteurRekening",
    "Machtiging",
    "Notitie",
]
