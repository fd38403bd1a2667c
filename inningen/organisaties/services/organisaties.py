from django.core.exceptions import ValidationError
from django.db import transaction
from stdnum.eu import at_02

from inningen.organisaties.models import Bankrekening, Organisatie
from inningen.organisaties.models.organisatie import CONTACTVELDEN
from inningen.validators import normalize_elfproef, normalize_iban, validate_rsin


def validate_incassant_id(value: str) -> str:
    """SEPA creditor identifier (AT-02), e.g. NL57ZZZ999999999999."""
    compact = at_02.compact(value)
    if not at_02.is_valid(compact):
        raise ValidationError(f"{value} is geen geldig SEPA incassant-ID.")
    return compact


@transaction.atomic
def organisatie_upsert(
    *,
    rsin: str,
    naam: str | None = None,
    gemeentecode: str | None = None,
    ibans: list[str] | None = None,
    incassant_id: str | None = None,
    contact: dict[str, str] | None = None,
) -> tuple[Organisatie, bool]:
    """Create or update a vorderende organisatie by RSIN; ibans are added, never removed.
    ``contact``: the contact fields printed on letters (Organisatie.CONTACTVELDEN)."""
    onbekend = set(contact or {}) - set(CONTACTVELDEN)
    if onbekend:
        raise ValidationError(f"Onbekende contactvelden: {', '.join(sorted(onbekend))}.")
    rsin = normalize_elfproef(rsin)
    validate_rsin(rsin)
    if gemeentecode and not (gemeentecode.isdigit() and len(gemeentecode) == 4):
        raise ValidationError(f"Gemeentecode {gemeentecode} is geen code van 4 cijfers.")
    ibans = [normalize_iban(i) for i in (ibans or [])]
    if incassant_id:
        incassant_id = validate_incassant_id(incassant_id)
    # Refuse an IBAN that already belongs to another organisation: statements must map uniquely.
    bezet = Bankrekening.objects.filter(iban__in=ibans).exclude(organisatie__rsin=rsin)
    if bezet.exists():
        raise ValidationError(
            f"IBAN {bezet.first().iban} hoort al bij {bezet.first().organisatie}."
        )

    organisatie, created = Organisatie.objects.get_or_create(
        rsin=rsin, defaults={"naam": naam or rsin}
    )
    for attr, value in (
        ("naam", naam),
        ("gemeentecode", gemeentecode),
        ("incassant_id", incassant_id),
        *(contact or {}).items(),
    ):
        if value is not None:
            setattr(organisatie, attr, value)
    organisatie.full_clean()
    organisatie.save()
    for iban in ibans:
        Bankrekening.objects.get_or_create(organisatie=organisatie, iban=iban)
    return organisatie, created
