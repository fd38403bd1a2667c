from verantwoording.models.instelling import (
    Boekingssleutel,
    Frequentie,
    OnbekendeCode,
    VerantwoordingInstelling,
)
from verantwoording.models.verantwoording import (
    FinancieleVerantwoording,
    VerantwoordeBoeking,
    Verantwoordingsregel,
)

__all__ = [
    "Boekingssleutel",
    "FinancieleVerantwoording",
    "Frequentie",
    "OnbekendeCode",
    "VerantwoordeBoeking",
    "VerantwoordingInstelling",
    "Verantwoordingsregel",
]
