from .koppeling import Koppeling, KoppelingQuerySet, Koppelingsrol, TsaCode

__all__ = ["Koppeling", "KoppelingQuerySet", "Koppelingsrol", "TsaCode"]
