from .betaling import Afschrift, Betaling, Incassobestand, Incassopost, Matchinstelling
from .boeking import Boeking, BoekingQuerySet
from .debiteur import Debiteur, DebiteurQuerySet, DebiteurRekening
from .machtiging import Machtiging
from .medewerker import Medewerker
from .notitie import Notitie
from .organisatie import Bankrekening, Organisatie, OrganisatorischeEenheid
from .status import Vorderingstatus
from .verwerking import Verwerking
from .vordering import BtwTotaalregel, Termijn, Vordering, VorderingQuerySet, Vorderingsregel

__all__ = [
    "Afschrift",
    "Bankrekening",
    "Betaling",
    "Boeking",
    "BoekingQuerySet",
    "BtwTotaalregel",
    "Debiteur",
    "DebiteurQuerySet",
    "DebiteurRekening",
    "Incassobestand",
    "Incassopost",
    "Machtiging",
    "Matchinstelling",
    "Medewerker",
    "Notitie",
    "Organisatie",
    "OrganisatorischeEenheid",
    "Termijn",
    "Verwerking",
    "Vordering",
    "VorderingQuerySet",
    "Vorderingsregel",
    "Vorderingstatus",
]
