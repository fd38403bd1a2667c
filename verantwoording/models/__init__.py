from .instelling import Boekingssleutel, Frequentie, OnbekendeCode, VerantwoordingInstelling
from .verantwoording import FinancieleVerantwoording, VerantwoordeBoeking, Verantwoordingsregel

__all__ = [
    "Boekingssleutel",
    "FinancieleVerantwoording",
    "Frequentie",
    "OnbekendeCode",
    "VerantwoordeBoeking",
    "VerantwoordingInstelling",
    "Verantwoordingsregel",
]
