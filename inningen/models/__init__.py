from .boeking import Boeking, BoekingQuerySet
from .debiteur import Debiteur, DebiteurQuerySet, DebiteurRekening
from .machtiging import Machtiging
from .medewerker import Medewerker
from .organisatie import Bankrekening, Organisatie, OrganisatorischeEenheid
from .status import Vorderingstatus
from .vordering import BtwTotaalregel, Termijn, Vordering, VorderingQuerySet, Vorderingsregel

__all__ = [
    "Bankrekening",
    "Boeking",
    "BoekingQuerySet",
    "BtwTotaalregel",
    "Debiteur",
    "DebiteurQuerySet",
    "DebiteurRekening",
    "Machtiging",
    "Medewerker",
    "Organisatie",
    "OrganisatorischeEenheid",
    "Termijn",
    "Vordering",
    "VorderingQuerySet",
    "Vorderingsregel",
    "Vorderingstatus",
]
