from inningen.invordering.models.invordering import (
    Afboekingsvoorstel,
    Brief,
    Invorderingsinstelling,
    Invorderingsrun,
    Invorderingsstap,
    Kostentarief,
    Opschorting,
    Rentetarief,
    Wikstaffel,
)
from inningen.invordering.models.regeling import Betalingsregeling, Regelingtermijn

__all__ = [
    "Afboekingsvoorstel",
    "Betalingsregeling",
    "Brief",
    "Invorderingsinstelling",
    "Invorderingsrun",
    "Invorderingsstap",
    "Kostentarief",
    "Opschorting",
    "Regelingtermijn",
    "Rentetarief",
    "Wikstaffel",
]
