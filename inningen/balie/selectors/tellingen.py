"""How much work waits in each work list (#19): one COUNT per list, scoped to the user's
organisations, for the menu badges and the start page. ``aantal_<lijst>(user)`` counts what the
list itself shows by default; :func:`menu_tellingen` gives those the user may see, cached per user
for a minute (a badge a minute old is fine; a handful of COUNTs on every page is not)."""

from django.core.cache import cache

from inningen.betalingen.models import Betaling
from inningen.choices import BetalingStatus, RunStatus
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Invorderingsrun
from inningen.invordering.selectors.adressen import adres_in_onderzoek
from inningen.invordering.selectors.regelingen import open_afboekingsvoorstellen
from inningen.organisaties.selectors import organisatie_ids_for_user
from stuffin.models import UitgaandBericht, UitgaandStatus

from .tegoed import te_beoordelen

CACHE_SECONDEN = 60


def aantal_zonder_debiteur(user) -> int:
    return Vordering.objects.for_user(user).zonder_debiteur().count()


def aantal_adres_in_onderzoek(user) -> int:
    return adres_in_onderzoek(user).order_by().count()


def aantal_mislukte_berichten(user) -> int:
    return UitgaandBericht.objects.filter(
        vordering__organisatie_id__in=organisatie_ids_for_user(user),
        status__in=[UitgaandStatus.MISLUKT, UitgaandStatus.DOOD],
    ).count()


def aantal_werklijst_betalingen(user) -> int:
    """Unmatched entries: the list's first tab (parked ones wait on purpose)."""
    return Betaling.objects.filter(
        organisatie_id__in=organisatie_ids_for_user(user), status=BetalingStatus.ONGEMATCHT
    ).count()


def aantal_afboekingen(user) -> int:
    """Proposals this user may judge: a colleague's (four eyes), not their own."""
    return open_afboekingsvoorstellen(user).exclude(voorgesteld_door=user).order_by().count()


def aantal_terugbetalingen(user) -> int:
    """Refund proposals this user may judge (not their own)."""
    return te_beoordelen(user).exclude(voorgesteld_door=user).order_by().count()


def aantal_runs_ter_goedkeuring(user) -> int:
    return Invorderingsrun.objects.filter(
        organisatie_id__in=organisatie_ids_for_user(user), status=RunStatus.VOORSTEL
    ).count()


# Menu item -> (permission that shows it in templates/base.html, count).
MENU = {
    "zonder_debiteur": ("inningen.change_vordering", aantal_zonder_debiteur),
    "adres_in_onderzoek": ("inningen.view_vordering", aantal_adres_in_onderzoek),
    "uitgaand": ("stuffin.view_uitgaandbericht", aantal_mislukte_berichten),
    "runs": ("inningen.uitvoeren_invorderingsrun", aantal_runs_ter_goedkeuring),
    "werklijst": ("inningen.change_betaling", aantal_werklijst_betalingen),
    "afboekingen": ("inningen.beoordelen_afboeking", aantal_afboekingen),
    "terugbetalingen": ("inningen.beoordelen_terugbetaling", aantal_terugbetalingen),
}


def cache_sleutel(user) -> str:
    return f"inningen:menu-tellingen:{user.pk}"


def menu_tellingen(user) -> dict[str, int]:
    """The counts of the menu items this user sees (an item they cannot see is not counted)."""
    sleutel = cache_sleutel(user)
    tellingen = cache.get(sleutel)
    if tellingen is None:
        tellingen = {
            naam: aantal(user) for naam, (permissie, aantal) in MENU.items()
            if user.has_perm(permissie)
        }  # fmt: skip
        cache.set(sleutel, tellingen, CACHE_SECONDEN)
    return tellingen
