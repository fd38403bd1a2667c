"""The start page (#19): the work waiting for this user, as counts that link to their lists.

Each count is one COUNT over an indexed column, scoped to the user's organisations, and only
computed when the user may open the list it links to. What each role sees is in
docs/werkbeheer.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from inningen.balie.selectors.tellingen import menu_tellingen
from inningen.choices import RunStatus
from inningen.invordering.models import Invorderingsrun
from inningen.invordering.selectors.opvolging import opvolging_aantallen
from inningen.organisaties.selectors import organisatie_ids_for_user


@dataclass
class Werklijst:
    naam: str
    url: str
    aantal: int | None  # None: no count (too costly to count on every visit), only the link
    toelichting: str = ""


@dataclass
class Run:
    run: Invorderingsrun
    mag_goedkeuren: bool
    waarom_niet: str = ""


@dataclass
class Werk:
    werklijsten: list[Werklijst] = field(default_factory=list)
    opvolging: dict[str, int] | None = None
    runs: list[Run] = field(default_factory=list)
    runs_zichtbaar: bool = False
    zoeken: bool = False
    dashboard: bool = False
    verwerkingenlogging: bool = False


def _url(naam: str) -> str:
    try:
        return reverse(naam)
    except NoReverseMatch:  # a module that is not installed (see the optionele_url tag)
        return ""


def werk_voor(user) -> Werk:
    """What the start page shows ``user``: only lists their permissions open."""
    org_ids = organisatie_ids_for_user(user)
    werk = Werk(
        zoeken=user.has_perm("inningen.view_debiteur"),
        dashboard=user.has_perm("inningen.bekijken_dashboard"),
        verwerkingenlogging=user.has_perm("inningen.raadplegen_verwerking"),
    )
    lijsten = werk.werklijsten
    if user.has_perm("inningen.view_opvolging"):
        werk.opvolging = opvolging_aantallen(user)
    # The same counts as the menu badges (tellingen.MENU, one definition, cached per user), each
    # only when the user may open the list.
    aantallen = menu_tellingen(user)
    for sleutel, naam, url, toelichting in (
        ("zonder_debiteur", "Vorderingen zonder debiteur", "balie:zonder_debiteur", ""),
        ("adres_in_onderzoek", "Adres in onderzoek", "balie:adres_in_onderzoek",
         "Vorderingen die geen brief krijgen omdat het adres niet klopt."),
        ("uitgaand", "Mislukte berichten", "balie:uitgaand",
         "Berichten aan belastingsystemen en afnemers die niet zijn aangekomen."),
        ("werklijst", "Ongematchte betalingen", "inningen:werklijst",
         "Bankregels die met de hand aan een vordering moeten worden toegerekend."),
        # Four eyes: one's own proposals wait for a colleague, so they are not "my" work.
        ("afboekingen", "Afboekingen te beoordelen", "balie:afboekingen",
         "Voorstellen van collega's; uw eigen voorstellen beoordeelt een ander."),
        ("terugbetalingen", "Terugbetalingen te beoordelen", "balie:terugbetalingen",
         "Voorstellen van collega's; uw eigen voorstellen beoordeelt een ander."),
    ):  # fmt: skip
        link = _url(url)
        if link and sleutel in aantallen:
            lijsten.append(Werklijst(naam, link, aantallen[sleutel], toelichting))
    if user.has_perm("inningen.verrekenen_tegoed"):
        lijsten.append(Werklijst(
            "Tegoeden", reverse("balie:tegoeden"), None,
            "Debiteuren met een tegoed: verrekenen of terugbetalen.",
        ))  # fmt: skip
    if user.has_perm("inningen.uitvoeren_invorderingsrun"):
        werk.runs_zichtbaar = True
        werk.runs = runs_wachtend(user, org_ids)
    return werk


def runs_wachtend(user, org_ids) -> list[Run]:
    """Previews waiting for approval, with whether this user may approve: not the one who made
    the preview (four eyes) and only a preview of today (the service refuses other days)."""
    vandaag = timezone.localdate()
    runs = (
        Invorderingsrun.objects.filter(organisatie_id__in=org_ids, status=RunStatus.VOORSTEL)
        .select_related("organisatie")
        .order_by("-datum", "-pk")[:20]
    )
    uit = []
    for r in runs:
        if r.aangemaakt_door == user.get_username():
            uit.append(Run(r, False, "U maakte dit voorbeeld; een collega keurt het goed."))
        elif r.datum != vandaag:
            uit.append(Run(r, False, "Voorbeeld van een andere dag; maak een nieuw voorbeeld."))
        else:
            uit.append(Run(r, True))
    return uit
