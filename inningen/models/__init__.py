"""The app's model registry: Django loads ``inningen.models``; the models themselves live in
the sub-packages (docs/architectuur.md). Code imports them from their sub-package."""

from inningen.betalingen.models import (
    Afschrift,
    Betaling,
    Incassobestand,
    Incassopost,
    Matchinstelling,
)
from inningen.debiteuren.models import (
    Debiteur,
    DebiteurQuerySet,
    DebiteurRekening,
    Machtiging,
    Notitie,
)
from inningen.grootboek.models import (
    Boeking,
    BoekingQuerySet,
    BtwTotaalregel,
    ImmutableError,
    Termijn,
    Vordering,
    VorderingQuerySet,
    Vorderingsregel,
    Vorderingstatus,
)
from inningen.invordering.models import (
    Afboekingsvoorstel,
    Betalingsregeling,
    Brief,
    Invorderingsinstelling,
    Invorderingsrun,
    Invorderingsstap,
    Kostentarief,
    Opschorting,
    Regelingtermijn,
    Rentetarief,
    Wikstaffel,
)
from inningen.organisaties.models import (
    Bankrekening,
    Medewerker,
    Organisatie,
    OrganisatorischeEenheid,
)
from inningen.verwerkingen.models import Verwerking, VerwerkingGeweigerd, VerwerkingQuerySet

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
    "ImmutableError",
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
    "VerwerkingGeweigerd",
    "VerwerkingQuerySet",
    "Vordering",
    "VorderingQuerySet",
    "Vorderingsregel",
    "Vorderingstatus",
    "Wikstaffel",
]
