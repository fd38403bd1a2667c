"""Screens of the invorderaar for bank statements: upload and the manual work list.

Thin: they check login, permission and the user's organisations, and call the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from inningen import betalingskenmerk as bk
from inningen.balie.forms.balie import (
    AfschriftUploadForm,
    OpmerkingForm,
    ToewijzingFormSet,
    ZoekForm,
)
from inningen.betalingen.models import Betaling
from inningen.betalingen.services.afschriften import AfschriftFout, afschrift_import
from inningen.betalingen.services.betalingen import (
    BetalingFout,
    betaling_allocate,
    betaling_park,
    betaling_refund_mark,
)
from inningen.choices import BetalingStatus
from inningen.grootboek.models import Vordering
from inningen.organisaties.selectors import organisaties_for_user

WERKLIJST_STATUSSEN = (
    BetalingStatus.ONGEMATCHT,
    BetalingStatus.GEPARKEERD,
    BetalingStatus.TERUGBETALEN,
)

_MAX_UPLOAD = 200 * 1024 * 1024


def _betaling_voor(user, pk) -> Betaling:
    return get_object_or_404(
        Betaling.objects.select_related("afschrift", "organisatie", "debiteur"),
        pk=pk,
        organisatie__in=organisaties_for_user(user),
    )


@login_required
@permission_required("inningen.import_afschrift", raise_exception=True)
@require_http_methods(["GET", "POST"])
def afschrift_upload(request):
    form = AfschriftUploadForm(request.POST or None, request.FILES or None)
    resultaat = None
    if request.method == "POST" and form.is_valid():
        bestand = form.cleaned_data["bestand"]
        if bestand.size > _MAX_UPLOAD:
            form.add_error("bestand", "Bestand is te groot.")
        else:
            try:
                resultaat = afschrift_import(
                    inhoud=bestand.read(),
                    door=request.user.get_username(),
                    bestandsnaam=bestand.name,
                    organisaties=list(organisaties_for_user(request.user)),
                )
            except AfschriftFout as exc:
                form.add_error("bestand", f"Geweigerd, niets ingelezen: {exc}")
            else:
                messages.success(request, f"{bestand.name}: {resultaat.samenvatting()}")
                return redirect("inningen:werklijst")
    return render(request, "inningen/afschrift_upload.html", {"form": form})


@login_required
@permission_required("inningen.view_betaling", raise_exception=True)
def werklijst(request):
    status = request.GET.get("status") or BetalingStatus.ONGEMATCHT
    if status not in WERKLIJST_STATUSSEN:
        status = BetalingStatus.ONGEMATCHT
    betalingen = (
        Betaling.objects.filter(organisatie__in=organisaties_for_user(request.user), status=status)
        .select_related("organisatie")
        .order_by("boekdatum", "pk")[:500]
    )
    return render(
        request,
        "inningen/werklijst.html",
        {
            "betalingen": betalingen,
            "status": status,
            "statussen": [(s.value, s.label) for s in WERKLIJST_STATUSSEN],
        },
    )


def _zoek(user, betaling: Betaling, q: str):
    q = (q or "").strip()
    if not q:
        return []
    vorderingen = Vordering.objects.for_user(user).filter(organisatie=betaling.organisatie)
    voorwaarde = (
        Q(vorderingnummer=q) | Q(factuurnummer=q) | Q(debiteur__zoeknaam__startswith=q.lower())
    )
    gedecodeerd = bk.decode(q)
    if gedecodeerd:
        voorwaarde |= Q(pk=gedecodeerd[0])
    return list(
        vorderingen.filter(voorwaarde)
        .select_related("debiteur")
        .order_by("-openstaand_bedrag")[:50]
    )


@login_required
@permission_required("inningen.view_betaling", raise_exception=True)
@require_http_methods(["GET", "POST"])
def betaling_detail(request, pk):
    betaling = _betaling_voor(request.user, pk)
    zoekform = ZoekForm(request.GET or None)
    # Only validated input reaches the query (a NUL character, say, is a form error).
    gevonden = (
        _zoek(request.user, betaling, zoekform.cleaned_data["q"])
        if zoekform.is_bound and zoekform.is_valid()
        else []
    )
    formset = ToewijzingFormSet(request.POST or None, prefix="t")
    if request.method == "POST":
        if not request.user.has_perm("inningen.change_betaling"):
            raise PermissionDenied
        if formset.is_valid():
            rijen = [f.cleaned_data for f in formset if f.cleaned_data]
            pks = [r["vordering"] for r in rijen]
            vorderingen = {
                v.pk: v
                for v in Vordering.objects.for_user(request.user).filter(
                    pk__in=pks, organisatie=betaling.organisatie
                )
            }
            onbekend = [pk for pk in pks if pk not in vorderingen]
            if not rijen:
                messages.error(request, "Vul minstens één vordering met een bedrag in.")
            elif onbekend:
                messages.error(
                    request,
                    f"Vordering(en) {', '.join(map(str, onbekend))} niet gevonden bij "
                    f"{betaling.organisatie}.",
                )
            else:
                try:
                    betaling_allocate(
                        betaling=betaling,
                        door=request.user.get_username(),
                        toewijzingen=[(vorderingen[r["vordering"]], r["bedrag"]) for r in rijen],
                    )
                except BetalingFout as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, "Betaling toegerekend.")
                    return redirect("inningen:betaling", pk=betaling.pk)
    return render(
        request,
        "inningen/betaling_detail.html",
        {
            "betaling": betaling,
            "zoekform": zoekform,
            "gevonden": gevonden,
            "formset": formset,
            "opmerkingform": OpmerkingForm(),
            "op_werklijst": betaling.status in WERKLIJST_STATUSSEN,
            "boekingen": betaling.boekingen.select_related("vordering").order_by("pk"),
        },
    )


@login_required
@permission_required("inningen.change_betaling", raise_exception=True)
@require_POST
def betaling_actie(request, pk, actie):
    betaling = _betaling_voor(request.user, pk)
    form = OpmerkingForm(request.POST)
    opmerking = form.cleaned_data["opmerking"] if form.is_valid() else ""
    functie = {"parkeren": betaling_park, "terugbetalen": betaling_refund_mark}.get(actie)
    if functie is None:
        raise PermissionDenied
    try:
        functie(betaling=betaling, door=request.user.get_username(), opmerking=opmerking)
    except BetalingFout as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Betaling geparkeerd." if actie == "parkeren" else "Gemarkeerd om terug te betalen.",
        )
    return redirect("inningen:betaling", pk=betaling.pk)
