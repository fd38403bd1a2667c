"""Screens of the invorderaar for bank statements: upload and the manual work list.

Thin: they check login, permission and the user's organisations, and call the services.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from inningen.balie.forms.balie import (
    AfschriftUploadForm,
    MatchForm,
    OpmerkingForm,
    ZoekForm,
)
from inningen.balie.forms.tegoed import RestTerugbetalingForm
from inningen.balie.lijsten import Kolom, Lijst
from inningen.balie.selectors.tegoed import debiteuren_van_rekeningen, rest_terugbetalingen
from inningen.bedragen import euro
from inningen.betalingen.models import Afschriftimport, Betaling, ImportStatus
from inningen.betalingen.selectors import (
    MAX_SUGGESTIES,
    MAX_ZOEKRESULTATEN,
    betaling_suggesties,
    verdeling_voorstellen,
    volgorde_sleutel,
    vorderingen_zoeken,
    werklijst_betalingen,
)
from inningen.betalingen.selectors import (
    WERKLIJST_STATUSSEN as WERKLIJST_TABS,
)
from inningen.betalingen.services.afschriften import AfschriftFout
from inningen.betalingen.services.afschriftimport import AlInWachtrij, afschriftimport_create
from inningen.betalingen.services.betalingen import (
    BetalingFout,
    betaling_allocate,
    betaling_overlap_book,
    betaling_overlap_confirm,
    betaling_park,
    betaling_refund_mark,
)
from inningen.choices import RETOURREDENEN, BetalingStatus, VoorstelStatus
from inningen.grootboek.models import Vordering
from inningen.invordering.services.tegoed import terugbetaling_rest_propose
from inningen.organisaties.selectors import organisaties_for_user
from inningen.verwerkingen.services import (
    DOEL_INVORDERING,
    verwerking_log,
    verwerking_log_tegenpartijen,
)

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


AFSCHRIFTIMPORTEN = Lijst(
    naam="afschriftimporten",
    titel="Aangeboden bankafschriften",
    kolommen=[
        Kolom("aangeboden", "Aangeboden", "aangemaakt", lambda i: i.aangemaakt),
        Kolom("bestand", "Bestand", "bestandsnaam", lambda i: i.bestandsnaam),
        Kolom(
            "organisatie",
            "Organisatie",
            "organisatie__naam",
            lambda i: i.organisatie.naam if i.organisatie else "",
        ),
        Kolom("door", "Door", "door", lambda i: i.door),
        Kolom("status", "Status", "status", lambda i: i.get_status_display()),
        Kolom("actie", "Actie", kop_verborgen=True),
    ],
    standaard=("-aangemaakt", "-pk"),
    organisatie="organisatie_id",
    status="status",
    statussen=tuple(ImportStatus.choices),
    datum="aangemaakt",
    datum_label="Aangeboden",
    tekst=("bestandsnaam", "door"),
    tekst_label="Bestand of door",
)


@login_required
@permission_required("inningen.import_afschrift", raise_exception=True)
@require_http_methods(["GET", "POST"])
def afschrift_upload(request):
    """Store the file and queue its import; the answer is the import's status page (#16: a
    large statement takes longer than a proxy waits for a request)."""
    form = AfschriftUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        bestand = form.cleaned_data["bestand"]
        if bestand.size > _MAX_UPLOAD:
            form.add_error("bestand", "Bestand is te groot.")
        else:
            try:
                imp = afschriftimport_create(
                    bestand=bestand, bestandsnaam=bestand.name, user=request.user
                )
            except AfschriftFout as exc:
                form.add_error("bestand", f"Geweigerd, niets ingelezen: {exc}")
            except AlInWachtrij as exc:
                zichtbaar = exc.bestaand and (
                    Afschriftimport.objects.for_user(request.user)
                    .filter(pk=exc.bestaand.pk)
                    .exists()
                )
                messages.warning(
                    request,
                    "Dit bestand staat al in de wachtrij of wordt nu ingelezen; het wordt niet "
                    "twee keer ingelezen.",
                )
                if zichtbaar:
                    return redirect("inningen:afschriftimport", pk=exc.bestaand.pk)
            else:
                return redirect("inningen:afschriftimport", pk=imp.pk)
    lijst = AFSCHRIFTIMPORTEN.toepassen(
        request, Afschriftimport.objects.for_user(request.user).select_related("organisatie")
    )
    if lijst.export:
        return lijst.export_response()
    return render(
        request,
        "inningen/afschrift_upload.html",
        {"form": form, "pagina": lijst.pagina(20), "lijst": lijst},
    )


def _afschriftimport_voor(user, pk) -> Afschriftimport:
    return get_object_or_404(
        Afschriftimport.objects.for_user(user).select_related("organisatie"),
        pk=pk,
    )


@login_required
@permission_required("inningen.import_afschrift", raise_exception=True)
def afschriftimport_detail(request, pk):
    imp = _afschriftimport_voor(request.user, pk)
    return render(request, "inningen/afschriftimport.html", {"imp": imp})


@login_required
@permission_required("inningen.import_afschrift", raise_exception=True)
def afschriftimport_status(request, pk):
    """The status page's poller (static JS) reads this."""
    imp = _afschriftimport_voor(request.user, pk)
    return JsonResponse(
        {
            "status": imp.status,
            "status_tekst": imp.get_status_display(),
            "afgelopen": imp.afgelopen,
            "verwerkt": imp.verwerkt,
            "totaal": imp.totaal,
            "procent": imp.procent,
            "voortgang_tekst": imp.voortgang_tekst,
            "samenvatting": imp.samenvatting,
            "foutmelding": imp.foutmelding,
        },
        headers={"Cache-Control": "no-store"},
    )


WERKLIJST = Lijst(
    naam="werklijst-betalingen",
    titel="Werklijst betalingen",
    kolommen=[
        Kolom("boekdatum", "Boekdatum", "boekdatum", lambda b: b.boekdatum),
        Kolom("organisatie", "Organisatie", "organisatie__naam", lambda b: b.organisatie.naam),
        Kolom("naam", "Naam", "naam", lambda b: b.naam),
        Kolom("iban", "IBAN", "tegenrekening", lambda b: b.tegenrekening),
        Kolom(
            "omschrijving",
            "Omschrijving",
            None,
            lambda b: " ".join(p for p in (b.omschrijving, b.betalingskenmerk) if p),
        ),
        Kolom("bedrag", "Bedrag", "bedrag", lambda b: b.bedrag, bedrag=True, klasse="bedrag"),
        Kolom(
            "rest",
            "Te verdelen",
            "restbedrag",
            lambda b: b.restbedrag,
            bedrag=True,
            klasse="bedrag",
        ),
        Kolom("actie", "Actie", kop_verborgen=True),
    ],
    standaard=("boekdatum", "pk"),
    organisatie="organisatie_id",
    # The tabs of before #19 are the status choice: one status at a time, unmatched first.
    status="status",
    statussen=tuple((s.value, s.label) for s in WERKLIJST_TABS),
    status_standaard=(BetalingStatus.ONGEMATCHT,),
    datum="boekdatum",
    datum_label="Boekdatum",
    tekst=("naam", "tegenrekening", "omschrijving", "betalingskenmerk"),
    tekst_label="Naam, IBAN, omschrijving of kenmerk",
    personen=lambda b: [b.debiteur] if b.debiteur_id else [],
    tegenpartijen=lambda b: [] if b.debiteur_id else [(b.naam, b.tegenrekening)],
)


@login_required
@permission_required("inningen.view_betaling", raise_exception=True)
def werklijst(request):
    lijst = WERKLIJST.toepassen(
        request,
        werklijst_betalingen(organisaties=organisaties_for_user(request.user), status=None),
    )
    if lijst.export:
        return lijst.export_response()
    pagina = lijst.pagina(50)
    _tegenpartijen_log(request.user, list(pagina), activiteit="werklijst betalingen")
    status = lijst.form.gekozen_status()
    return render(
        request,
        "inningen/werklijst.html",
        {
            "pagina": pagina,
            "lijst": lijst,
            "status": status,
            "statussen": [(s.value, s.label) for s in WERKLIJST_TABS],
        },
    )


def _tegenpartijen_log(user, betalingen, *, activiteit: str) -> None:
    """The screen shows the counterparties' names and accounts: logged per debtor where the entry
    has one, else as the counterparty itself (a statement does not say who is a person)."""
    verwerking_log(
        user=user,
        debiteuren=[b.debiteur for b in betalingen if b.debiteur_id],
        doel=DOEL_INVORDERING,
        activiteit=activiteit,
    )
    verwerking_log_tegenpartijen(
        user=user,
        tegenpartijen=[(b.naam, b.tegenrekening) for b in betalingen if not b.debiteur_id],
        doel=DOEL_INVORDERING,
        activiteit=activiteit,
    )


def _zoek(user, betaling: Betaling, zoekform: ZoekForm) -> list[Vordering]:
    # Only validated input reaches the query (a NUL character, say, is a form error).
    if not (zoekform.is_bound and zoekform.is_valid()):
        return []
    return vorderingen_zoeken(
        user=user, betaling=betaling, q=zoekform.cleaned_data["q"], bedrag=zoekform.bedrag()
    )


_KEUZE = re.compile(r"^(?:kies|bedrag)_(\d{1,13})$")


def _gekozen_vorderingen(user, betaling: Betaling, post) -> list[Vordering]:
    """The claims a posted match form names, read again within the user's scope and the
    entry's organisation (at most MAX_ZOEKRESULTATEN + MAX_SUGGESTIES)."""
    pks = {int(m.group(1)) for m in map(_KEUZE.match, post) if m}
    if not pks:
        return []
    return list(
        Vordering.objects.for_user(user)
        .filter(
            organisatie=betaling.organisatie,
            pk__in=sorted(pks)[: MAX_ZOEKRESULTATEN + MAX_SUGGESTIES],
        )
        .select_related("debiteur")
        .order_by("pk")
    )


@login_required
@permission_required("inningen.view_betaling", raise_exception=True)
@require_http_methods(["GET", "POST"])
def betaling_detail(request, pk):
    betaling = _betaling_voor(request.user, pk)
    op_werklijst = betaling.status in WERKLIJST_STATUSSEN
    kan_matchen = op_werklijst and betaling.bedrag > 0 and betaling.restbedrag > 0
    zoekform = ZoekForm(request.GET or None)
    gevonden = _zoek(request.user, betaling, zoekform) if kan_matchen else []
    suggesties = betaling_suggesties(user=request.user, betaling=betaling) if kan_matchen else []
    gekozen = []
    if request.method == "POST":
        if not request.user.has_perm("inningen.change_betaling"):
            raise PermissionDenied
        gekozen = _gekozen_vorderingen(request.user, betaling, request.POST)
    # One row per claim: the ones posted first (so an error shows what was picked), then the
    # suggestions and the search results.
    rijen: dict[int, Vordering] = {v.pk: v for v in gekozen}
    redenen = {s.vordering.pk: s.redenen for s in suggesties}
    for v in [s.vordering for s in suggesties] + gevonden:
        rijen.setdefault(v.pk, v)
    matchform = MatchForm(
        request.POST if request.method == "POST" else None, vorderingen=rijen.values()
    )
    # A key posted for a claim outside the scope (or of another organisation) is refused.
    onbekend = sorted({int(m.group(1)) for m in map(_KEUZE.match, request.POST) if m} - set(rijen))
    if request.method == "POST" and onbekend:
        messages.error(
            request,
            f"Vordering(en) niet gevonden bij {betaling.organisatie}: niets toegerekend.",
        )
    elif request.method == "POST" and kan_matchen and matchform.is_valid():
        toewijzingen, leeg = verdeling_voorstellen(
            rest=betaling.restbedrag, gekozen=matchform.cleaned_data["gekozen"]
        )
        if leeg:
            messages.error(
                request,
                "Er is niets meer te verdelen voor vordering "
                + ", ".join(v.vorderingnummer for v in leeg)
                + ": vul bedragen in of kies minder vorderingen.",
            )
        else:
            try:
                betaling_allocate(
                    betaling=betaling, door=request.user.get_username(), toewijzingen=toewijzingen
                )
            except BetalingFout as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    "Betaling toegerekend: "
                    + ", ".join(f"{v.vorderingnummer} {euro(c)}" for v, c in toewijzingen)
                    + ".",
                )
                return redirect("inningen:betaling", pk=betaling.pk)
    elif request.method == "POST" and not kan_matchen:
        messages.error(request, "Deze betaling staat niet (meer) op de werklijst.")
    # The order in which empty amounts are filled (the static script previews it).
    volgorde = {v.pk: i for i, v in enumerate(sorted(rijen.values(), key=volgorde_sleutel))}
    terugbetaling = _terugbetaling_context(request.user, betaling)
    if not betaling.debiteur_id:
        _tegenpartijen_log(
            request.user, [betaling], activiteit=f"betaling {betaling.pk}: tegenpartij"
        )
    # The rows name debtors: showing them is a processing of personal data (AVG), logged; with
    # a refund to the counterparty, also the debtors known to hold that account.
    verwerking_log(
        user=request.user,
        debiteuren=(
            ([betaling.debiteur] if betaling.debiteur else [])
            + [v.debiteur for v in rijen.values() if v.debiteur]
            + (
                list(debiteuren_van_rekeningen([betaling.tegenrekening]))
                if terugbetaling["terugbetalingen"] or terugbetaling["terugbetaalform"]
                else []
            )
        ),
        doel=DOEL_INVORDERING,
        activiteit=f"betaling {betaling.pk} matchen: vorderingen getoond",
    )
    return render(
        request,
        "inningen/betaling_detail.html",
        {
            "betaling": betaling,
            "retourreden": RETOURREDENEN.get(betaling.retourcode, ""),
            "zoekform": zoekform,
            "kan_matchen": kan_matchen,
            "niets_gevonden": bool(zoekform.is_bound and zoekform.is_valid() and not gevonden),
            "rijen": [
                (v, *matchform.rij(v), redenen.get(v.pk, []), volgorde[v.pk])
                for v in rijen.values()
            ],
            "matchform": matchform,
            # Two forms with the same field on one page: distinct ids (#19).
            "opmerkingform": OpmerkingForm(auto_id="parkeren-%s"),
            "dubbelform": OpmerkingForm(auto_id="dubbel-%s"),
            "op_werklijst": op_werklijst,
            "boekingen": betaling.boekingen.select_related("vordering").order_by("pk"),
            **terugbetaling,
        },
    )


def _terugbetaling_context(user, betaling: Betaling, form=None) -> dict:
    """The refunds of the entry's rest and, when one can still be proposed by this user, the
    form (the amount prefilled with what is free)."""
    terugbetalingen = rest_terugbetalingen(betaling.pk) if betaling.bedrag > 0 else []
    kan = (
        user.has_perm("inningen.add_terugbetaling")
        and betaling.status in WERKLIJST_STATUSSEN
        and betaling.bedrag > 0
        and betaling.restbedrag > 0
        and bool(betaling.tegenrekening)
    )
    vrij = betaling.restbedrag - sum(
        t.bedrag for t in terugbetalingen if t.status == VoorstelStatus.VOORGESTELD
    )
    if kan and form is None and vrij > 0:
        form = RestTerugbetalingForm(initial={"bedrag": euro(vrij).removeprefix("€ ")})
    return {
        "terugbetalingen": terugbetalingen,
        "terugbetaalform": form if kan else None,
        "terugbetaal_vrij": vrij,
    }


@login_required
@permission_required("inningen.add_terugbetaling", raise_exception=True)
@require_POST
def betaling_terugbetaling(request, pk):
    """Propose paying back (part of) the entry's rest to its own counter account; a colleague
    approves it on the work list Terugbetalingen (four eyes)."""
    betaling = _betaling_voor(request.user, pk)
    form = RestTerugbetalingForm(request.POST)
    if form.is_valid():
        try:
            terugbetaling_rest_propose(betaling=betaling, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Terugbetaling van {euro(form.cleaned_data['bedrag'])} voorgesteld; een collega "
                "beoordeelt haar op de werklijst Terugbetalingen.",
            )
    else:
        messages.error(request, " ".join(str(e) for fouten in form.errors.values() for e in fouten))
    return redirect(reverse("inningen:betaling", args=[betaling.pk]) + "#terugbetalen")


@login_required
@permission_required("inningen.change_betaling", raise_exception=True)
@require_POST
def betaling_actie(request, pk, actie):
    betaling = _betaling_voor(request.user, pk)
    form = OpmerkingForm(request.POST)
    opmerking = form.cleaned_data["opmerking"] if form.is_valid() else ""
    functie, gelukt = {
        "parkeren": (betaling_park, "Betaling geparkeerd."),
        "terugbetalen": (betaling_refund_mark, "Gemarkeerd om terug te betalen."),
        "dubbel": (betaling_overlap_confirm, "Bevestigd als dubbel: niet geboekt."),
        "alsnog-boeken": (betaling_overlap_book, "Geen dubbel: de post is alsnog geboekt."),
    }.get(actie, (None, ""))
    if functie is None:
        raise PermissionDenied
    try:
        functie(betaling=betaling, door=request.user.get_username(), opmerking=opmerking)
    except BetalingFout as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gelukt)
    return redirect("inningen:betaling", pk=betaling.pk)
