from .bericht import Bericht, Richting
from .koppeling import Koppeling, KoppelingQuerySet, Koppelingsrol, TsaCode

__all__ = ["Bericht", "Koppeling", "KoppelingQuerySet", "Koppelingsrol", "Richting", "TsaCode"]
