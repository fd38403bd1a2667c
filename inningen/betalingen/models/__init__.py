from inningen.betalingen.models.betaling import (
    Afschrift,
    Betaling,
    Incassobestand,
    Incassopost,
    Matchinstelling,
)

__all__ = [
    "Afschrift",
    "Betaling",
    "Incassobestand",
    "Incassopost",
    "Matchinstelling",
]
