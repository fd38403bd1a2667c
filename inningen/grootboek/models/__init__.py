from inningen.grootboek.models.boeking import Boeking, BoekingQuerySet, ImmutableError
from inningen.grootboek.models.koppeling import Debiteurkoppeling, KoppelingActie
from inningen.grootboek.models.status import Vorderingstatus
from inningen.grootboek.models.vordering import (
    BtwTotaalregel,
    Termijn,
    Vordering,
    VorderingQuerySet,
    Vorderingsregel,
)

__all__ = [
    "Boeking",
    "BoekingQuerySet",
    "BtwTotaalregel",
    "Debiteurkoppeling",
    "ImmutableError",
    "KoppelingActie",
    "Termijn",
    "Vordering",
    "VorderingQuerySet",
    "Vorderingsregel",
    "Vorderingstatus",
]
