"""The invorderaar's run screens: previews (dry runs) of the invorderingsrun, approval, results
and the hand-over export. Thin: the plan and execution are services/invordering.py."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inningen.balie.lijsten import Kolom, Lijst
from inningen.balie.views.balie import balie_view
from inningen.choices import Invorderingsstap as Stap
from inningen.choices import RunStatus
from inningen.csvbestand import csv_tekst
from inningen.debiteuren.models import Debiteur
from inningen.invordering.models import Invorderingsrun, Invorderingsstap
from inningen.invordering.services.invordering import (
    PLAN_KOLOMMEN,
    GoedkeuringFout,
    invordering_plan,
    invorderingsrun_approve,
    invorderingsrun_propose,
    plan_rijen,
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


@require_POST
@balie_view("inningen.uitvoeren_invorderingsrun")
def run_goedkeuren(request, pk):
    r = _run_voor(request.user, pk)
    try:
        invorderingsrun_approve(
            run=r, door=request.user.get_username(), forceer=request.POST.get("forceer") == "1"
        )
    except GoedkeuringFout as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Goedgekeurd: de run wordt uitgevoerd.")
    return redirect("balie:run", r.pk)


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
