"""The balie: search, a debtor's whole position, claim detail, notes.

Thin views: permission and login checks here, scoping in the selectors (which take the user),
writes in the services. Every view that shows a natural person's data logs it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from inningen.balie.forms.balie import BalieZoekForm, VorderingFilterForm
from inningen.balie.selectors.positie import (
    adres_afgeschermd,
    debiteur_positie,
    vordering_for_user,
)
from inningen.balie.selectors.saldo_overzicht import saldo_overzicht
from inningen.balie.selectors.zoeken import MAX_KANDIDATEN, zoek
from inningen.balie.services import (
    notitie_create,
    vordering_koppeling_ongedaan_maken,
)
from inningen.grootboek.models import Debiteurkoppeling, Vordering
from inningen.grootboek.selectors import debiteur_for_user
from inningen.invordering.selectors.opvolging import opvolging_paneel
from inningen.invordering.services.brieven import pdf_from_html
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
    tijdlijn = request.GET.get("tijdlijn", "")
    positie = debiteur_positie(
        request.user, pk, tijdlijn=tijdlijn if tijdlijn in ("ja", "alle") else ""
    )
    # Open claims only by default: at the counter the question is what is still to pay;
    # the settled ones are one choice away ("Alle vorderingen").
    filterform = VorderingFilterForm(request.GET or None, opties=positie.filter_opties())
    filters = filterform.filters() if filterform.is_bound else {"alleen_open": True}
    if filterform.is_bound and not filterform.is_valid():
        messages.error(request, f"Filter niet toegepast: {filterform.fouten()}")
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
            "samenvatting": positie.samenvatting(),
            "filterform": filterform,
            "gefilterd": positie.gefilterd(**filters),
            "d": positie.debiteur,
            "regelingen": positie.regelingen,
            "opschortingen": positie.opschortingen,
            "brieven": positie.brieven,
            "tegoed": positie.tegoeden,
            "opvolging": opvolging_paneel(
                request.user,
                debiteur=positie.debiteur,
                debiteur_organisaties=list({v.organisatie for v in positie.vorderingen}),
            ),
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
    koppelingen = list(
        Debiteurkoppeling.objects.filter(vordering=v).select_related("debiteur")
        .order_by("wanneer", "pk")
    )  # fmt: skip
    # Everyone the history names is shown, so logged: also a debtor linked by mistake.
    getoond = {k.debiteur_id: k.debiteur for k in koppelingen}
    if v.debiteur is not None:
        getoond[v.debiteur_id] = v.debiteur
    if getoond:
        verwerking_log(
            user=request.user,
            debiteuren=list(getoond.values()),
            vordering=v,
            doel=DOEL_BALIE,
            activiteit="inzage vordering",
        )
    laatste = koppelingen[-1] if koppelingen else None
    return render(
        request,
        "balie/vordering.html",
        {
            "v": v,
            "uitgaand": uitgaand,
            "inkomend": inkomend,
            "koppelingen": koppelingen,
            "ongedaan_te_maken": laatste is not None
            and laatste.actie == "gekoppeld"
            and laatste.debiteur_id == v.debiteur_id,
            "opvolging": opvolging_paneel(request.user, vordering=v),
        },
    )


@require_POST
@balie_view("inningen.ongedaan_maken_koppeling")
def koppeling_ongedaan_maken(request, pk):
    """Undo a link made from "vordering zonder debiteur"; refusals come back as a message."""
    try:
        debiteur = vordering_koppeling_ongedaan_maken(
            user=request.user, vordering_pk=pk, reden=request.POST.get("reden", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("balie:vordering", args=[pk]) + "#koppeling-kop")
    messages.success(
        request,
        f"De koppeling met {debiteur} is ongedaan gemaakt; de vordering staat weer op de "
        "werklijst Vorderingen zonder debiteur.",
    )
    return redirect("balie:vordering", pk)


@balie_view("inningen.view_debiteur")
def saldo_overzicht_pdf(request, pk):
    """The citizen's statement as PDF. It prints the address, so like a letter it opens
    only for who may see a secret address (BRP geheimhouding, #18)."""
    context = saldo_overzicht(request.user, pk)
    debiteur = context["positie"].debiteur
    afgeschermd = adres_afgeschermd(request.user, debiteur)
    if afgeschermd:
        raise PermissionDenied(
            f"{afgeschermd}: het saldo-overzicht drukt het adres af; u mag dat adres niet inzien."
        )
    pdf = pdf_from_html(render_to_string("brieven/saldo_overzicht.html", context))
    verwerking_log(
        user=request.user,
        debiteuren=[debiteur],
        doel=DOEL_BALIE,
        activiteit="saldo-overzicht (PDF) aangemaakt voor de debiteur",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=f"saldo-overzicht-{debiteur.pk}-{context['datum']:%Y-%m-%d}.pdf",
    )
    return response


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
