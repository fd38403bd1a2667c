from inningen.organisaties.models.medewerker import Medewerker
from inningen.organisaties.models.organisatie import (
    Bankrekening,
    Organisatie,
    OrganisatorischeEenheid,
)

__all__ = [
    "Bankrekening",
    "Medewerker",
    "Organisatie",
    "OrganisatorischeEenheid",
]
