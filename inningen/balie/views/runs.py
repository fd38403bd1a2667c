"""The invorderaar's run screens: previews (dry runs) of the invorderingsrun, approval, results
and the hand-over export. Thin: the plan and execution are services/invordering.py."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from inningen.balie.forms.invordering import RunBevestigenForm
from inningen.balie.lijsten import Kolom, Lijst
from inningen.balie.views.balie import balie_view
from inningen.choices import Invorderingsstap as Stap
from inningen.choices import RunStatus
from inningen.csvbestand import csv_tekst
from inningen.debiteuren.models import Debiteur
from inningen.invordering.models import Invorderingsrun, Invorderingsstap
from inningen.invordering.services.brieven import brief_voorbeeld_html, brief_voorbeeld_pdf
from inningen.invordering.services.invordering import (
    PLAN_KOLOMMEN,
    GoedkeuringFout,
    invordering_plan,
    invorderingsrun_approve,
    invorderingsrun_propose,
    invorderingsrun_voorbeeldbrief,
    plan_rijen,
    run_kenmerk,
)
from inningen.organisaties.selectors import organisaties_for_user
from inningen.verwerkingen.services import DOEL_INVORDERING, verwerking_log

STAP_LABELS = dict(Stap.choices)


def _run_voor(user, pk) -> Invorderingsrun:
    run = (
        Invorderingsrun.objects.filter(pk=pk, organisatie__in=organisaties_for_user(user))
        .select_related("organisatie")
        .first()
    )
    if run is None:
        raise Http404("Run niet gevonden.")
    return run


def _samenvatting(r, sleutel: str) -> int:
    return (r.samenvatting or {}).get(sleutel) or 0


RUNS = Lijst(
    naam="invorderingsruns",
    titel="Invorderingsruns",
    kolommen=[
        Kolom("datum", "Datum", "datum", lambda r: r.datum),
        Kolom("organisatie", "Organisatie", "organisatie__naam", lambda r: r.organisatie.naam),
        Kolom(
            "status",
            "Status",
            "status",
            lambda r: r.get_status_display() + (" (geforceerd)" if r.geforceerd else ""),
        ),
        # The figures live in the run's JSON summary: shown and exported, not sorted on.
        Kolom("stappen", "Stappen", None, lambda r: _samenvatting(r, "aantal"), klasse="getal"),
        Kolom(
            "kosten",
            "Kosten",
            None,
            lambda r: _samenvatting(r, "kosten"),
            bedrag=True,
            klasse="getal",
        ),
        Kolom(
            "rente", "Rente", None, lambda r: _samenvatting(r, "rente"), bedrag=True, klasse="getal"
        ),
        Kolom("door", "Door", "aangemaakt_door", lambda r: r.uitgevoerd_door or r.aangemaakt_door),
    ],
    standaard=("-datum", "-pk"),
    organisatie="organisatie_id",
    status="status",
    statussen=tuple(RunStatus.choices),
    datum="datum",
)


@balie_view("inningen.view_invorderingsrun")
def runs(request):
    organisaties = list(organisaties_for_user(request.user))
    if request.method == "POST":
        if not request.user.has_perm("inningen.uitvoeren_invorderingsrun"):
            messages.error(request, "U mag geen invorderingsruns voorbereiden.")
            return redirect("balie:runs")
        organisatie = next(
            (o for o in organisaties if str(o.pk) == request.POST.get("organisatie")), None
        )
        try:
            datum = dt.date.fromisoformat(request.POST.get("datum", ""))
        except ValueError:
            datum = None
        if organisatie is None or datum is None:
            messages.error(request, "Kies een organisatie en een geldige datum.")
            return redirect("balie:runs")
        run = invorderingsrun_propose(
            organisatie=organisatie, datum=datum, door=request.user.get_username()
        )
        return redirect("balie:run", run.pk)
    lijst = RUNS.toepassen(
        request,
        Invorderingsrun.objects.filter(organisatie__in=organisaties).select_related("organisatie"),
    )
    if lijst.export:
        return lijst.export_response()
    return render(
        request,
        "invordering/runs.html",
        {
            "pagina": lijst.pagina(50),
            "lijst": lijst,
            "organisaties": organisaties,
            "vandaag": timezone.localdate(),
        },
    )


@balie_view("inningen.view_invorderingsrun")
def run(request, pk):
    r = _run_voor(request.user, pk)
    s = r.samenvatting or {}
    per_stap = [
        {"stap": STAP_LABELS.get(stap, stap), **cijfers}
        for stap, cijfers in (s.get("per_stap") or {}).items()
    ]
    voorbeelden = [
        {
            **v,
            "stap_label": STAP_LABELS.get(v["stap"], v["stap"]),
            "betalen_voor": dt.date.fromisoformat(v["betalen_voor"]) if v["betalen_voor"] else None,
        }
        for v in s.get("voorbeelden", [])
    ]
    overgeslagen = [
        {**o, "stap_label": STAP_LABELS.get(o["stap"], o["stap"])}
        for o in s.get("voorbeelden_overgeslagen", [])
    ]
    # What the BRP says about a person (died, not at the address) shown next to their name is
    # personal data from the BRP: its display is logged.
    brp_getoond = [
        o["debiteur_id"]
        for o in overgeslagen
        if o.get("debiteur_id") and o["reden"].startswith("adres in onderzoek")
    ]
    if brp_getoond:
        verwerking_log(
            user=request.user,
            debiteuren=Debiteur.objects.filter(pk__in=brp_getoond).only("soort"),
            doel=f"{DOEL_INVORDERING}: adres controleren",
            activiteit=f"adres in onderzoek getoond in invorderingsrun {r.datum:%d-%m-%Y}",
        )
    # The BRP said a letter cannot reach these debtors (issue #18): named apart in the preview.
    adres_in_onderzoek = sum(
        aantal
        for reden, aantal in (s.get("overgeslagen") or {}).items()
        if reden.startswith("adres in onderzoek")
    )
    return render(
        request,
        "invordering/run.html",
        {
            "run": r,
            "s": s,
            "adres_in_onderzoek": adres_in_onderzoek,
            "per_stap": per_stap,
            "voorbeelden": voorbeelden,
            "overgeslagen": overgeslagen,
            "is_voorstel": r.status == RunStatus.VOORSTEL,
            "heeft_overdracht": r.stappen.filter(stap__in=[Stap.DWANGBEVEL, Stap.EXTERN]).exists(),
        },
    )


def _bevestiging(run) -> dict:
    """What the confirmation states, all from the preview's figures (samenvatting)."""
    s = run.samenvatting or {}
    per_stap = [
        {
            "stap": stap,
            "label": STAP_LABELS.get(stap, stap),
            "overdracht": stap in (Stap.DWANGBEVEL, Stap.EXTERN),
            **cijfers,
        }
        for stap, cijfers in (s.get("per_stap") or {}).items()
    ]
    return {
        "per_stap": per_stap,
        "aantal": s.get("aantal", 0),
        "brieven": s.get("brieven", s.get("aantal", 0)),
        "debiteuren": s.get("debiteuren"),
        "kosten": s.get("kosten", 0),
        "rente": s.get("rente", 0),
        "openstaand": s.get("openstaand", 0),
        "overgeslagen": s.get("overgeslagen") or {},
        "aantal_overgeslagen": s.get("aantal_overgeslagen", 0),
    }


def _bevestigen_render(request, r, form, status=200):
    return render(
        request,
        "invordering/run_bevestigen.html",
        {"run": r, "b": _bevestiging(r), "form": form, "kenmerk": run_kenmerk(r)},
        status=status,
    )


@balie_view("inningen.uitvoeren_invorderingsrun")
def run_bevestigen(request, pk):
    """The confirmation step before a run sends its letters: what will happen, sample letters,
    and an explicit "ik heb gecontroleerd"."""
    r = _run_voor(request.user, pk)
    if r.status != RunStatus.VOORSTEL:
        messages.error(
            request, f"Deze run is niet (meer) goed te keuren: {r.get_status_display()}."
        )
        return redirect("balie:run", r.pk)
    form = RunBevestigenForm(initial={"kenmerk": run_kenmerk(r)})
    return _bevestigen_render(request, r, form)


@require_POST
@balie_view("inningen.uitvoeren_invorderingsrun")
def run_goedkeuren(request, pk):
    r = _run_voor(request.user, pk)
    form = RunBevestigenForm(request.POST)
    if not form.is_valid():
        # Nothing approved: the confirmation again, with what is missing.
        return _bevestigen_render(request, r, form, status=400)
    try:
        invorderingsrun_approve(
            run=r, door=request.user.get_username(), forceer=form.cleaned_data["forceer"],
            kenmerk=form.cleaned_data["kenmerk"],
        )  # fmt: skip
    except GoedkeuringFout as exc:
        messages.error(request, str(exc))
        r.refresh_from_db(fields=["status"])
        if r.status == RunStatus.VOORSTEL:
            # Still to approve (forceren, or the figures changed): the confirmation again.
            return redirect("balie:run_bevestigen", r.pk)
    else:
        messages.success(request, "Goedgekeurd: de run wordt uitgevoerd.")
    return redirect("balie:run", r.pk)


@balie_view("inningen.uitvoeren_invorderingsrun")
def run_voorbeeldbrief(request, pk, stap):
    """A sample letter of one step of a preview, built as the run builds it, marked VOORBEELD
    and not stored. It shows a person's name and address: logged."""
    r = _run_voor(request.user, pk)
    if r.status != RunStatus.VOORSTEL or stap not in STAP_LABELS:
        raise Http404("Geen voorbeeld van deze run.")
    voorbeeld = invorderingsrun_voorbeeldbrief(
        run=r, stap=stap, mag_geheim=request.user.has_perm("inningen.bekijken_geheim_adres")
    )
    if voorbeeld is None:
        raise Http404("Voor deze stap is geen voorbeeldbrief te maken.")
    gegevens, debiteur = voorbeeld
    verwerking_log(
        user=request.user,
        debiteuren=[debiteur],
        doel=DOEL_INVORDERING,
        activiteit=f"voorbeeldbrief {STAP_LABELS[stap].lower()} invorderingsrun "
        f"{r.datum:%d-%m-%Y} getoond",
    )
    if request.GET.get("formaat") == "html":
        nonce = str(getattr(request, "csp_nonce", "") or "")
        return HttpResponse(brief_voorbeeld_html(gegevens=gegevens, csp_nonce=nonce))
    response = HttpResponse(brief_voorbeeld_pdf(gegevens=gegevens), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"voorbeeld-{stap}-{r.datum:%Y-%m-%d}.pdf"
    )
    return response


def _csv(naam: str, kop: list[str], rijen) -> HttpResponse:
    response = HttpResponse(csv_tekst(kop, rijen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{naam}"'
    return response


def _debiteuren_van(vordering_ids: list[int]) -> list[Debiteur]:
    """The debtors of these claims, in chunks (a run has up to 100,000 claims)."""
    debiteuren: dict[int, Debiteur] = {}
    for start in range(0, len(vordering_ids), 10_000):
        deel = vordering_ids[start : start + 10_000]
        for d in Debiteur.objects.filter(vorderingen__pk__in=deel).distinct():
            debiteuren[d.pk] = d
    return list(debiteuren.values())


@balie_view("inningen.view_invorderingsrun")
def run_lijst(request, pk):
    """Every claim of the run: for a preview the plan computed now, for a run what was done."""
    r = _run_voor(request.user, pk)
    if r.status == RunStatus.VOORSTEL:
        plan = invordering_plan(organisatie=r.organisatie, datum=r.datum)
        rijen = list(plan_rijen(plan))
        debiteuren = _debiteuren_van(
            [v.vordering_id for v in plan.voorstellen] + [o.vordering_id for o in plan.overgeslagen]
        )
    else:
        stappen = list(r.stappen.select_related("vordering__debiteur").order_by("vordering_id"))
        rijen = [
            [s.vordering.vorderingnummer, s.vordering.debiteur.naam if s.vordering.debiteur else "",
             s.stap, s.openstaand, s.kosten, s.rente, s.betalen_voor or "", ""]
            for s in stappen
        ]  # fmt: skip
        debiteuren = list({s.vordering.debiteur for s in stappen if s.vordering.debiteur})
    # The list names the debtors: its download is a processing to log, as the hand-over file.
    verwerking_log(
        user=request.user,
        debiteuren=debiteuren,
        doel=DOEL_INVORDERING,
        activiteit=f"lijst invorderingsrun {r.datum:%d-%m-%Y} gedownload",
    )
    return _csv(f"invorderingsrun-{r.organisatie.rsin}-{r.datum}.csv", PLAN_KOLOMMEN, rijen)


@balie_view("inningen.view_invorderingsrun")
def run_overdracht(request, pk):
    """What was handed over to the bailiff or collection agency in this run."""
    r = _run_voor(request.user, pk)
    stappen = (
        Invorderingsstap.objects.filter(run=r, stap__in=[Stap.DWANGBEVEL, Stap.EXTERN])
        .select_related("vordering__debiteur")
        .order_by("vordering_id")
    )
    kop = ["vorderingnummer", "factuurnummer", "tsa", "betalingskenmerk", "soort", "debiteur",
           "bsn", "kvk", "adres", "vervaldatum", "oorspronkelijk_bedrag_cent", "kosten_cent",
           "rente_cent", "openstaand_cent", "publiekrechtelijk"]  # fmt: skip
    rijen = []
    for s in stappen:
        v, d = s.vordering, s.vordering.debiteur
        rijen.append([
            v.vorderingnummer, v.factuurkenmerk, v.tsa, v.betalingskenmerk, s.stap,
            d.naam if d else "", d.bsn if d else "", d.kvk_nummer if d else "",
            ", ".join(d.adres_regels) if d else "", v.vervaldatum or "", v.totaalbedrag_incl_btw,
            s.kosten, s.rente, s.openstaand + s.kosten + s.rente, "J" if v.publiekrechtelijk else "N",
        ])  # fmt: skip
    # The hand-over file carries BSNs and addresses: its download is a processing to log.
    verwerking_log(
        user=request.user,
        debiteuren=[s.vordering.debiteur for s in stappen if s.vordering.debiteur],
        doel=DOEL_INVORDERING,
        activiteit=f"overdrachtsbestand invorderingsrun {r.datum:%d-%m-%Y} gedownload",
    )
    return _csv(f"overdracht-{r.organisatie.rsin}-{r.datum}.csv", kop, rijen)
