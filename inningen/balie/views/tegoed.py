"""Credit (tegoed) screens: offsetting it against the debtor's open claims (preview, then
book with a letter), refund proposals, their four-eyes work list and the credit transfer files.

Thin views: scoping in the selectors and services (which take the user), rules and writes in
the services. Names and IBANs of natural persons shown or exported are logged.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from inningen.balie.forms.tegoed import TerugbetalingForm
from inningen.balie.lijsten import Kolom, Lijst
from inningen.balie.selectors.tegoed import (
    bestand_for_user,
    bestanden_for_user,
    betrokken_debiteuren,
    debiteuren_van_rekeningen,
    goedgekeurd_zonder_bestand,
    te_beoordelen,
    tegoed_van_debiteur,
    tegoeden_for_user,
    terug_te_betalen_zonder_voorstel,
)
from inningen.balie.views.balie import balie_view
from inningen.balie.views.vier_ogen import besluit_handle
from inningen.bedragen import euro
from inningen.betalingen.models import Terugbetaling
from inningen.betalingen.services.tegoed import tegoed_saldo
from inningen.choices import VoorstelStatus
from inningen.grootboek.selectors import debiteur_for_user
from inningen.invordering.services.tegoed import (
    TerugbetaalFout,
    tegenrekeningen,
    tegoed_verrekenen,
    terugbetaalbestand_create,
    terugbetaling_propose,
    terugbetaling_review,
    verrekening_plan,
)
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisatie_ids_for_user
from inningen.verwerkingen.services import (
    DOEL_INVORDERING,
    verwerking_log,
    verwerking_log_tegenpartijen,
)


def _organisatie(request, org_pk) -> Organisatie:
    return get_object_or_404(
        Organisatie.objects.filter(pk__in=organisatie_ids_for_user(request.user)), pk=org_pk
    )


def _terug(deb) -> str:
    return reverse("balie:debiteur", args=[deb.pk]) + "#tegoed"


TEGOEDEN = Lijst(
    naam="tegoeden",
    titel="Tegoeden",
    kolommen=[
        Kolom("debiteur", "Debiteur", "debiteur__zoeknaam", lambda r: str(r.debiteur)),
        Kolom("organisatie", "Organisatie", "organisatie_naam", lambda r: r.organisatie_naam),
        Kolom("tegoed", "Tegoed", "tegoed", lambda r: r.tegoed, bedrag=True, klasse="bedrag"),
        Kolom("open", "Open vorderingen", "open_aantal", lambda r: r.open_aantal, klasse="bedrag"),
        Kolom(
            "openstaand",
            "Openstaand",
            "open_bedrag",
            lambda r: r.open_bedrag,
            bedrag=True,
            klasse="bedrag",
        ),
        Kolom("actie", "Actie"),
    ],
    # Aggregated rows (a list, largest credit first): sorted and filtered in Python.
    organisatie="organisatie_id",
    tekst=("debiteur__naam",),
    tekst_label="Naam",
    personen=lambda r: [r.debiteur],
)


@balie_view("inningen.verrekenen_tegoed")
def tegoeden(request):
    """Debtors with credit, largest first: where to offset or refund."""
    lijst = TEGOEDEN.toepassen(request, tegoeden_for_user(request.user))
    if lijst.export:
        return lijst.export_response()
    verwerking_log(
        user=request.user,
        debiteuren=[r.debiteur for r in lijst.rijen],
        doel=DOEL_INVORDERING,
        activiteit="werklijst tegoeden getoond",
    )
    return render(request, "balie/tegoed_lijst.html", {"regels": lijst.rijen, "lijst": lijst})


@require_http_methods(["GET", "POST"])
@balie_view("inningen.verrekenen_tegoed")
def verrekenen(request, pk, org_pk):
    """GET: what offsetting would do now; POST: do it (the service computes it again)."""
    deb = debiteur_for_user(request.user, pk)
    org = _organisatie(request, org_pk)
    if request.method == "POST":
        try:
            uitkomst, _brief = tegoed_verrekenen(organisatie=org, debiteur=deb, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{euro(uitkomst.totaal)} tegoed verrekend met {len(uitkomst.regels)} "
                f"vordering(en); de debiteur krijgt een brief. Resterend tegoed "
                f"{euro(uitkomst.tegoed_na)}.",
            )
        return redirect(_terug(deb))
    plan = verrekening_plan(organisatie_id=org.pk, debiteur_id=deb.pk)
    verwerking_log(
        user=request.user,
        debiteuren=[deb],
        doel=DOEL_INVORDERING,
        activiteit="inzage verrekening tegoed",
    )
    return render(
        request,
        "balie/tegoed_verrekenen.html",
        {
            "d": deb,
            "organisatie": org,
            "tegoed": tegoed_saldo(organisatie_id=org.pk, debiteur_id=deb.pk),
            "plan": plan,
            "totaal": sum(b for _, b in plan),
        },
    )


@require_http_methods(["GET", "POST"])
@balie_view("inningen.add_terugbetaling")
def terugbetaling_nieuw(request, pk, org_pk):
    deb = debiteur_for_user(request.user, pk)
    org = _organisatie(request, org_pk)
    betalingen = tegenrekeningen(organisatie_id=org.pk, debiteur_id=deb.pk)
    form = TerugbetalingForm(request.POST or None, betalingen=betalingen)
    if request.method == "POST" and form.is_valid():
        try:
            terugbetaling_propose(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for bericht in exc.messages:
                form.add_error(None, bericht)
        else:
            messages.success(request, "Terugbetaling voorgesteld; een collega beoordeelt haar.")
            return redirect(_terug(deb))
    # The choices show the debtor's IBANs and names.
    verwerking_log(
        user=request.user,
        debiteuren=[deb],
        doel=DOEL_INVORDERING,
        activiteit="inzage tegenrekeningen voor terugbetaling",
    )
    regels = tegoed_van_debiteur(request.user, deb.pk)
    regel = next((r for r in regels if r.organisatie.pk == org.pk), None)
    return render(
        request,
        "balie/tegoed_terugbetaling.html",
        {"d": deb, "organisatie": org, "regel": regel, "form": form},
    )


TERUGBETALINGEN = Lijst(
    naam="terugbetalingen-te-beoordelen",
    titel="Terugbetalingen te beoordelen",
    kolommen=[
        Kolom("voorgesteld", "Voorgesteld", "voorgesteld_op", lambda t: t.voorgesteld_op),
        Kolom("debiteur", "Debiteur", "debiteur__zoeknaam", lambda t: str(t.debiteur or "")),
        Kolom("organisatie", "Organisatie", "organisatie__naam", lambda t: t.organisatie.naam),
        Kolom("rekening", "Naar rekening", "iban", lambda t: f"{t.iban} {t.naam}".strip()),
        Kolom("reden", "Reden", None, lambda t: t.reden),
        Kolom(
            "door",
            "Door",
            "voorgesteld_door__username",
            lambda t: t.voorgesteld_door.get_username(),
        ),
        Kolom("bedrag", "Bedrag", "bedrag", lambda t: t.bedrag, bedrag=True, klasse="bedrag"),
        Kolom("beoordeling", "Beoordeling"),
    ],
    standaard=("voorgesteld_op", "pk"),
    organisatie="organisatie_id",
    datum="voorgesteld_op",
    datum_label="Voorgesteld",
    tekst=("debiteur__zoeknaam", "debiteur__statutaire_naam", "naam", "iban", "reden"),
    tekst_label="Naam, IBAN of reden",
    personen=lambda t: [t.debiteur] if t.debiteur_id else [],
    tegenpartijen=lambda t: [] if t.debiteur_id else [(t.naam, t.iban)],
)


@balie_view("inningen.beoordelen_terugbetaling")
def terugbetalingen(request):
    """The work list: proposals to approve or reject, approved refunds awaiting a file, files."""
    lijst = TERUGBETALINGEN.toepassen(request, te_beoordelen(request.user))
    if lijst.export:
        return lijst.export_response()
    voorstellen = list(lijst.pagina(50))
    goedgekeurd = list(goedgekeurd_zonder_bestand(request.user)[:500])
    # Receipts marked to pay back in the work list, not yet (fully) proposed: where to start.
    gemarkeerd = terug_te_betalen_zonder_voorstel(request.user)
    per_organisatie: dict[int, dict] = {}
    for t in goedgekeurd:
        groep = per_organisatie.setdefault(
            t.organisatie_id, {"organisatie": t.organisatie, "aantal": 0, "totaal": 0}
        )
        groep["aantal"] += 1
        groep["totaal"] += t.bedrag
    verwerking_log(
        user=request.user,
        debiteuren=[
            *betrokken_debiteuren(voorstellen + goedgekeurd),
            *debiteuren_van_rekeningen(b.tegenrekening for b in gemarkeerd),
        ],
        doel=DOEL_INVORDERING,
        activiteit="werklijst terugbetalingen getoond",
    )
    verwerking_log_tegenpartijen(
        user=request.user,
        tegenpartijen=[
            *((t.naam, t.iban) for t in voorstellen + goedgekeurd if not t.debiteur_id),
            *((b.naam, b.tegenrekening) for b in gemarkeerd),
        ],
        doel=DOEL_INVORDERING,
        activiteit="werklijst terugbetalingen getoond",
    )
    return render(
        request,
        "balie/tegoed_terugbetalingen.html",
        {
            "voorstellen": voorstellen,
            "pagina": lijst.pagina(50),
            "lijst": lijst,
            "goedgekeurd": goedgekeurd,
            "per_organisatie": list(per_organisatie.values()),
            "gemarkeerd": gemarkeerd,
            "bestanden": list(bestanden_for_user(request.user)[:50]),
        },
    )


@require_POST
@balie_view("inningen.beoordelen_terugbetaling")
def terugbetaling_beoordeel(request, pk):
    tb = get_object_or_404(
        Terugbetaling.objects.filter(
            organisatie_id__in=organisatie_ids_for_user(request.user),
            status=VoorstelStatus.VOORGESTELD,
        ),
        pk=pk,
    )
    return besluit_handle(
        request,
        review=lambda **besluit: terugbetaling_review(
            terugbetaling=tb, user=request.user, **besluit
        ),
        terug="balie:terugbetalingen",
        onderwerp=f"Terugbetaling van {euro(tb.bedrag)}",
    )


@require_POST
@balie_view("inningen.beoordelen_terugbetaling")
def terugbetaalbestand_nieuw(request, org_pk):
    org = _organisatie(request, org_pk)
    try:
        bestand = terugbetaalbestand_create(organisatie=org, user=request.user)
    except TerugbetaalFout as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("balie:terugbetalingen")
    if bestand is None:
        messages.info(request, f"Geen goedgekeurde terugbetalingen van {org.naam} te betalen.")
    else:
        messages.success(
            request,
            f"Betaalbestand {bestand.berichtid} gemaakt: {bestand.aantal} terugbetaling(en), "
            f"{euro(bestand.totaal)}. Download het en lever het aan bij de bank.",
        )
    return redirect("balie:terugbetalingen")


@balie_view("inningen.beoordelen_terugbetaling")
def terugbetaalbestand_download(request, pk):
    bestand = bestand_for_user(request.user, pk)
    if bestand is None:
        raise Http404("Betaalbestand niet gevonden.")
    # The file holds the names and IBANs of the debtors it pays and of the counterparties of
    # refunds without debtor (logged as debtors where known, else as the counterparty).
    terugbetalingen = list(Terugbetaling.objects.filter(bestand=bestand).select_related("debiteur"))
    verwerking_log(
        user=request.user,
        debiteuren=betrokken_debiteuren(terugbetalingen),
        doel=DOEL_INVORDERING,
        activiteit=f"download betaalbestand terugbetalingen {bestand.berichtid}",
    )
    verwerking_log_tegenpartijen(
        user=request.user,
        tegenpartijen=[(t.naam, t.iban) for t in terugbetalingen if not t.debiteur_id],
        doel=DOEL_INVORDERING,
        activiteit=f"download betaalbestand terugbetalingen {bestand.berichtid}",
    )
    response = HttpResponse(bestand.xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="terugbetalingen-{bestand.uitvoerdatum:%Y%m%d}-{bestand.pk}.xml"'
    )
    return response
