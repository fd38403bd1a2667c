from inningen.betalingen.models.betaling import (
    Afschrift,
    Betaling,
    Incassobestand,
    Incassopost,
    Matchinstelling,
)
from inningen.betalingen.models.machtiging import Machtiging

__all__ = [
    "Afschrift",
    "Betaling",
    "Incassobestand",
    "Incassopost",
    "Machtiging",
    "Matchinstelling",
]
