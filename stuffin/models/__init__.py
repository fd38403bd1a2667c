from .bericht import Bericht, Richting
from .koppeling import Koppeling, KoppelingQuerySet, Koppelingsrol, TsaCode
from .uitgaand import UitgaandBericht, UitgaandSoort, UitgaandStatus

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
