"""factory_boy factories. Claims are made through the services so the ledger is consistent."""

import datetime
import random

import factory
from django.utils import timezone

from inningen.choices import BtwCategorie, Debiteursoort, Vorderingtype
from inningen.debiteuren.models import Debiteur
from inningen.grootboek.services.vorderingen import (
    RegelInvoer,
    VorderingInvoer,
    vorderingen_register,
)
from inningen.organisaties.models import Organisatie


def elfproef_nummer(rng: random.Random | None = None) -> str:
    """A random 9-digit number that passes the 11-proef (BSN/RSIN)."""
    rng = rng or random
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


class OrganisatieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisatie
        django_get_or_create = ["rsin"]

    rsin = factory.LazyFunction(elfproef_nummer)
    naam = factory.Sequence(lambda n: f"Gemeente Test {n}")
    gemeentecode = factory.Sequence(lambda n: f"{9000 + n % 999:04d}")


class DebiteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debiteur

    soort = Debiteursoort.NATUURLIJK_PERSOON
    bsn = factory.LazyFunction(elfproef_nummer)
    geslachtsnaam = factory.Faker("last_name", locale="nl_NL")
    voorletters = "J."
    straatnaam = factory.Faker("street_name", locale="nl_NL")
    huisnummer = factory.Faker("random_int", min=1, max=300)
    postcode = factory.Faker("bothify", text="####??", letters="ABCDEFGHJKLMNPRSTVWXZ")
    woonplaats = factory.Faker("city", locale="nl_NL")


def regel_invoer(**overrides) -> RegelInvoer:
    waarden = dict(
        bedrag_excl_btw=10000,
        bedrag_btw=2100,
        bedrag_incl_btw=12100,
        btw_categorie=BtwCategorie.HOOG,
        btw_percentage=2100,
        vorderingtype=Vorderingtype.FACTUUR,
        vorderingcode="OMZ-001",
        vorderingomschrijving="Huur sportzaal",
    )
    waarden.update(overrides)
    return RegelInvoer(**waarden)


def vordering_invoer(organisatie, **overrides) -> VorderingInvoer:
    """Totals follow the regels (given or the default one) unless overridden."""
    today = timezone.localdate()
    regels = overrides.pop("regels", None) or [regel_invoer()]
    values = dict(
        organisatie=organisatie,
        tsa="facturatie",
        vorderingnummer=f"V{random.randint(10**8, 10**9)}",
        creatiedatum=today,
        indicator_factuur_uitgestuurd=True,
        factuurdatum=today,
        vervaldatum=today + datetime.timedelta(days=30),
        algemene_factuuromschrijving="Factuur",
        totaalbedrag_excl_btw=sum(r.bedrag_excl_btw for r in regels),
        totaalbedrag_btw=sum(r.bedrag_btw for r in regels),
        totaalbedrag_incl_btw=sum(r.bedrag_incl_btw for r in regels),
        publiekrechtelijk=False,
        regels=regels,
    )
    values.update(overrides)
    return VorderingInvoer(**values)


def vordering_maken(organisatie=None, **overrides):
    organisatie = organisatie or OrganisatieFactory()
    return vorderingen_register(invoer=[vordering_invoer(organisatie, **overrides)], door="test")[0]


def iban_nl(rekeningnummer: int, bank: str = "INGB") -> str:
    """A valid Dutch IBAN (ISO 13616 check digits) for a 10-digit account number."""
    bban = f"{bank}{rekeningnummer:010d}"
    getal = int("".join(str(int(c, 36)) for c in bban + "NL00"))
    return f"NL{98 - getal % 97:02d}{bban}"


def brief_maken(vordering, soort="herinnering", **overrides):
    """A letter for one claim with realistic frozen data, saved unrendered (no task queued)."""
    from inningen.invordering.models import Brief
    from inningen.invordering.services.brieven import (
        brief_gegevens,
        debiteur_gegevens,
        organisatie_gegevens,
        vordering_gegevens,
    )
    from inningen.organisaties.models import Bankrekening

    organisatie = vordering.organisatie
    if not Bankrekening.objects.filter(organisatie=organisatie).exists():
        Bankrekening.objects.create(organisatie=organisatie, iban=iban_nl(organisatie.pk))
    datum = overrides.pop("datum", timezone.localdate())
    gegevens = dict(
        soort=soort,
        datum=datum,
        onderwerp=f"{soort.capitalize()} {vordering.vorderingnummer}",
        organisatie=organisatie_gegevens(organisatie),
        debiteur=debiteur_gegevens(vordering.debiteur),
        vorderingen=[vordering_gegevens(vordering, regels=vordering.regels.all())],
        betalen_voor=datum + datetime.timedelta(days=14),
    )
    gegevens.update(overrides)
    return Brief.objects.create(
        organisatie=organisatie,
        debiteur=vordering.debiteur,
        vordering=vordering,
        soort=soort,
        datum=datum,
        gegevens=brief_gegevens(**gegevens),
    )


def gebruiker_maken(naam, rol, *organisaties):
    """A user with a role (Django group; none when empty) working for these organisations,
    fetched fresh so no permission cache from before the group was added sticks."""
    from django.contrib.auth.models import Group, User

    from inningen.organisaties.models import Medewerker

    user = User.objects.create_user(naam, password="geheim-wachtwoord-123")
    if rol:
        user.groups.add(Group.objects.get(name=rol))
    Medewerker.objects.create(user=user).organisaties.add(*organisaties)
    return User.objects.get(pk=user.pk)
