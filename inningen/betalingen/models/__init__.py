from inningen.betalingen.models.afschriftimport import Afschriftimport, ImportStatus
from inningen.betalingen.models.betaling import (
    Afschrift,
    Betaling,
    Incassobestand,
    Incassopost,
    Matchinstelling,
)
from inningen.betalingen.models.tegoed import Terugbetaalbestand, Terugbetaling

__all__ = [
    "Afschrift",
    "Afschriftimport",
    "Betaling",
    "ImportStatus",
    "Incassobestand",
    "Incassopost",
    "Matchinstelling",
    "Terugbetaalbestand",
    "Terugbetaling",
]
