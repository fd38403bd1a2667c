from stuffin.models.bericht import Bericht, Richting
from stuffin.models.koppeling import Koppeling, KoppelingQuerySet, Koppelingsrol, TsaCode
from stuffin.models.uitgaand import UitgaandBericht, UitgaandSoort, UitgaandStatus

__all__ = [
    "Bericht",
    "Koppeling",
    "KoppelingQuerySet",
    "Koppelingsrol",
    "Richting",
    "TsaCode",
    "UitgaandBericht",
    "UitgaandSoort",
    "UitgaandStatus",
]
