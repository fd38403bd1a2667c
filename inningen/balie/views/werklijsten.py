"""The invorderaar's work lists: claims without a debtor, failed or dead outgoing messages,
claims whose debtor's address is in onderzoek (issue #18).

(The bank-entry work list and statement upload live in views/betalingen.py.)
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from inningen.balie.lijsten import Kolom, Lijst
from inningen.balie.selectors.zoeken import zoek
from inningen.balie.services import (
    uitgaand_resend_for_user,
    vordering_debiteur_create,
    vordering_debiteur_link,
)
from inningen.balie.views.balie import balie_view, zoekvraag
from inningen.choices import Debiteursoort
from inningen.debiteuren.models.adres import ADRES_IN_ONDERZOEK, Adresstatus
from inningen.grootboek.models import Vordering
from inningen.grootboek.selectors import debiteuren_for_user
from inningen.invordering.selectors.adressen import adres_in_onderzoek as adres_in_onderzoek_lijst
from inningen.organisaties.selectors import organisaties_for_user
from inningen.verwerkingen.services import DOEL_INVORDERING, verwerking_log
from stuffin.models import UitgaandBericht, UitgaandStatus

PER_PAGINA = 50
# Debtor fields the "nieuwe debiteur" form may fill.
NPS_VELDEN = ("voorletters", "voornamen", "voorvoegsel_geslachtsnaam", "geslachtsnaam")
NNP_VELDEN = ("statutaire_naam", "rechtsvorm")
ADRES_VELDEN = ("straatnaam", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode",
                "woonplaats", "telefoonnummer", "emailadres")  # fmt: skip


ZONDER_DEBITEUR = Lijst(
    naam="vorderingen-zonder-debiteur",
    titel="Vorderingen zonder debiteur",
    kolommen=[
        Kolom("vordering", "Vordering", "vorderingnummer", lambda v: v.vorderingnummer),
        Kolom("organisatie", "Organisatie", "organisatie__naam", lambda v: v.organisatie.naam),
        Kolom("tsa", "TSA", "tsa", lambda v: v.tsa),
        Kolom("omschrijving", "Omschrijving", None, lambda v: v.algemene_factuuromschrijving),
        Kolom("ontvangen", "Ontvangen", "creatiedatum", lambda v: v.creatiedatum),
        Kolom(
            "bedrag",
            "Bedrag",
            "totaalbedrag_incl_btw",
            lambda v: v.totaalbedrag_incl_btw,
            bedrag=True,
            klasse="bedrag",
        ),
        Kolom("actie", "Actie", kop_verborgen=True),
    ],
    standaard=("creatiedatum", "pk"),
    organisatie="organisatie_id",
    datum="creatiedatum",
    datum_label="Ontvangen",
    tekst=("vorderingnummer", "tsa", "algemene_factuuromschrijving"),
    tekst_label="Vordering, TSA of omschrijving",
)


@balie_view("inningen.change_vordering")
def zonder_debiteur(request):
    lijst = ZONDER_DEBITEUR.toepassen(
        request,
        Vordering.objects.for_user(request.user).zonder_debiteur().select_related("organisatie"),
    )
    if lijst.export:
        return lijst.export_response()
    pagina = lijst.pagina(PER_PAGINA)
    return render(request, "balie/zonder_debiteur.html", {"pagina": pagina, "lijst": lijst})


def _gegevens(post, soort) -> dict:
    velden = (
        NPS_VELDEN if soort == Debiteursoort.NATUURLIJK_PERSOON else NNP_VELDEN
    ) + ADRES_VELDEN
    gegevens = {}
    for veld in velden:
        waarde = (post.get(veld) or "").strip()
        if veld == "huisnummer":
            waarde = int(waarde) if waarde.isdigit() else None
        elif veld == "postcode":
            waarde = waarde.replace(" ", "").upper()
        gegevens[veld] = waarde
    return gegevens


@require_http_methods(["GET", "POST"])
@balie_view("inningen.change_vordering")
def zonder_debiteur_behandelen(request, pk):
    vordering = get_object_or_404(
        Vordering.objects.for_user(request.user).select_related("organisatie"),
        pk=pk,
    )
    if vordering.debiteur_id is not None:
        messages.info(request, f"Vordering {vordering.vorderingnummer} heeft al een debiteur.")
        return redirect("balie:zonder_debiteur")
    fouten, invoer = {}, {}
    if request.method == "POST":
        actie = request.POST.get("actie")
        try:
            if actie == "koppelen":
                deb = get_object_or_404(
                    debiteuren_voor_koppelen(request.user), pk=request.POST.get("debiteur")
                )
                vordering_debiteur_link(user=request.user, vordering_pk=vordering.pk, debiteur=deb)
                gekoppeld = str(deb)
            elif actie == "aanmaken":
                if not request.user.has_perm("inningen.add_debiteur"):
                    messages.error(request, "U mag geen debiteuren aanmaken.")
                    return redirect("balie:zonder_debiteur_behandelen", vordering.pk)
                invoer = request.POST
                soort = request.POST.get("soort", "")
                gekoppeld = vordering_debiteur_create(
                    user=request.user,
                    vordering_pk=vordering.pk,
                    soort=soort,
                    identificatie=(request.POST.get("identificatie") or "").strip(),
                    kvk_nummer=(request.POST.get("kvk_nummer") or "").strip(),
                    gegevens=_gegevens(request.POST, soort),
                ).debiteur
            else:
                return redirect("balie:zonder_debiteur_behandelen", vordering.pk)
        except ValidationError as exc:
            fouten = exc.message_dict if hasattr(exc, "error_dict") else {"algemeen": exc.messages}
        else:
            # Name the debtor: a namesake chosen by mistake is seen at once (#19).
            messages.success(
                request, f"Vordering {vordering.vorderingnummer} is gekoppeld aan {gekoppeld}."
            )
            return redirect("balie:zonder_debiteur")
    q, _ = zoekvraag(request)
    resultaat = zoek(request.user, q).debiteuren if q else []
    verwerking_log(
        user=request.user,
        debiteuren=resultaat,
        doel=DOEL_INVORDERING,
        activiteit="werklijst vordering zonder debiteur: zoekresultaat getoond",
    )
    return render(
        request,
        "balie/zonder_debiteur_behandelen.html",
        {
            "v": vordering,
            "q": q,
            "resultaat": resultaat,
            "fouten": fouten,
            "invoer": invoer,
            "soorten": Debiteursoort.choices,
        },
    )


def debiteuren_voor_koppelen(user):
    """Which debtors an invorderaar may link a claim to: those known to the user's
    organisations. (A debtor only known elsewhere is created again under the same BSN/RSIN,
    which finds the existing record without showing another organisation's data.)"""
    return debiteuren_for_user(user)


_BERICHTSTATUSSEN = (UitgaandStatus.MISLUKT, UitgaandStatus.DOOD)

MISLUKTE_BERICHTEN = Lijst(
    naam="mislukte-berichten",
    titel="Mislukte berichten",
    kolommen=[
        Kolom("selecteren", "Selecteren", kop_verborgen=True),
        Kolom("aangemaakt", "Aangemaakt", "created_at", lambda u: u.created_at),
        Kolom(
            "vordering",
            "Vordering",
            "vordering__vorderingnummer",
            lambda u: u.vordering.vorderingnummer,
        ),
        Kolom(
            "organisatie",
            "Organisatie",
            "vordering__organisatie__naam",
            lambda u: u.vordering.organisatie.naam,
        ),
        Kolom("bericht", "Bericht", "soort", lambda u: u.get_soort_display()),
        Kolom("koppeling", "Koppeling", None, lambda u: str(u.ontvanger or "")),
        Kolom("status", "Status", "status", lambda u: u.get_status_display()),
        Kolom("pogingen", "Pogingen", "pogingen", lambda u: u.pogingen),
        Kolom("fout", "Fout", "foutcode", lambda u: f"{u.foutcode} {u.laatste_fout}".strip()),
    ],
    standaard=("created_at", "pk"),
    organisatie="vordering__organisatie_id",
    status="status",
    statussen=tuple((s.value, s.label) for s in _BERICHTSTATUSSEN),
    status_standaard=_BERICHTSTATUSSEN,
    datum="created_at",
    datum_label="Aangemaakt",
    tekst=("vordering__vorderingnummer", "referentienummer", "foutcode", "laatste_fout"),
    tekst_label="Vordering, referentie of fout",
)


@balie_view("stuffin.view_uitgaandbericht")
def uitgaand(request):
    berichten = UitgaandBericht.objects.filter(
        vordering__organisatie__in=organisaties_for_user(request.user)
    ).select_related(
        "koppeling",
        "abonnement__client",
        "vordering",
        "vordering__organisatie",
        "vorderingstatus",
    )
    lijst = MISLUKTE_BERICHTEN.toepassen(request, berichten)
    if lijst.export:
        return lijst.export_response()
    pagina = lijst.pagina(PER_PAGINA)
    return render(request, "balie/uitgaand.html", {"pagina": pagina, "lijst": lijst})


@require_POST
@balie_view("stuffin.change_uitgaandbericht")
def uitgaand_opnieuw(request):
    pks = [int(p) for p in request.POST.getlist("bericht") if p.isdigit()]
    if not pks:
        messages.error(request, "Kies eerst een of meer berichten.")
    else:
        aantal = uitgaand_resend_for_user(user=request.user, pks=pks)
        messages.success(request, f"{aantal} bericht(en) opnieuw aangeboden.")
    return redirect("balie:uitgaand")


ADRES_IN_ONDERZOEK_LIJST = Lijst(
    naam="adres-in-onderzoek",
    titel="Adres in onderzoek",
    kolommen=[
        Kolom("vordering", "Vordering", "vorderingnummer", lambda v: v.vorderingnummer),
        Kolom("organisatie", "Organisatie", "organisatie__naam", lambda v: v.organisatie.naam),
        Kolom("debiteur", "Debiteur", "debiteur__zoeknaam", lambda v: str(v.debiteur)),
        Kolom("reden", "Reden", "debiteur__adresstatus", lambda v: v.reden),
        Kolom("sinds", "Sinds", "debiteur__adresstatus_sinds", lambda v: v.adresstatus_sinds),
        Kolom(
            "openstaand",
            "Openstaand",
            "openstaand_bedrag",
            lambda v: v.openstaand_bedrag,
            bedrag=True,
            klasse="bedrag",
        ),
    ],
    # Longest waiting first, as the selector orders it.
    standaard=(F("debiteur__adresstatus_sinds").asc(nulls_first=True), "debiteur_id", "pk"),
    organisatie="organisatie_id",
    status="debiteur__adresstatus",
    statussen=tuple((s.value, s.label) for s in Adresstatus if s in ADRES_IN_ONDERZOEK),
    datum="debiteur__adresstatus_sinds",
    datum_label="Sinds",
    tekst=("vorderingnummer", "debiteur__zoeknaam", "debiteur__statutaire_naam"),
    tekst_label="Vordering of naam",
    personen=lambda v: [v.debiteur],
)


@balie_view("inningen.view_vordering")
def adres_in_onderzoek(request):
    """Claims that get no letter because the BRP says the debtor cannot be reached there."""
    lijst = ADRES_IN_ONDERZOEK_LIJST.toepassen(request, adres_in_onderzoek_lijst(request.user))
    if lijst.export:
        return lijst.export_response()
    pagina = lijst.pagina(PER_PAGINA)
    verwerking_log(
        user=request.user,
        debiteuren={v.debiteur_id: v.debiteur for v in pagina}.values(),
        doel=DOEL_INVORDERING,
        activiteit="werklijst adres in onderzoek getoond",
    )
    return render(request, "balie/adres_in_onderzoek.html", {"pagina": pagina, "lijst": lijst})
