"""The app's admin registration hub: Django loads ``inningen.admin``; the admins themselves live
in the sub-packages (docs/architectuur.md), each registering its own models. Importing their admin
modules here registers them. Shared base classes are in ``inningen.admin_basis``.

The hub also connects the admin's privacy log: ``BeheerAdmin`` pages (kernel, and the debtor
admin below the verwerkingen layer) send ``persoonsgegevens_getoond``; the verwerkingenlogging is
written here, above every layer."""

from django.dispatch import receiver

from inningen.admin_basis import persoonsgegevens_getoond
from inningen.betalingen import admin as betalingen_admin  # noqa: F401
from inningen.debiteuren import admin as debiteuren_admin  # noqa: F401
from inningen.debiteuren.models import Debiteur
from inningen.grootboek import admin as grootboek_admin  # noqa: F401
from inningen.grootboek.models import Vordering
from inningen.invordering import admin as invordering_admin  # noqa: F401
from inningen.organisaties import admin as organisaties_admin  # noqa: F401
from inningen.verwerkingen import admin as verwerkingen_admin  # noqa: F401
from inningen.verwerkingen.services import verwerking_log, verwerking_log_tegenpartijen

DOEL_BEHEER = "beheer"


@receiver(persoonsgegevens_getoond, dispatch_uid="inningen.admin.verwerking_beheer")
def beheer_inzage_log(
    sender, *, request, debiteur_ids, vordering_id, activiteit, tegenpartijen=(), **kwargs
):
    """One verwerkingenlogging row per natural person shown on an admin page, and one per bank
    counterparty shown that is no debtor."""
    vordering = Vordering.objects.filter(pk=vordering_id).first() if vordering_id else None
    return verwerking_log(
        user=request.user,
        debiteuren=Debiteur.objects.filter(pk__in=debiteur_ids),
        vordering=vordering,
        doel=DOEL_BEHEER,
        activiteit=activiteit,
    ) + verwerking_log_tegenpartijen(
        user=request.user, tegenpartijen=tegenpartijen, doel=DOEL_BEHEER, activiteit=activiteit
    )
