"""The balie: search, a debtor's whole position, claim detail, notes.

Thin views: permission and login checks here, scoping in the selectors (which take the user),
writes in the services. Every view that shows a natural person's data logs it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from inningen.balie.forms.balie import BalieZoekForm
from inningen.balie.selectors.positie import debiteur_positie, vordering_for_user
from inningen.balie.selectors.tegoed import tegoed_van_debiteur
from inningen.balie.selectors.zoeken import MAX_KANDIDATEN, zoek
from inningen.balie.services import notitie_create
from inningen.grootboek.models import Vordering
from inningen.grootboek.selectors import debiteur_for_user
from inningen.invordering.selectors.brieven import brieven_for_debiteur
from inningen.invordering.selectors.regelingen import (
    opschortingen_van_debiteur,
    regelingen_van_debiteur,
)
from inningen.organisaties.models import Organisatie
from inningen.verwerkingen.services import DOEL_BALIE, verwerking_log
from stuffin.models import UitgaandBericht

LOGIN_URL = "login"


def balie_view(permissie: str):
    """Login (to our own login page) and a permission: 403 for a logged-in user without it."""

    def decorator(view):
        return login_required(permission_required(permissie, raise_exception=True)(view),
                              login_url=LOGIN_URL)  # fmt: skip

    return decorator


def _int(waarde, standaard=1) -> int:
    try:
        return max(1, int(waarde))
    except (TypeError, ValueError):
        return standaard


def zoekvraag(request) -> tuple[str, int]:
    """The validated search input (q, pagina); invalid input searches nothing and says why."""
    form = BalieZoekForm(request.GET)
    if not form.is_valid():
        messages.error(request, f"Zoekopdracht niet uitgevoerd: {form.fouten()}")
        return "", 1
    return form.cleaned_data["q"] or "", form.cleaned_data["pagina"] or 1


@balie_view("inningen.view_debiteur")
def zoeken(request):
    q, pagina = zoekvraag(request)
    resultaat = zoek(request.user, q, pagina=pagina)
    enige = resultaat.enige_debiteur
    if enige is not None and resultaat.kind != "tekst":
        return redirect("balie:debiteur", enige.pk)
    verwerking_log(
        user=request.user,
        debiteuren=resultaat.debiteuren + [v.debiteur for v in resultaat.vorderingen if v.debiteur],
        doel=DOEL_BALIE,
        activiteit="zoeken: zoekresultaat getoond",
    )
    return render(
        request,
        "balie/zoeken.html",
        {"resultaat": resultaat, "q": q, "max_kandidaten": f"{MAX_KANDIDATEN:,}".replace(",", ".")},
    )


@balie_view("inningen.view_debiteur")
def debiteur(request, pk):
    positie = debiteur_positie(
        request.user, pk, tijdlijn_alles=request.GET.get("tijdlijn") == "alle"
    )
    verwerking_log(
        user=request.user,
        debiteuren=[positie.debiteur],
        doel=DOEL_BALIE,
        activiteit="inzage debiteurpositie",
    )
    return render(
        request,
        "balie/debiteur.html",
        {
            "positie": positie,
            "d": positie.debiteur,
            "regelingen": regelingen_van_debiteur(request.user, pk),
            "opschortingen": opschortingen_van_debiteur(request.user, pk),
            "brieven": brieven_for_debiteur(request.user, pk),
            "tegoed": tegoed_van_debiteur(request.user, pk),
        },
    )


@balie_view("inningen.view_vordering")
def vordering(request, pk):
    v = vordering_for_user(request.user, pk)

    uitgaand = list(
        UitgaandBericht.objects.filter(vordering=v)
        .select_related("koppeling", "abonnement__client", "vorderingstatus")
        .order_by("-created_at", "-pk")[:100]
    )
    # Inbound: the Verstrek Vordering message(s) that delivered this claim.
    inkomend = list(v.berichten.select_related("koppeling").order_by("-tijdstip")[:20])
    if v.debiteur is not None:
        verwerking_log(
            user=request.user,
            debiteuren=[v.debiteur],
            vordering=v,
            doel=DOEL_BALIE,
            activiteit="inzage vordering",
        )
    return render(
        request, "balie/vordering.html", {"v": v, "uitgaand": uitgaand, "inkomend": inkomend}
    )


@require_POST
@balie_view("inningen.add_notitie")
def notitie_toevoegen(request, pk):
    deb = debiteur_for_user(request.user, pk)

    organisatie = Organisatie.objects.filter(pk=_int(request.POST.get("organisatie"), 0)).first()
    vordering_pk = request.POST.get("vordering")
    vordering = None
    if vordering_pk:
        vordering = (
            Vordering.objects.for_user(request.user).filter(pk=_int(vordering_pk, 0)).first()
        )
        if vordering is None:
            raise PermissionDenied
    if organisatie is None:
        messages.error(request, "Kies de organisatie waarvoor de notitie is.")
        return redirect("balie:debiteur", deb.pk)
    try:
        notitie_create(
            user=request.user,
            debiteur=deb,
            organisatie=organisatie,
            tekst=request.POST.get("tekst", ""),
            vordering=vordering,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Notitie opgeslagen.")
    return redirect(reverse("balie:debiteur", args=[deb.pk]) + "#notities")
