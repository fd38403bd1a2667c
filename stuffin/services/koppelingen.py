from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from inningen.organisaties.models import Organisatie
from inningen.organisaties.services.organisaties import organisatie_upsert
from inningen.validators import normalize_elfproef
from stuffin.models import Koppeling, Koppelingsrol, TsaCode


@transaction.atomic
def koppeling_upsert(
    *,
    applicatie: str,
    rol: str,
    gebruikersnaam: str,
    wachtwoord: str,
    organisatie: str = "",
    administratie: str = "",
    tsa_codes: list[str] | None = None,
    vorderende_organisaties: list[str] | None = None,
    url: str = "",
    uitgaand_gebruikersnaam: str = "",
    uitgaand_wachtwoord: str = "",
    naam: str = "",
) -> tuple[Koppeling, bool]:
    """Create or update a koppeling by its StUF identity (organisatie, applicatie, administratie).

    Unknown vorderende organisaties are created by RSIN; the first one is the default.
    """
    if rol not in Koppelingsrol.values:
        raise ValidationError(f"Onbekende rol {rol}; kies uit {', '.join(Koppelingsrol.values)}.")
    if not applicatie:
        raise ValidationError("Applicatie is verplicht.")
    if not wachtwoord or len(wachtwoord) < 12:
        raise ValidationError("Het wachtwoord moet minstens 12 tekens hebben.")
    if url:
        URLValidator(schemes=["http", "https"])(url)
    tsa_codes = list(dict.fromkeys(tsa_codes or []))
    if rol != Koppelingsrol.TSA and tsa_codes:
        raise ValidationError("Alleen een koppeling met rol tsa heeft TSA-codes.")
    bezet = TsaCode.objects.filter(code__in=tsa_codes).exclude(
        koppeling__organisatie=organisatie,
        koppeling__applicatie=applicatie,
        koppeling__administratie=administratie,
    )
    if bezet.exists():
        raise ValidationError(
            f"TSA-code {bezet.first().code} hoort al bij koppeling {bezet.first().koppeling}."
        )
    andere = Koppeling.objects.filter(gebruikersnaam=gebruikersnaam).exclude(
        organisatie=organisatie, applicatie=applicatie, administratie=administratie
    )
    if andere.exists():
        raise ValidationError(
            f"Gebruikersnaam {gebruikersnaam} is al in gebruik door {andere.first()}."
        )

    organisaties: list[Organisatie] = []
    for rsin in vorderende_organisaties or []:
        bestaand = Organisatie.objects.filter(rsin=normalize_elfproef(rsin)).first()
        organisaties.append(bestaand or organisatie_upsert(rsin=rsin)[0])

    koppeling, created = Koppeling.objects.get_or_create(
        organisatie=organisatie,
        applicatie=applicatie,
        administratie=administratie,
        defaults={"rol": rol, "gebruikersnaam": gebruikersnaam},
    )
    koppeling.rol = rol
    koppeling.gebruikersnaam = gebruikersnaam
    koppeling.set_wachtwoord(wachtwoord)
    koppeling.url = url or koppeling.url
    koppeling.naam = naam or koppeling.naam
    if uitgaand_gebruikersnaam:
        koppeling.uitgaand_gebruikersnaam = uitgaand_gebruikersnaam
    if uitgaand_wachtwoord:
        koppeling.uitgaand_wachtwoord = uitgaand_wachtwoord
    if organisaties:
        koppeling.standaard_organisatie = organisaties[0]
    koppeling.full_clean(exclude=["wachtwoord"])
    koppeling.save()
    if organisaties:
        koppeling.vorderende_organisaties.set(organisaties)
    if tsa_codes:
        koppeling.tsa_codes.exclude(code__in=tsa_codes).delete()
        for code in tsa_codes:
            TsaCode.objects.get_or_create(code=code, koppeling=koppeling)
    return koppeling, created
