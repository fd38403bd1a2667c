from inningen.debiteuren.models.debiteur import Debiteur, DebiteurQuerySet, DebiteurRekening
from inningen.debiteuren.models.machtiging import Machtiging
from inningen.debiteuren.models.notitie import Notitie

__all__ = [
    "Debiteur",
    "DebiteurQuerySet",
    "DebiteurRekening",
    "Machtiging",
    "Notitie",
]
