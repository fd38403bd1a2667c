"""Write services behind the balie and the invorderaar's work lists (issue 7).

Every function takes the acting user and only touches what that user's organisations own.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from inningen.choices import BETAALSOORTEN, Debiteursoort
from inningen.debiteuren.models import Debiteur, Machtiging, Notitie
from inningen.debiteuren.services import DebiteurInvoer, debiteuren_upsert
from inningen.grootboek.models import Boeking, Debiteurkoppeling, KoppelingActie, Vordering
from inningen.invordering.models import Betalingsregeling, Brief, Invorderingsstap, Opschorting
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


def _koppel(vordering: Vordering, debiteur: Debiteur, user) -> None:
    Vordering.objects.filter(pk=vordering.pk).update(debiteur=debiteur)
    vordering.debiteur = debiteur
    machtiging = 0
    if vordering.machtiging_id:
        machtiging = Machtiging.objects.filter(
            pk=vordering.machtiging_id, debiteur__isnull=True
        ).update(debiteur=debiteur)
    Debiteurkoppeling.objects.create(
        vordering=vordering,
        debiteur=debiteur,
        actie=KoppelingActie.GEKOPPELD,
        door=user,
        door_naam=user.get_username(),
        machtiging_meegekoppeld=bool(machtiging),
    )


@transaction.atomic
def vordering_debiteur_link(*, user, vordering_pk: int, debiteur: Debiteur) -> Vordering:
    """Work list "vordering zonder debiteur": link an existing debtor."""
    vordering = _vordering_zonder_debiteur(user, vordering_pk)
    _koppel(vordering, debiteur, user)
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
    _koppel(vordering, debiteur, user)
    return vordering


def _afhankelijk(vordering: Vordering) -> list[str]:
    """What already happened on the claim with its debtor, in words for the form error. Undoing
    the link after any of these would leave a payment, regeling, letter, collection step or
    objection with the wrong person: that needs a correction by hand first."""
    debiteur_id = vordering.debiteur_id
    redenen = []
    if Boeking.objects.filter(vordering=vordering, soort__in=BETAALSOORTEN).exists():
        redenen.append("er zijn betalingen op de vordering geboekt")
    if Betalingsregeling.objects.filter(vorderingen=vordering, debiteur_id=debiteur_id).exists():
        redenen.append("er is een betalingsregeling met deze debiteur")
    if Brief.objects.filter(vordering=vordering, debiteur_id=debiteur_id).exists():
        redenen.append("er is een brief aan deze debiteur over de vordering")
    if Invorderingsstap.objects.filter(vordering=vordering).exists():
        redenen.append("de vordering is al in de invordering (herinnering, aanmaning, …)")
    if Opschorting.objects.filter(vordering=vordering).exists():
        redenen.append("er is uitstel, bezwaar of een kwijtscheldingsverzoek vastgelegd")
    return redenen


def koppeling_laatste(vordering: Vordering) -> Debiteurkoppeling | None:
    """The link that put the claim's current debtor there from the work list, or None when
    the debtor came with the claim (from the TSA): only the former can be undone."""
    laatste = vordering.debiteurkoppelingen.order_by("-wanneer", "-pk").first()
    if (
        laatste is None
        or laatste.actie != KoppelingActie.GEKOPPELD
        or laatste.debiteur_id != vordering.debiteur_id
    ):
        return None
    return laatste


@transaction.atomic
def vordering_koppeling_ongedaan_maken(*, user, vordering_pk: int, reden: str) -> Debiteur:
    """Undo a link made from the work list "vordering zonder debiteur": the claim goes back to
    that list, the history keeps both rows. Refused once anything depends on the debtor."""
    if not user.has_perm("inningen.ongedaan_maken_koppeling"):
        raise PermissionDenied("U mag een koppeling niet ongedaan maken.")
    vordering = Vordering.objects.for_user(user).select_for_update().filter(pk=vordering_pk).first()
    if vordering is None:
        raise PermissionDenied("Vordering niet gevonden.")
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError({"reden": "Geef de reden waarom de koppeling onjuist is."})
    koppeling = koppeling_laatste(vordering)
    if koppeling is None:
        raise ValidationError(
            "Deze vordering is niet vanuit de werklijst aan haar debiteur gekoppeld "
            "(de TSA leverde de debiteur aan); dat kan hier niet ongedaan worden gemaakt."
        )
    redenen = _afhankelijk(vordering)
    if redenen:
        raise ValidationError(
            "De koppeling kan niet meer ongedaan worden gemaakt: "
            + "; ".join(redenen)
            + ". Corrigeer dat eerst (bijvoorbeeld de betaling terugboeken of de regeling "
            "beëindigen) of neem contact op met functioneel beheer."
        )
    debiteur = vordering.debiteur
    Vordering.objects.filter(pk=vordering.pk).update(debiteur=None)
    # Give the mandate back its empty debtor unless another claim of this debtor uses it.
    if (
        koppeling.machtiging_meegekoppeld
        and vordering.machtiging_id
        and not Vordering.objects.filter(
            machtiging_id=vordering.machtiging_id, debiteur=debiteur
        ).exists()
    ):
        Machtiging.objects.filter(pk=vordering.machtiging_id, debiteur=debiteur).update(
            debiteur=None
        )
    Debiteurkoppeling.objects.create(
        vordering=vordering,
        debiteur=debiteur,
        actie=KoppelingActie.ONTKOPPELD,
        door=user,
        door_naam=user.get_username(),
        reden=reden[:1000],
    )
    vordering.debiteur = None
    return debiteur


def uitgaand_resend_for_user(*, user, pks) -> int:
    """Resend failed or dead outgoing messages of the user's organisations."""

    berichten = UitgaandBericht.objects.filter(
        pk__in=list(pks), vordering__organisatie__in=organisaties_for_user(user)
    )
    return uitgaand_resend(berichten=berichten)
