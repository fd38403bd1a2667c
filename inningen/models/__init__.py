from .betaling import Afschrift, Betaling, Incassobestand, Incassopost, Matchinstelling
from .boeking import Boeking, BoekingQuerySet
from .debiteur import Debiteur, DebiteurQuerySet, DebiteurRekening
from .invordering import (
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
from .machtiging import Machtiging
from .medewerker import Medewerker
from .notitie import Notitie
from .organisatie import Bankrekening, Organisatie, OrganisatorischeEenheid
from .regeling import Betalingsregeling, Regelingtermijn
from .status import Vorderingstatus
from .verwerking import Verwerking
from .vordering import BtwTotaalregel, Termijn, Vordering, VorderingQuerySet, Vorderingsregel

__all__ = [
    "Afboekingsvoorstel",
    "Afschrift",
    "Bankrekening",
    "Betaling",
    "Betalingsregeling",
    "Boeking",
    "BoekingQuerySet",
    "Brief",
    "BtwTotaalregel",
    "Debiteur",
    "DebiteurQuerySet",
    "DebiteurRekening",
    "Incassobestand",
    "Incassopost",
    "Invorderingsinstelling",
    "Invorderingsrun",
    "Invorderingsstap",
    "Kostentarief",
    "Machtiging",
    "Matchinstelling",
    "Medewerker",
    "Notitie",
    "Opschorting",
    "Organisatie",
    "OrganisatorischeEenheid",
    "Regelingtermijn",
    "Rentetarief",
    "Termijn",
    "Verwerking",
    "Vordering",
    "VorderingQuerySet",
    "Vorderingsregel",
    "Vorderingstatus",
    "Wikstaffel",
]
