"""Write services behind the balie and the invorderaar's work lists (issue 7).

Every function takes the acting user and only touches what that user's organisations own.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from inningen.choices import Debiteursoort
from inningen.debiteuren.models import Debiteur, Machtiging, Notitie
from inningen.debiteuren.services import DebiteurInvoer, debiteuren_upsert
from inningen.grootboek.models import Vordering
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisaties_for_user
from inningen.validators import is_valid_elfproef, normalize_elfproef, validate_kvk_nummer
from stuffin.models import UitgaandBericht
from stuffin.services.uitgaand import uitgaand_resend


def notitie_create(
    *, user, debiteur: Debiteur, organisatie: Organisatie, tekst: str, vordering=None
) -> Notitie:
    tekst = (tekst or "").strip()
    if not tekst:
        raise ValidationError("Een notitie mag niet leeg zijn.")
    if not organisaties_for_user(user).filter(pk=organisatie.pk).exists():
        raise PermissionDenied("Geen medewerker van deze organisatie.")
    if vordering is not None and (
        vordering.debiteur_id != debiteur.pk or vordering.organisatie_id != organisatie.pk
    ):
        raise ValidationError("De vordering hoort niet bij deze debiteur en organisatie.")
    return Notitie.objects.create(
        debiteur=debiteur,
        vordering=vordering,
        organisatie=organisatie,
        tekst=tekst[:4000],
        door=user,
        door_naam=user.get_username(),
    )


def _vordering_zonder_debiteur(user, vordering_pk) -> Vordering:
    vordering = Vordering.objects.for_user(user).select_for_update().filter(pk=vordering_pk).first()
    if vordering is None:
        raise PermissionDenied("Vordering niet gevonden.")
    if vordering.debiteur_id is not None:
        raise ValidationError("Deze vordering heeft al een debiteur.")
    return vordering


def _koppel(vordering: Vordering, debiteur: Debiteur) -> None:
    Vordering.objects.filter(pk=vordering.pk).update(debiteur=debiteur)
    vordering.debiteur = debiteur
    if vordering.machtiging_id:
        Machtiging.objects.filter(pk=vordering.machtiging_id, debiteur__isnull=True).update(
            debiteur=debiteur
        )


@transaction.atomic
def vordering_debiteur_link(*, user, vordering_pk: int, debiteur: Debiteur) -> Vordering:
    """Work list "vordering zonder debiteur": link an existing debtor."""
    vordering = _vordering_zonder_debiteur(user, vordering_pk)
    _koppel(vordering, debiteur)
    return vordering


@transaction.atomic
def vordering_debiteur_create(
    *, user, vordering_pk: int, soort: str, identificatie: str, kvk_nummer: str = "", gegevens
) -> Vordering:
    """Create (or, on the same BSN/RSIN/KvK, find) the debtor and link it to the claim.

    identificatie is the BSN of a natural person or the RSIN of a non-natural person; both
    must pass the 11-proef. gegevens are Debiteur fields (naam, adres, ...).
    """
    vordering = _vordering_zonder_debiteur(user, vordering_pk)
    nummer = normalize_elfproef(identificatie)
    fouten = {}
    if soort == Debiteursoort.NATUURLIJK_PERSOON:
        if not is_valid_elfproef(nummer):
            fouten["identificatie"] = "Geen geldig BSN (11-proef)."
        if not gegevens.get("geslachtsnaam"):
            fouten["geslachtsnaam"] = "Geslachtsnaam is verplicht."
        invoer = DebiteurInvoer(soort=soort, bsn=nummer, gegevens=gegevens)
    elif soort == Debiteursoort.NIET_NATUURLIJK_PERSOON:
        if identificatie and not is_valid_elfproef(nummer):
            fouten["identificatie"] = "Geen geldig RSIN (11-proef)."
        if kvk_nummer:
            try:
                validate_kvk_nummer(kvk_nummer)
            except ValidationError as exc:
                fouten["kvk_nummer"] = exc.messages[0]
        if not identificatie and not kvk_nummer:
            fouten["identificatie"] = "Vul een RSIN of een KvK-nummer in."
        if not gegevens.get("statutaire_naam"):
            fouten["statutaire_naam"] = "Naam is verplicht."
        invoer = DebiteurInvoer(
            soort=soort,
            rsin=nummer if identificatie else "",
            kvk_nummer=kvk_nummer,
            gegevens=gegevens,
        )
    else:
        raise ValidationError({"soort": "Onbekende soort debiteur."})
    if fouten:
        raise ValidationError(fouten)
    bestaand = Debiteur.objects.matching(
        bsn=invoer.bsn, rsin=invoer.rsin, kvk_nummer=invoer.kvk_nummer
    ).first()
    if bestaand is not None and bestaand.soort != soort:
        raise ValidationError({"identificatie": "Dit nummer hoort bij een andere soort debiteur."})
    (debiteur,) = debiteuren_upsert(invoer=[invoer])
    _koppel(vordering, debiteur)
    return vordering


def uitgaand_resend_for_user(*, user, pks) -> int:
    """Resend failed or dead outgoing messages of the user's organisations."""

    berichten = UitgaandBericht.objects.filter(
        pk__in=list(pks), vordering__organisatie__in=organisaties_for_user(user)
    )
    return uitgaand_resend(berichten=berichten)
