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
from inningen.invordering.models.opvolging import Opvolging
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
    "Opvolging",
    "Regelingtermijn",
    "Rentetarief",
    "Wikstaffel",
]
