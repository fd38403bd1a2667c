"""Entry points of ``manage.py demo``: load the demo set once, ensure the demo users, count.

Only for development and demonstrations: the passwords are public, so all of it refuses to run
in production.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from inningen.betalingen.models import Afschrift, Betaling, Terugbetaling
from inningen.choices import BetalingStatus, RegelingStatus, RunStatus, VoorstelStatus
from inningen.choices import Invorderingsstap as Stap
from inningen.debiteuren.models import Debiteur, Machtiging
from inningen.debiteuren.models.adres import ADRES_IN_ONDERZOEK
from inningen.demo.gegevens import (
    DEBITEURNUMMER_PREFIX,
    DEMO_RSINS,
    GEBRUIKERS,
    KOPPELINGEN,
    ORGANISATIES,
)
from inningen.demo.opbouw import Opbouw, getal
from inningen.grootboek.models import Boeking, Termijn, Vordering, Vorderingsregel, Vorderingstatus
from inningen.invordering.models import (
    Afboekingsvoorstel,
    Betalingsregeling,
    Brief,
    Invorderingsrun,
    Invorderingsstap,
    Opschorting,
)
from inningen.organisaties.models import Medewerker, Organisatie
from inningen.organisaties.selectors import organisaties_for_user
from inningen.organisaties.services.rollen import roles_ensure
from stuffin.models import Koppeling, UitgaandBericht, UitgaandStatus


class DemoInProductieError(RuntimeError):
    """Demo data (with public passwords) must never reach a production database."""


def _weiger_productie() -> None:
    if settings.IS_PRODUCTION:
        raise DemoInProductieError("Demodata wordt niet geladen in productie (INNINGEN_OMGEVING).")


# --- users -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    """A demo user as ``manage.py demo`` prints it."""

    gebruikersnaam: str
    wachtwoord: str  # the demo password a new user got (never reset)
    rol: str
    rollen: tuple[str, ...]  # every role (group) the account has now
    organisaties: tuple[str, ...]  # names of the organisations whose data the user sees


@transaction.atomic
def demo_users_ensure() -> list[DemoAccount]:
    """Make sure the demo groups and users exist; never resets a password or removes anything.

    Returns per demo user its name, demo password, role(s) and the organisations it sees.
    """
    _weiger_productie()
    # The product's roles (also created after every migrate); demo users are members of them.
    groepen = roles_ensure()

    organisaties = {o.rsin: o for o in Organisatie.objects.filter(rsin__in=DEMO_RSINS)}
    per_sleutel = {o.sleutel: organisaties.get(o.rsin) for o in ORGANISATIES}
    user_model = get_user_model()
    bestaand = {
        u.username: u
        for u in user_model.objects.filter(username__in=[g.gebruikersnaam for g in GEBRUIKERS])
    }
    nieuw = [g for g in GEBRUIKERS if g.gebruikersnaam not in bestaand]
    hashes = {g: make_password(g.wachtwoord) for g in nieuw}
    resultaat = []
    for g in GEBRUIKERS:
        user = bestaand.get(g.gebruikersnaam)
        if user is None:
            user = user_model(
                username=g.gebruikersnaam,
                password=hashes[g],
                is_staff=True,
                is_superuser=g.superuser,
                first_name="Demo",
                last_name=g.rol.capitalize(),
            )
            user.save()
        user.groups.add(groepen[g.rol])
        medewerker, _ = Medewerker.objects.get_or_create(user=user)
        medewerker.organisaties.add(*[per_sleutel[s] for s in g.organisaties if per_sleutel[s]])
        resultaat.append(
            DemoAccount(
                g.gebruikersnaam, g.wachtwoord, g.rol,
                tuple(user.groups.order_by("name").values_list("name", flat=True)),
                # What the scope rule gives the user, not what the demo meant to give.
                tuple(organisaties_for_user(user).order_by("naam").values_list("naam", flat=True)),
            )
        )  # fmt: skip
    return resultaat


# --- counts ------------------------------------------------------------------------------------


def demo_tellingen() -> dict[str, int]:
    """Counts of the demo set (scoped to the demo organisations)."""
    orgs = Organisatie.objects.filter(rsin__in=DEMO_RSINS)
    vorderingen = Vordering.objects.filter(organisatie__in=orgs)
    return {
        "organisaties": orgs.count(),
        "koppelingen": Koppeling.objects.filter(
            gebruikersnaam__in=[k.gebruikersnaam for k in KOPPELINGEN]
        ).count(),
        "debiteuren": Debiteur.objects.filter(
            debiteurnummer__startswith=DEBITEURNUMMER_PREFIX
        ).count(),
        "vorderingen": vorderingen.count(),
        "zonder_debiteur": vorderingen.filter(debiteur__isnull=True).count(),
        "vorderingsregels": Vorderingsregel.objects.filter(vordering__organisatie__in=orgs).count(),
        "termijnen": Termijn.objects.filter(vordering__organisatie__in=orgs).count(),
        "machtigingen": Machtiging.objects.filter(organisatie__in=orgs).count(),
        "boekingen": Boeking.objects.filter(organisatie__in=orgs).count(),
        "statussen": Vorderingstatus.objects.filter(vordering__organisatie__in=orgs).count(),
        "invorderingsstappen": Invorderingsstap.objects.filter(
            vordering__organisatie__in=orgs
        ).count(),
        "invorderingsruns": Invorderingsrun.objects.filter(organisatie__in=orgs).count(),
        "brieven": Brief.objects.filter(organisatie__in=orgs).count(),
        "bankafschriften": Afschrift.objects.filter(organisatie__in=orgs).count(),
        "betalingsregelingen": Betalingsregeling.objects.filter(organisatie__in=orgs).count(),
        "opschortingen": Opschorting.objects.filter(vordering__organisatie__in=orgs).count(),
        "afboekingsvoorstellen": Afboekingsvoorstel.objects.filter(
            vordering__organisatie__in=orgs
        ).count(),
        "ongematchte_betalingen": Betaling.objects.filter(
            organisatie__in=orgs, status=BetalingStatus.ONGEMATCHT
        ).count(),
        "tegoeden": Betaling.objects.filter(
            organisatie__in=orgs, status=BetalingStatus.TEGOED
        ).count(),
        "terugbetalingen": Terugbetaling.objects.filter(organisatie__in=orgs).count(),
        "mislukte_berichten": UitgaandBericht.objects.filter(
            vordering__organisatie__in=orgs,
            status__in=[UitgaandStatus.MISLUKT, UitgaandStatus.DOOD],
        ).count(),
        "adres_in_onderzoek": Debiteur.objects.filter(
            debiteurnummer__startswith=DEBITEURNUMMER_PREFIX,
            adresstatus__in=list(ADRES_IN_ONDERZOEK),
        ).count(),
    }


def demo_invordering_overzicht() -> dict[str, dict[str, int]]:
    """What the demo's collection looks like: steps per kind (runs and earlier history),
    runs, regelingen and write-off proposals per status (scoped to the demo organisations)."""
    orgs = Organisatie.objects.filter(rsin__in=DEMO_RSINS)

    def per(qs, veld: str, choices) -> dict[str, int]:
        namen = dict(choices)
        aantallen = dict(qs.values_list(veld).annotate(n=Count("pk")).order_by(veld))
        return {namen[k]: aantallen[k] for k in namen if k in aantallen}

    return {
        "Invorderingsstappen": per(
            Invorderingsstap.objects.filter(vordering__organisatie__in=orgs), "stap", Stap.choices
        ),
        "Invorderingsruns": per(
            Invorderingsrun.objects.filter(organisatie__in=orgs), "status", RunStatus.choices
        ),
        "Betalingsregelingen": per(
            Betalingsregeling.objects.filter(organisatie__in=orgs), "status", RegelingStatus.choices
        ),
        "Afboekingsvoorstellen": per(
            Afboekingsvoorstel.objects.filter(vordering__organisatie__in=orgs),
            "status",
            VoorstelStatus.choices,
        ),
    }


def demo_statusverdeling() -> dict[str, int]:
    """Number of demo claims per current status code."""
    rijen = (
        Vordering.objects.filter(organisatie__rsin__in=DEMO_RSINS)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    return {r["status"]: r["n"] for r in rijen}


def tellingen_tekst(tellingen: dict[str, int]) -> str:
    return ", ".join(
        f"{getal(v)} {k.replace('_', ' ')}" for k, v in tellingen.items() if k != "bestond_al"
    )


# --- loading -----------------------------------------------------------------------------------


def demo_load(
    *,
    n_debiteuren: int = 2000,
    n_vorderingen: int = 10_000,
    batch_size: int = 1000,
    stdout: TextIO | None = None,
) -> dict[str, int]:
    """Load the demo set once; a second run only reports what exists ("bestond_al": True)."""
    _weiger_productie()

    def schrijf(tekst: str) -> None:
        if stdout is not None:
            stdout.write(tekst + "\n")

    if Vordering.objects.filter(organisatie__rsin__in=DEMO_RSINS).exists():
        tellingen = demo_tellingen()
        schrijf(f"Demodata bestaat al: {tellingen_tekst(tellingen)}.")
        return {**tellingen, "bestond_al": True}
    with _zonder_querylog(), transaction.atomic():
        Opbouw(
            n_debiteuren=n_debiteuren,
            n_vorderingen=n_vorderingen,
            batch_size=batch_size,
            schrijf=schrijf,
            gebruikers_ensure=demo_users_ensure,
        ).run()
    return {**demo_tellingen(), "bestond_al": False}


@contextmanager
def _zonder_querylog():
    """With DEBUG on, Django keeps the SQL text of every query (on SQLite it even runs an extra
    QUOTE() query per statement to build it): seconds of work for ~100,000 demo rows that
    nobody reads. Switched off for the duration of the load only."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug
