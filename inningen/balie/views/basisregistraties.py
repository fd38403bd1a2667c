"""The balie asks the BRP or the Handelsregister about one debtor (issue #18): the source's
data beside ours with the differences, and adopting the source's address.

Every lookup is logged with its purpose (doelbinding), also a failed one or "not found": the
BSN went to the BRP. A per-user limit protects the BRP from browsing. Adopting fetches again
(never an address from the form) in services/adres_overnemen.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from inningen.balie.selectors.positie import AFGESCHERMD_KVK, adres_afgeschermd
from inningen.balie.views.balie import balie_view
from inningen.basisregistraties.brp import (
    VELDEN_BALIE,
    BrpFout,
    BrpPersoon,
    brp_client_from_settings,
)
from inningen.basisregistraties.kvk import (
    KvkBasisprofiel,
    KvkFout,
    KvkNietGevonden,
    kvk_client_from_settings,
)
from inningen.debiteuren.models import ADRES_IN_ONDERZOEK, Adresstatus, Debiteur
from inningen.grootboek.selectors import debiteur_for_user
from inningen.invordering.services.adres_overnemen import (
    AdresOvername,
    debiteur_adres_overnemen,
)
from inningen.invordering.services.adressen import AdressenNietBeschikbaar
from inningen.verwerkingen.services import verwerking_log

DOEL_BRP = "invordering: adres controleren (BRP)"
DOEL_KVK = "invordering: adres controleren (Handelsregister)"
# Adopting is adding a DebiteurAdres; the lead decides which roles get it.
PERMISSIE_OVERNEMEN = "inningen.add_debiteuradres"

_BSN = re.compile(r"^[0-9]{9}$")
_KVK = re.compile(r"^[0-9]{8}$")
_REDEN_LABEL = {
    "overleden": Adresstatus.OVERLEDEN.label,
    "verblijft_niet_op_adres": Adresstatus.VERBLIJFT_NIET_OP_ADRES.label,
    "geemigreerd_zonder_adres": Adresstatus.GEEMIGREERD.label,
}


# --- rate limit -------------------------------------------------------------------------------


def _limiet_bereikt(user) -> bool:
    """Count this lookup for the user; True when it is over BRP_BALIE_MAX_PER_MINUUT. A window
    of 60 s from the first lookup (cache.add sets the expiry once, incr keeps it), shared by the
    BRP and the KvK. In the cache, not the database: the count needs no history."""
    maximum = getattr(settings, "BRP_BALIE_MAX_PER_MINUUT", 30)
    sleutel = f"inningen:balie:basisregistraties:{user.pk}"
    cache.add(sleutel, 0, timeout=60)
    try:
        aantal = cache.incr(sleutel)
    except ValueError:  # expired between add and incr
        cache.set(sleutel, 1, timeout=60)
        aantal = 1
    return aantal > maximum


def _limiet_pagina(request, template: str, context: dict):
    maximum = getattr(settings, "BRP_BALIE_MAX_PER_MINUUT", 30)
    context["fout"] = (
        f"U heeft het maximum van {maximum} opvragingen per minuut bereikt. "
        "Probeer het over een minuut opnieuw; er is niets opgevraagd."
    )
    return render(request, template, context, status=429)


# --- comparison -------------------------------------------------------------------------------


def _norm(regels) -> tuple[str, ...]:
    """Compare without case and spacing: "2583 XL  'S-GRAVENHAGE" equals "2583 xl 's-Gravenhage"."""
    if isinstance(regels, str):
        regels = [regels]
    return tuple(n for n in (" ".join(r.split()).casefold() for r in regels) if n)


@dataclass
class Regel:
    label: str
    ons: list[str]
    bron: list[str]
    afgeschermd: str = ""

    @property
    def verschil(self) -> bool:
        return _norm(self.ons) != _norm(self.bron)


def _ons_adres(debiteur: Debiteur) -> tuple[str, list[str], str]:
    """(name line, address lines, where they come from) of the address letters use now."""
    adres = debiteur.brief_adres
    if adres is not None:
        herkomst = f"{adres.get_bron_display()}, {adres.opgehaald_op:%d-%m-%Y}"
        return adres.aanschrijfwijze or debiteur.naam, list(adres.adresregels), herkomst
    return debiteur.naam, debiteur.adres_regels, "aangeleverd door de TSA"


def _brp_adresregels(persoon: BrpPersoon) -> list[str]:
    adr = persoon.adressering
    if adr is None:
        return []
    regels = list(adr.adresregels)
    if adr.land and adr.land_code not in ("", "6030"):
        regels.append(adr.land.upper())
    return regels


def _brp_status(persoon: BrpPersoon) -> str:
    return _REDEN_LABEL.get(persoon.reden_geen_brief, Adresstatus.IN_ORDE.label)


def _brp_vergelijking(debiteur: Debiteur, persoon: BrpPersoon, afgeschermd: str) -> list[Regel]:
    naam, regels, _ = _ons_adres(debiteur)
    adr = persoon.adressering
    ons_aanhef = debiteur.brief_adres.aanhef if debiteur.brief_adres else ""
    return [
        Regel("Naam op de brief", [naam], [adr.aanschrijfwijze if adr else ""]),
        Regel("Aanhef", [ons_aanhef], [adr.aanhef if adr else ""]),
        Regel("Adres", regels, _brp_adresregels(persoon), afgeschermd),
        Regel(
            "Adresstatus",
            [debiteur.get_adresstatus_display()],
            [_brp_status(persoon)],
        ),
    ]


def _kvk_vergelijking(
    debiteur: Debiteur, profiel: KvkBasisprofiel, afgeschermd: str
) -> list[Regel]:
    naam, regels, _ = _ons_adres(debiteur)
    postadres = profiel.postadres
    return [
        Regel("Statutaire naam", [debiteur.statutaire_naam], [profiel.statutaire_naam]),
        Regel("Naam op de brief", [naam], [profiel.statutaire_naam or profiel.naam]),
        Regel("Postadres", regels, list(postadres.adresregels) if postadres else [], afgeschermd),
    ]


def _overname_melding(request, overname: AdresOvername, bronnaam: str) -> None:
    if not overname.gevonden:
        if overname.adresstatus == Adresstatus.NIET_IN_BRP:
            messages.warning(
                request,
                "De BRP kent dit BSN niet. De debiteur krijgt geen brieven meer; de vorderingen "
                "staan op de werklijst ‘Adres in onderzoek’.",
            )
        else:
            messages.warning(request, f"{bronnaam} kent deze debiteur niet; er is niets gewijzigd.")
    elif overname.adresstatus in ADRES_IN_ONDERZOEK:
        messages.warning(
            request,
            f"Adresstatus: {Adresstatus(overname.adresstatus).label}. De debiteur krijgt geen "
            "brieven meer; de vorderingen staan op de werklijst ‘Adres in onderzoek’.",
        )
    elif overname.nieuw_adres is not None:
        messages.success(
            request, f"Het adres uit {bronnaam} is overgenomen: brieven gaan voortaan daarheen."
        )
    else:
        messages.success(
            request, f"Het briefadres was al gelijk aan {bronnaam}; de controle is vastgelegd."
        )


def _overnemen(request, debiteur: Debiteur, template: str, context: dict, doel: str, naam: str):
    """POST: adopt the source's address (fetched again by the service)."""
    try:
        overname = debiteur_adres_overnemen(debiteur=debiteur, door=request.user.get_username())
    except AdressenNietBeschikbaar as exc:
        verwerking_log(
            user=request.user, debiteuren=[debiteur], doel=doel,
            activiteit=f"{naam} raadplegen voor overnemen: mislukt",
        )  # fmt: skip
        context["fout"] = f"{exc.melding} Er is niets gewijzigd."
        return render(request, template, context, status=502)
    except ValidationError as exc:
        context["fout"] = " ".join(exc.messages)
        return render(request, template, context, status=400)
    verwerking_log(
        user=request.user, debiteuren=[debiteur], doel=doel,
        activiteit=f"{naam} raadplegen: adres overnemen",
    )  # fmt: skip
    _overname_melding(request, overname, "de BRP" if naam == "BRP" else "het Handelsregister")
    return redirect(reverse("balie:debiteur", args=[debiteur.pk]) + "#adressen")


# --- views ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@balie_view("inningen.view_debiteur")
def brp(request, pk):
    debiteur = debiteur_for_user(request.user, pk)
    if not debiteur.is_natuurlijk_persoon or not _BSN.match(debiteur.bsn or ""):
        messages.error(request, "De BRP raadplegen kan alleen voor een persoon met een BSN.")
        return redirect("balie:debiteur", debiteur.pk)
    template = "balie/brp.html"
    context = {
        "d": debiteur,
        "mag_overnemen": request.user.has_perm(PERMISSIE_OVERNEMEN),
    }
    client = brp_client_from_settings()
    if client is None:
        context["fout"] = "Er is geen koppeling met de BRP ingesteld; raadplegen is niet mogelijk."
        return render(request, template, context)
    if request.method == "POST" and not context["mag_overnemen"]:
        raise PermissionDenied
    if _limiet_bereikt(request.user):
        return _limiet_pagina(request, template, context)
    if request.method == "POST":
        return _overnemen(request, debiteur, template, context, DOEL_BRP, "BRP")

    try:
        personen = client.personen_raadplegen([debiteur.bsn], VELDEN_BALIE)
    except BrpFout as exc:
        verwerking_log(
            user=request.user, debiteuren=[debiteur], doel=DOEL_BRP,
            activiteit="BRP raadplegen: mislukt",
        )  # fmt: skip
        context["fout"] = f"{exc} Er is niets gewijzigd."
        return render(request, template, context, status=502)
    persoon = personen[0] if personen else None
    verwerking_log(
        user=request.user, debiteuren=[debiteur], doel=DOEL_BRP,
        activiteit="BRP raadplegen" if persoon else "BRP raadplegen: niet gevonden",
    )  # fmt: skip
    context["persoon"] = persoon
    if persoon is not None:
        afgeschermd = adres_afgeschermd(request.user, debiteur, extra_geheim=persoon.geheimhouding)
        context["afgeschermd"] = afgeschermd
        context["regels"] = _brp_vergelijking(debiteur, persoon, afgeschermd)
        context["herkomst"] = _ons_adres(debiteur)[2]
        context["brp_status"] = _brp_status(persoon)
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@balie_view("inningen.view_debiteur")
def kvk(request, pk):
    debiteur = debiteur_for_user(request.user, pk)
    if debiteur.is_natuurlijk_persoon or not _KVK.match(debiteur.kvk_nummer or ""):
        messages.error(
            request,
            "Het Handelsregister raadplegen kan alleen voor een bedrijf met een KvK-nummer.",
        )
        return redirect("balie:debiteur", debiteur.pk)
    template = "balie/kvk.html"
    context = {
        "d": debiteur,
        "mag_overnemen": request.user.has_perm(PERMISSIE_OVERNEMEN),
    }
    client = kvk_client_from_settings()
    if client is None:
        context["fout"] = (
            "Er is geen koppeling met het Handelsregister ingesteld; raadplegen is niet mogelijk."
        )
        return render(request, template, context)
    if request.method == "POST" and not context["mag_overnemen"]:
        raise PermissionDenied
    if _limiet_bereikt(request.user):
        return _limiet_pagina(request, template, context)
    if request.method == "POST":
        return _overnemen(request, debiteur, template, context, DOEL_KVK, "Handelsregister")

    # verwerking_log keeps only natural persons: for a company this writes nothing, but an
    # eenmanszaak's data is a person's, so the call stays in case the debtor kind says so.
    try:
        profiel = client.basisprofiel(debiteur.kvk_nummer)
    except KvkNietGevonden:
        verwerking_log(
            user=request.user, debiteuren=[debiteur], doel=DOEL_KVK,
            activiteit="Handelsregister raadplegen: niet gevonden",
        )  # fmt: skip
        context["niet_gevonden"] = True
        return render(request, template, context)
    except KvkFout as exc:
        verwerking_log(
            user=request.user, debiteuren=[debiteur], doel=DOEL_KVK,
            activiteit="Handelsregister raadplegen: mislukt",
        )  # fmt: skip
        context["fout"] = f"{exc} Er is niets gewijzigd."
        return render(request, template, context, status=502)
    verwerking_log(
        user=request.user, debiteuren=[debiteur], doel=DOEL_KVK,
        activiteit="Handelsregister raadplegen",
    )  # fmt: skip
    postadres = profiel.postadres
    afgeschermd = adres_afgeschermd(
        request.user, debiteur, extra_geheim=bool(postadres and postadres.afgeschermd)
    )
    if afgeschermd and not debiteur.geheimhouding:
        afgeschermd = AFGESCHERMD_KVK
    context.update(
        profiel=profiel,
        postadres=postadres,
        afgeschermd=afgeschermd,
        regels=_kvk_vergelijking(debiteur, profiel, afgeschermd),
        herkomst=_ons_adres(debiteur)[2],
    )
    return render(request, template, context)
