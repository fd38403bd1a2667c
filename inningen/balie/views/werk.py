"""Work management (#19): the start page per role, follow-ups and "mijn werk", the management
dashboard. Thin views: the figures come from selectors, the writes from services."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from inningen.balie.forms.werk import AfhandelenForm, DashboardForm, OpvolgingForm, WerkFilterForm
from inningen.balie.selectors.dashboard import dashboard_figures, dashboard_organisaties
from inningen.balie.selectors.werk import werk_voor
from inningen.balie.views.balie import LOGIN_URL, balie_view
from inningen.grootboek.models import Vordering
from inningen.grootboek.selectors import debiteur_for_user
from inningen.invordering.models import Opvolging
from inningen.invordering.selectors.opvolging import FILTERS, opvolgingen_open
from inningen.invordering.services.opvolging import opvolging_afhandelen, opvolging_create
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisatie_ids_for_user
from inningen.verwerkingen.services import DOEL_INVORDERING, verwerking_log

PER_PAGINA = 50


@login_required(login_url=LOGIN_URL)
def start(request):
    """Every logged-in user lands here; it shows only what their permissions open."""
    return render(request, "balie/start.html", {"werk": werk_voor(request.user)})


@balie_view("inningen.view_opvolging")
def mijn_werk(request):
    form = WerkFilterForm(request.GET)
    form.is_valid()
    filter_ = form.cleaned_data.get("filter") or "mijn"
    pagina = Paginator(opvolgingen_open(request.user, filter=filter_), PER_PAGINA).get_page(
        form.cleaned_data.get("pagina")
    )
    verwerking_log(
        user=request.user,
        debiteuren={o.debiteur_id: o.debiteur for o in pagina if o.debiteur_id}.values(),
        doel=DOEL_INVORDERING,
        activiteit="werklijst mijn werk (opvolgingen) getoond",
    )
    return render(
        request, "balie/mijn_werk.html", {"pagina": pagina, "filter": filter_, "filters": FILTERS}
    )


def _opvolging_maken(request, *, terug: str, debiteur=None, vordering=None):
    form = OpvolgingForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Opvolging niet opgeslagen: {form.fouten()}")
        return redirect(terug)
    organisatie = Organisatie.objects.filter(pk=form.cleaned_data["organisatie"]).first()
    eigenaar = None
    if form.cleaned_data.get("eigenaar"):
        eigenaar = get_user_model().objects.filter(pk=form.cleaned_data["eigenaar"]).first()
    if organisatie is None:
        messages.error(request, "Opvolging niet opgeslagen: kies de organisatie.")
        return redirect(terug)
    try:
        opvolging_create(
            user=request.user,
            organisatie=organisatie,
            datum=form.cleaned_data["datum"],
            notitie=form.cleaned_data.get("notitie", ""),
            debiteur=debiteur,
            vordering=vordering,
            eigenaar=eigenaar,
        )
    except ValidationError as exc:
        messages.error(request, "Opvolging niet opgeslagen: " + " ".join(exc.messages))
    else:
        messages.success(request, "Opvolging opgeslagen.")
    return redirect(terug)


@require_POST
@balie_view("inningen.add_opvolging")
def opvolging_debiteur(request, pk):
    deb = debiteur_for_user(request.user, pk)
    terug = reverse("balie:debiteur", args=[deb.pk]) + "#opvolging"
    return _opvolging_maken(request, terug=terug, debiteur=deb)


@require_POST
@balie_view("inningen.add_opvolging")
def opvolging_vordering(request, pk):
    v = get_object_or_404(Vordering.objects.for_user(request.user), pk=pk)
    terug = reverse("balie:vordering", args=[v.pk]) + "#opvolging"
    return _opvolging_maken(request, terug=terug, vordering=v)


@require_POST
@balie_view("inningen.change_opvolging")
def opvolging_afhandelen_view(request, pk):
    opvolging = get_object_or_404(
        Opvolging.objects.filter(organisatie_id__in=organisatie_ids_for_user(request.user)), pk=pk
    )
    form = AfhandelenForm(request.POST)
    form.is_valid()
    try:
        opvolging_afhandelen(
            user=request.user,
            opvolging_pk=opvolging.pk,
            toelichting=form.cleaned_data.get("toelichting", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Opvolging afgehandeld.")
    terug = request.POST.get("terug", "")
    if terug == "debiteur" and opvolging.debiteur_id:
        return redirect(reverse("balie:debiteur", args=[opvolging.debiteur_id]) + "#opvolging")
    if terug == "vordering" and opvolging.vordering_id:
        return redirect(reverse("balie:vordering", args=[opvolging.vordering_id]) + "#opvolging")
    return redirect("balie:mijn_werk")


@balie_view("inningen.bekijken_dashboard")
def dashboard(request):
    form = DashboardForm(request.GET)
    form.is_valid()
    organisaties = dashboard_organisaties(request.user)
    if not organisaties:
        return render(request, "balie/dashboard.html", {"organisaties": [], "d": None})
    gekozen = form.cleaned_data.get("organisatie")
    organisatie = next((o for o in organisaties if o.pk == gekozen), organisaties[0])
    return render(
        request,
        "balie/dashboard.html",
        {"organisaties": organisaties, "d": dashboard_figures(organisatie)},
    )
