"""Invordering screens: uitstel/bezwaar, afboekingsvoorstellen and their work list (four eyes),
betalingsregelingen (plan shown before it is saved).

Thin views: scoping through the user's querysets, rules and writes in the services, which
raise ValidationError with a message for the user.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from inningen.balie.forms.invordering import (
    AfboekingForm,
    OpschortingForm,
    RegelingForm,
)
from inningen.balie.lijsten import Kolom, Lijst
from inningen.balie.views.balie import balie_view
from inningen.balie.views.vier_ogen import besluit_handle
from inningen.choices import Afboekingsoort, MachtigingStatus, VoorstelStatus
from inningen.debiteuren.models import Machtiging
from inningen.grootboek.models import Vordering
from inningen.grootboek.selectors import debiteur_for_user
from inningen.invordering.models import Afboekingsvoorstel, Betalingsregeling, Opschorting
from inningen.invordering.selectors.regelingen import open_afboekingsvoorstellen
from inningen.invordering.services.afboekingen import afboeking_propose, afboeking_review
from inningen.invordering.services.opschortingen import opschorting_create, opschorting_end
from inningen.invordering.services.regelingen import (
    regeling_create,
    regeling_end,
    regeling_plan,
)
from inningen.organisaties.selectors import organisatie_ids_for_user
from inningen.verwerkingen.services import DOEL_INVORDERING, verwerking_log


def _door(request) -> str:
    return request.user.get_username()


def _fouten(form, exc: ValidationError) -> None:
    for bericht in exc.messages:
        form.add_error(None, bericht)


def _vordering(request, pk) -> Vordering:
    return get_object_or_404(
        Vordering.objects.for_user(request.user).select_related("organisatie", "debiteur"), pk=pk
    )


# --- opschorting --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@balie_view("inningen.add_opschorting")
def opschorting_nieuw(request, pk):
    v = _vordering(request, pk)
    form = OpschortingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opschorting_create(vordering=v, door=_door(request), **form.cleaned_data)
        except ValidationError as exc:
            _fouten(form, exc)
        else:
            messages.success(
                request, "Opschorting vastgelegd; de invordering van deze vordering staat stil."
            )
            return redirect("balie:vordering", v.pk)
    return render(request, "balie/opschorting.html", {"v": v, "form": form})


@require_POST
@balie_view("inningen.change_opschorting")
def opschorting_stoppen(request, pk):
    opschorting = get_object_or_404(
        Opschorting.objects.filter(
            vordering__organisatie_id__in=organisatie_ids_for_user(request.user)
        ),
        pk=pk,
    )
    try:
        opschorting_end(opschorting=opschorting, door=_door(request), datum=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Opschorting beëindigd; de invordering gaat weer verder.")
    return redirect("balie:vordering", opschorting.vordering_id)


# --- afboekingen --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@balie_view("inningen.add_afboekingsvoorstel")
def afboeking_nieuw(request, pk):
    v = _vordering(request, pk)
    form = AfboekingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            afboeking_propose(vordering=v, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fouten(form, exc)
        else:
            messages.success(request, "Voorstel opgeslagen; een collega beoordeelt het.")
            return redirect("balie:vordering", v.pk)
    return render(request, "balie/afboekingen_voorstel.html", {"v": v, "form": form})


AFBOEKINGEN = Lijst(
    naam="afboekingen-te-beoordelen",
    titel="Afboekingen te beoordelen",
    kolommen=[
        Kolom("voorgesteld", "Voorgesteld", "voorgesteld_op", lambda a: a.voorgesteld_op),
        Kolom(
            "vordering",
            "Vordering",
            "vordering__vorderingnummer",
            lambda a: a.vordering.vorderingnummer,
        ),
        Kolom(
            "organisatie",
            "Organisatie",
            "vordering__organisatie__naam",
            lambda a: a.vordering.organisatie.naam,
        ),
        Kolom(
            "debiteur",
            "Debiteur",
            "vordering__debiteur__zoeknaam",
            lambda a: str(a.vordering.debiteur or ""),
        ),
        Kolom("soort", "Soort", "soort", lambda a: a.get_soort_display()),
        Kolom("reden", "Reden", None, lambda a: a.reden),
        Kolom(
            "door",
            "Door",
            "voorgesteld_door__username",
            lambda a: a.voorgesteld_door.get_username(),
        ),
        Kolom(
            "openstaand",
            "Openstaand",
            "vordering__openstaand_bedrag",
            lambda a: a.vordering.openstaand_bedrag,
            bedrag=True,
            klasse="bedrag",
        ),
        Kolom("bedrag", "Af te boeken", "bedrag", lambda a: a.bedrag, bedrag=True, klasse="bedrag"),
        Kolom("beoordeling", "Beoordeling"),
    ],
    standaard=("voorgesteld_op", "pk"),
    organisatie="vordering__organisatie_id",
    status="soort",
    statussen=tuple(Afboekingsoort.choices),
    status_label="Soort",
    datum="voorgesteld_op",
    datum_label="Voorgesteld",
    tekst=(
        "vordering__vorderingnummer",
        "vordering__debiteur__zoeknaam",
        "vordering__debiteur__statutaire_naam",
        "reden",
    ),
    tekst_label="Vordering, debiteur of reden",
    personen=lambda a: [a.vordering.debiteur],
)


@balie_view("inningen.beoordelen_afboeking")
def afboekingen(request):
    lijst = AFBOEKINGEN.toepassen(request, open_afboekingsvoorstellen(request.user))
    if lijst.export:
        return lijst.export_response()
    pagina = lijst.pagina(50)
    # The rows name debtors: showing them is a processing of personal data (AVG).
    verwerking_log(
        user=request.user,
        debiteuren={
            a.vordering.debiteur_id: a.vordering.debiteur for a in pagina if a.vordering.debiteur_id
        }.values(),
        doel=DOEL_INVORDERING,
        activiteit="werklijst afboekingen getoond",
    )
    return render(request, "balie/afboekingen.html", {"pagina": pagina, "lijst": lijst})


@require_POST
@balie_view("inningen.beoordelen_afboeking")
def afboeking_beoordeel(request, pk):
    voorstel = get_object_or_404(
        Afboekingsvoorstel.objects.filter(
            vordering__organisatie_id__in=organisatie_ids_for_user(request.user),
            status=VoorstelStatus.VOORGESTELD,
        ),
        pk=pk,
    )
    return besluit_handle(
        request,
        review=lambda **besluit: afboeking_review(voorstel=voorstel, user=request.user, **besluit),
        terug="balie:afboekingen",
        onderwerp=f"Voorstel voor {voorstel.vordering.vorderingnummer}",
    )


# --- betalingsregeling --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@balie_view("inningen.add_betalingsregeling")
def regeling_nieuw(request, pk):
    """Step 1 (GET, or POST "wijzigen"): the form. Step 2 (POST "plan"): the computed plan with
    the inputs as hidden fields. Step 3 (POST "opslaan"): the plan is computed again from those
    inputs and saved."""
    deb = debiteur_for_user(request.user, pk)
    ids = organisatie_ids_for_user(request.user)
    vorderingen = (
        Vordering.objects.open()
        .filter(debiteur=deb, organisatie_id__in=ids, openstaand_bedrag__gt=0)
        .select_related("organisatie", "debiteur")
        .order_by("organisatie_id", "vervaldatum", "pk")
    )
    machtigingen = Machtiging.objects.filter(
        debiteur=deb, organisatie_id__in=ids, status=MachtigingStatus.ACTIEF
    )
    actie = request.POST.get("actie", "")
    form = RegelingForm(
        request.POST if request.method == "POST" else None,
        vorderingen=vorderingen,
        machtigingen=machtigingen,
        initial={"startdatum": timezone.localdate()},
    )
    plan = None
    if request.method == "POST" and actie != "wijzigen" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = regeling_plan(
                vorderingen=list(data["vorderingen"]),
                soort=data["soort"],
                startdatum=data["startdatum"],
                maandbedrag=data.get("maandbedrag"),
                aantal_termijnen=data.get("aantal_termijnen"),
            )
            if actie == "opslaan":
                regeling_create(
                    plan=plan,
                    betaalwijze=data["betaalwijze"],
                    machtiging=data.get("machtiging"),
                    door=_door(request),
                )
                messages.success(
                    request,
                    f"Betalingsregeling vastgelegd: {plan.aantal_termijnen} termijnen; "
                    f"de bevestigingsbrief wordt gemaakt.",
                )
                return redirect(reverse("balie:debiteur", args=[deb.pk]) + "#regelingen")
        except ValidationError as exc:
            plan = None
            _fouten(form, exc)
    verborgen = [
        (naam, waarde)
        for naam, waarden in request.POST.lists()
        if naam not in ("csrfmiddlewaretoken", "actie")
        for waarde in waarden
    ]
    return render(
        request,
        "balie/regeling.html",
        {
            "d": deb,
            "form": form,
            "plan": plan,
            "verborgen": verborgen,
            "heeft_open": vorderingen.exists(),
        },
    )


@require_POST
@balie_view("inningen.change_betalingsregeling")
def regeling_stoppen(request, pk):
    regeling = get_object_or_404(
        Betalingsregeling.objects.filter(organisatie_id__in=organisatie_ids_for_user(request.user)),
        pk=pk,
    )
    try:
        regeling_end(regeling=regeling, door=_door(request), reden=request.POST.get("reden", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Betalingsregeling beëindigd; de gewone invordering gaat verder.")
    return redirect(reverse("balie:debiteur", args=[regeling.debiteur_id]) + "#regelingen")
