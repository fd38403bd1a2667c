from inningen.debiteuren.models.debiteur import Debiteur, DebiteurQuerySet, DebiteurRekening
from inningen.debiteuren.models.notitie import Notitie

__all__ = [
    "Debiteur",
    "DebiteurQuerySet",
    "DebiteurRekening",
    "Notitie",
]
