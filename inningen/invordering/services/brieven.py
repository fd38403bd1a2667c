"""Letters to debtors. A letter's data is frozen in ``Brief.gegevens`` when it is made; the PDF
is rendered from it after commit by a task (a run makes thousands of letters in one go).

``gegevens`` (JSON, money in integer cents, dates ISO):
    soort, datum, onderwerp,
    organisatie: {naam, rsin, iban, incassant_id, contact: {telefoonnummer, bereikbaarheid,
                  emailadres, website, bezoekadres, postadres}},
    debiteur: {naam, adresregels: [...], debiteurnummer, soort, aanhef},
    vorderingen: [{vorderingnummer, factuurnummer, omschrijving, factuurdatum, vervaldatum,
                   bedrag, openstaand, betalingskenmerk, tsa, regels: [{omschrijving, bedrag}]}],
    kosten, rente, totaal, betalen_voor, betalingskenmerk, kosten_omschrijving,
    regeling: {termijnbedrag, aantal_termijnen, startdatum, betaalwijze, termijnen: [...]} | None,
    tekst: free text for the letter (e.g. why a regeling lapsed)

How the letters read the amounts: ``kosten`` and ``rente`` are what this letter charges and
``totaal`` is what the debtor is asked to pay, including them. A claim's ``openstaand`` may be
frozen before or after booking them (the run freezes it after): a one-claim letter shows the
claim as ``totaal - kosten - rente`` and adds the two lines up to ``totaal`` either way. A
14-dagenbrief is the exception: its ``kosten`` are the WIK costs that *will* be charged if the
debtor does not pay in time (BW 6:96 lid 6), so they are named in the text and are not part of
``totaal``. Regeling termijnen are {volgnummer, vervaldatum, bedrag} with optional
betalingskenmerk and gemist (bool); an invoice with termijnen but no betaalwijze is paid by
direct debit (the run only splits an aanslag when there is an active machtiging).

Rendering: brieven/<soort>.html, all extending brieven/basis.html, through WeasyPrint; the task
(tasks.brieven_renderen) calls brieven_render, the beat sweep brieven_render_sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from inningen.choices import Betaalwijze, Briefsoort, Geslachtsaanduiding
from inningen.db.bulk import bulk_insert, rijen_insert
from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Brief
from inningen.organisaties.models import Bankrekening, Organisatie
from inningen.wachtrij import na_commit

logger = logging.getLogger(__name__)
# WeasyPrint reports every rendering step at INFO: eight lines per letter, a million per run.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def organisatie_gegevens(organisatie: Organisatie, iban: str | None = None) -> dict:
    """The sender block; ``iban`` of the organisation's first receiving account by default."""
    if iban is None:
        rekening = Bankrekening.objects.filter(organisatie=organisatie).order_by("pk").first()
        iban = rekening.iban if rekening else ""
    return {
        "naam": organisatie.naam,
        "rsin": organisatie.rsin,
        "iban": iban,
        "incassant_id": organisatie.incassant_id,
        "contact": organisatie.contact,
    }


def debiteur_gegevens(debiteur: Debiteur) -> dict:
    """The addressee block: the BRP/KvK letter address when the debtor has one (issue #18: its
    name line and salutation too), else the debtor's own fields as the TSA sent them. Callers
    that make many letters load the debtors with ``select_related("brief_adres")``."""
    adres = debiteur.brief_adres if debiteur.brief_adres_id else None
    return {
        "naam": (adres.aanschrijfwijze if adres else "") or debiteur.naam,
        "adresregels": list(adres.adresregels) if adres else debiteur.adres_regels,
        "debiteurnummer": debiteur.debiteurnummer or "",
        "soort": debiteur.soort,
        "aanhef": (adres.aanhef if adres else "") or aanhef(debiteur),
    }


ONBEKEND_AANHEF = "Geachte heer/mevrouw"
_AANSPREKING = {Geslachtsaanduiding.MAN: "heer", Geslachtsaanduiding.VROUW: "mevrouw"}


def aanhef(debiteur: Debiteur) -> str:
    """The salutation from our own fields, for a debtor without a BRP aanhef: the TSA's
    aanhefAanschrijving (StUF-BG) when it sent one, else from the gender ("Geachte heer De
    Vries", "Geachte mevrouw Öztürk"). "Geachte heer/mevrouw" only when nothing is known: a
    company, or a person of unknown gender."""
    # A deferred field would cost a query per letter in a run: then the neutral form.
    uitgesteld = debiteur.get_deferred_fields()
    if not debiteur.is_natuurlijk_persoon or "geslachtsaanduiding" in uitgesteld:
        return ONBEKEND_AANHEF
    naam = debiteur.naam
    if debiteur.voorletters and naam.startswith(debiteur.voorletters):
        naam = naam[len(debiteur.voorletters) :].strip()
    # Without initials in front the voorvoegsel starts with a capital: "Geachte heer Van Dijk".
    naam = f"{naam[:1].upper()}{naam[1:]}"
    eigen = "" if "aanhef_aanschrijving" in uitgesteld else debiteur.aanhef_aanschrijving.strip()
    eigen = eigen.rstrip(",").strip()
    if eigen and naam:
        if eigen.lower() in _AANSPREKING.values():
            return f"Geachte {eigen.lower()} {naam}"
        # "Geachte heer" or "Hoogwelgeboren heer": the name follows, unless it is in there.
        return eigen if naam.lower() in eigen.lower() else f"{eigen} {naam}"
    aanspreking = _AANSPREKING.get(debiteur.geslachtsaanduiding)
    if not aanspreking or not naam:
        return ONBEKEND_AANHEF
    return f"Geachte {aanspreking} {naam}"


def vordering_gegevens(vordering: Vordering, *, regels: Iterable | None = None) -> dict:
    """One claim line of a letter; ``regels`` (Vorderingsregels) only for an invoice."""
    return {
        "vorderingnummer": vordering.vorderingnummer,
        "factuurnummer": vordering.factuurkenmerk,
        "omschrijving": vordering.algemene_factuuromschrijving,
        "factuurdatum": _iso(vordering.factuurdatum),
        "vervaldatum": _iso(vordering.vervaldatum),
        "bedrag": vordering.totaalbedrag_incl_btw,
        "openstaand": vordering.openstaand_bedrag,
        "betalingskenmerk": vordering.betalingskenmerk,
        "tsa": vordering.tsa,
        "regels": [
            {"omschrijving": r.vorderingomschrijving, "bedrag": r.bedrag_incl_btw}
            for r in (regels or [])
        ],
    }


def brief_gegevens(
    *,
    soort: str,
    datum: dt.date,
    onderwerp: str,
    organisatie: dict,
    debiteur: dict,
    vorderingen: list[dict],
    kosten: int = 0,
    rente: int = 0,
    totaal: int | None = None,
    betalen_voor: dt.date | None = None,
    betalingskenmerk: str = "",
    kosten_omschrijving: str = "",
    regeling: dict | None = None,
    tekst: str = "",
    publiekrechtelijk: bool | None = None,
    rente_omschrijving: str = "",
) -> dict:
    """The frozen data of one letter. Pure: callers pass already-loaded data (no queries), so
    a run can build 100,000 of these without touching the database per letter."""
    if totaal is None:
        totaal = sum(v["openstaand"] for v in vorderingen)
    if not betalingskenmerk and len(vorderingen) == 1:
        betalingskenmerk = vorderingen[0]["betalingskenmerk"]
    return {
        "soort": soort,
        "datum": datum.isoformat(),
        "onderwerp": onderwerp,
        "organisatie": organisatie,
        "debiteur": debiteur,
        "vorderingen": vorderingen,
        "kosten": kosten,
        "rente": rente,
        "totaal": totaal,
        "betalen_voor": _iso(betalen_voor),
        "betalingskenmerk": betalingskenmerk,
        "kosten_omschrijving": kosten_omschrijving,
        "regeling": regeling,
        "tekst": tekst,
        # None: not a collection letter (e.g. a regeling's); else which law's texts apply.
        "publiekrechtelijk": publiekrechtelijk,
        "rente_omschrijving": rente_omschrijving,
    }


@transaction.atomic
def brieven_create(*, brieven: list[Brief]) -> list[Brief]:
    """Store new letters in bulk and render their PDFs after commit. A letter without ``adres``
    gets its debtor's current letter address (issue #18: which address it went to)."""
    _adres_zetten(brieven)
    brieven = bulk_insert(brieven)
    if brieven:
        ids = [b.pk for b in brieven]
        na_commit(lambda: brieven_render_enqueue(ids), wat="Renderen van brieven")
    return brieven


def _adres_zetten(brieven: list[Brief]) -> None:
    """The debtor already in memory says which address its gegevens used; for the others one
    query for all (no query per letter)."""
    veld = Brief._meta.get_field("debiteur")
    zonder = []
    for brief in brieven:
        if brief.adres_id is not None or brief.debiteur_id is None:
            continue
        if veld.is_cached(brief):
            brief.adres_id = brief.debiteur.brief_adres_id
        else:
            zonder.append(brief)
    if zonder:
        adressen = dict(
            Debiteur.objects.filter(pk__in={b.debiteur_id for b in zonder}).values_list(
                "pk", "brief_adres_id"
            )
        )
        for brief in zonder:
            brief.adres_id = adressen.get(brief.debiteur_id)


@transaction.atomic
def brieven_rijen_create(*, velden: tuple[str, ...], rijen: list[tuple]) -> list[int]:
    """:func:`brieven_create` for plain rows (values in the order of ``velden``), without model
    instances: a run makes tens of thousands of letters at once. Returns their ids."""
    ids = rijen_insert(Brief, velden, rijen, met_pks=True)
    if ids:
        na_commit(lambda: brieven_render_enqueue(ids), wat="Renderen van brieven")
    return ids


def brieven_render_enqueue(ids: list[int]) -> None:
    """Queue rendering in chunks; the sweep (tasks.brieven_opruimen) catches anything lost.

    Without a broker (the embedded default) tasks run in the web process: a run's thousands of
    letters would then be rendered inside the request. There letters are rendered on first
    download instead (brief_pdf), per setting BRIEVEN_RENDEREN_NA_COMMIT."""
    if not settings.BRIEVEN_RENDEREN_NA_COMMIT:
        return
    from inningen.invordering.tasks import brieven_renderen

    for start in range(0, len(ids), RENDER_CHUNK):
        brieven_renderen.delay(ids[start : start + RENDER_CHUNK])


RENDER_CHUNK = 200


# --- rendering -----------------------------------------------------------------------------------

MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
RENDER_SWEEP_NA_MINUTEN = 15
"""A letter still unrendered this long after it was made lost its task: the sweep queues it."""
RENDER_SWEEP_MAX = 5000
"""Letters queued per sweep, so a big backlog reaches the queue in slices, not all at once."""

# Costs a 14-dagenbrief announces are not yet owed (BW 6:96 lid 6): they are named, not added.
_KOSTEN_AANGEKONDIGD = {Briefsoort.VEERTIENDAGENBRIEF}
_KOSTEN_OMSCHRIJVING = {
    Briefsoort.AANMANING: "Aanmaningskosten",
    Briefsoort.DWANGBEVEL: "Kosten dwangbevel",
    Briefsoort.VEERTIENDAGENBRIEF: "Buitengerechtelijke incassokosten",
    Briefsoort.OVERDRACHT: "Buitengerechtelijke incassokosten",
}
_RENTE_OMSCHRIJVING = {
    Briefsoort.AANMANING: "Invorderingsrente",
    Briefsoort.DWANGBEVEL: "Invorderingsrente",
    Briefsoort.VEERTIENDAGENBRIEF: "Wettelijke rente",
    Briefsoort.OVERDRACHT: "Wettelijke rente",
}


def datum_voluit(datum: dt.date | None) -> str:
    """22 november 2026, without depending on the active locale (a worker has none)."""
    return f"{datum.day} {MAANDEN[datum.month - 1]} {datum.year}" if datum else ""


def _date(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _iban_print(iban: str) -> str:
    iban = (iban or "").replace(" ", "")
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def brief_context(gegevens: dict) -> dict:
    """Template context from a letter's frozen data: dates as dates, money still in cents (the
    templates format at the edge). Tolerates keys older letters may lack."""
    g = gegevens
    soort = g["soort"]
    vorderingen = [
        {
            **v,
            "openstaand": v.get("openstaand") or 0,
            "factuurdatum": _date(v.get("factuurdatum")),
            "vervaldatum": _date(v.get("vervaldatum")),
            "regels": v.get("regels") or [],
            # Paid or credited since the invoice (negative), shown on an invoice sent late.
            "verrekend": (v.get("openstaand") or 0) - (v.get("bedrag") or 0),
        }
        for v in g.get("vorderingen") or []
    ]
    regeling = g.get("regeling")
    if regeling:
        regeling = {
            "betaalwijze": Betaalwijze.INCASSO if soort == Briefsoort.FACTUUR else "",
            **regeling,
            "startdatum": _date(regeling.get("startdatum")),
            "startdatum_voluit": datum_voluit(_date(regeling.get("startdatum"))),
            "termijnen": [
                {**t, "vervaldatum": _date(t.get("vervaldatum"))}
                for t in regeling.get("termijnen") or []
            ],
        }
    kosten = g.get("kosten") or 0
    rente = g.get("rente") or 0
    totaal = g.get("totaal") or 0
    aangekondigd = soort in _KOSTEN_AANGEKONDIGD
    bijtelling = (0 if aangekondigd else kosten) + rente
    if bijtelling and len(vorderingen) == 1:
        # What the claim was before this letter's kosten and rente, so the overview adds up.
        vorderingen[0]["openstaand"] = totaal - bijtelling
    organisatie = g["organisatie"]
    betalen_voor = _date(g.get("betalen_voor"))
    return {
        "soort": soort,
        "datum": _date(g["datum"]),
        "datum_voluit": datum_voluit(_date(g["datum"])),
        "onderwerp": g.get("onderwerp", ""),
        "organisatie": organisatie,
        "iban": _iban_print(organisatie.get("iban", "")),
        "debiteur": g["debiteur"],
        "vorderingen": vorderingen,
        "met_regels": any(v["regels"] for v in vorderingen),
        "openstaand": (
            totaal - bijtelling if bijtelling else sum(v["openstaand"] for v in vorderingen)
        ),
        "kosten": 0 if aangekondigd else kosten,
        "kosten_aangekondigd": kosten if aangekondigd else 0,
        "kosten_omschrijving": g.get("kosten_omschrijving")
        or _KOSTEN_OMSCHRIJVING.get(soort, "Kosten"),
        "rente": rente,
        "rente_omschrijving": g.get("rente_omschrijving")
        or _RENTE_OMSCHRIJVING.get(soort, "Rente"),
        "publiekrechtelijk": g.get("publiekrechtelijk"),
        # A consumer's private-law claim is handed over only after the 14-dagenbrief (WIK).
        "veertiendagenbrief": g.get("publiekrechtelijk") is False
        and g.get("debiteur", {}).get("soort", "NPS") == "NPS",
        "totaal": totaal,
        "betalen_voor": betalen_voor,
        "betalen_voor_voluit": datum_voluit(betalen_voor),
        "betalingskenmerk": g.get("betalingskenmerk", ""),
        "regeling": regeling,
        "tekst": g.get("tekst", ""),
    }


def brief_render_html(*, brief: Brief) -> str:
    return render_to_string(f"brieven/{brief.soort}.html", brief_context(brief.gegevens))


def brief_voorbeeld_html(*, gegevens: dict, csp_nonce: str = "") -> str:
    """A letter that is not sent (the sample of a run's confirmation): the same template,
    marked VOORBEELD on every page. Nothing is stored. ``csp_nonce``: shown in the browser,
    the letter's inline stylesheet needs the page's nonce."""
    context = {**brief_context(gegevens), "voorbeeld": True, "csp_nonce": csp_nonce}
    return render_to_string(f"brieven/{gegevens['soort']}.html", context)


def brief_voorbeeld_pdf(*, gegevens: dict) -> bytes:
    return pdf_from_html(brief_voorbeeld_html(gegevens=gegevens))


def brief_render_pdf(*, brief: Brief) -> bytes:
    """The letter as PDF (see pdf_from_html)."""
    return pdf_from_html(brief_render_html(brief=brief))


def pdf_from_html(html: str) -> bytes:
    """A letter-like document as PDF. Nothing is fetched: the stylesheet is inline, fonts are
    the system's, and the fetcher refuses every URL that is not data:, so text from a TSA
    cannot make the renderer reach out. Also used for the balie's saldo-overzicht (#19)."""
    # Imported here: WeasyPrint loads Pango and friends, which only the renderers need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    return document.write_pdf()


def _bestandsnaam(brief: Brief) -> str:
    return f"{brief.soort}-{brief.datum:%Y%m%d}-{brief.pk}.pdf"


@transaction.atomic
def _pdf_store(*, pk: int, pdf: bytes) -> Brief | None:
    """Store a rendered PDF unless another worker (or the download view) got there first: the
    row lock makes the check and the write one step. Returns the letter when stored."""
    brief = Brief.objects.select_for_update().get(pk=pk)
    if brief.gerenderd_op is not None:
        return None
    brief.pdf.save(_bestandsnaam(brief), ContentFile(pdf), save=False)
    brief.gerenderd_op = timezone.now()
    brief.save(update_fields=["pdf", "gerenderd_op"])
    return brief


def brieven_render(*, ids: list[int]) -> int:
    """Render and store the PDFs of these letters; returns how many were stored now.

    Idempotent: letters already rendered are skipped. Rendering happens outside any
    transaction (it takes a fraction of a second per letter, too long to hold a lock). A letter
    that fails is logged and left unrendered for the sweep; the others go on.
    """
    te_doen = list(
        Brief.objects.filter(pk__in=ids, gerenderd_op__isnull=True)
        .only("pk", "soort", "datum", "organisatie_id", "gegevens")
        .order_by("pk")
    )
    opgeslagen = 0
    for brief in te_doen:
        try:
            pdf = brief_render_pdf(brief=brief)
            if _pdf_store(pk=brief.pk, pdf=pdf) is not None:
                opgeslagen += 1
        except (SoftTimeLimitExceeded, OperationalError):
            # Out of time or the database is gone: every next letter would fail too. The task
            # retries the chunk; what was stored stays stored.
            raise
        except Exception:
            logger.exception(
                "Brief %s (%s) niet gerenderd; de sweep probeert het later", brief.pk, brief.soort
            )
    return opgeslagen


def brief_pdf(*, brief: Brief) -> bytes:
    """The stored PDF of a letter, rendered and stored first when it is not there yet (the
    download does not wait for the queue)."""
    if brief.gerenderd_op is not None and brief.pdf:
        try:
            with brief.pdf.open("rb") as bestand:
                return bestand.read()
        except FileNotFoundError:
            logger.warning("PDF van brief %s ontbreekt in de opslag; opnieuw gerenderd", brief.pk)
            return brief_render_pdf(brief=brief)
    pdf = brief_render_pdf(brief=brief)
    _pdf_store(pk=brief.pk, pdf=pdf)
    return pdf


def brieven_render_sweep(*, na_minuten: int = RENDER_SWEEP_NA_MINUTEN) -> int:
    """Queue letters that are still unrendered ``na_minuten`` after they were made (the task was
    lost, or rendering failed); returns how many were queued. Oldest first, at most
    RENDER_SWEEP_MAX per sweep."""
    grens = timezone.now() - dt.timedelta(minutes=na_minuten)
    ids = list(
        Brief.objects.filter(gerenderd_op__isnull=True, created_at__lt=grens)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:RENDER_SWEEP_MAX]
    )
    if ids:
        brieven_render_enqueue(ids)
    return len(ids)
