"""Reading bank entries and credit balances for the screens and the refund/offset lists."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Sum, When

from inningen import betalingskenmerk as bk
from inningen.betalingen.models import Betaling
from inningen.choices import BetalingStatus, Boekingdeel
from inningen.debiteuren.models import DebiteurRekening
from inningen.debiteuren.models.debiteur import fold
from inningen.grootboek.models import Boeking, Vordering


def tegoeden(*, organisaties) -> list[tuple[int, int]]:
    """(debiteur pk, credit in cents) of every debtor with a credit balance, largest first: the
    list for refunding or offsetting. The credit is what the tegoed Boekingen hold (negative in
    the ledger: the municipality owes it)."""
    rijen = (
        Boeking.objects.filter(
            organisatie__in=organisaties,
            vordering__isnull=True,
            deel=Boekingdeel.TEGOED,
            debiteur__isnull=False,
        )
        .values_list("debiteur_id")
        .annotate(s=Sum("bedrag_incl_btw"))
        .filter(s__lt=0)
        .order_by("s")
    )
    return [(deb, -som) for deb, som in rijen]


def terug_te_betalen(*, organisaties) -> QuerySet[Betaling]:
    """Entries whose rest must be paid back (marked in the work list), oldest first."""
    return Betaling.objects.filter(
        organisatie__in=organisaties, status=BetalingStatus.TERUGBETALEN
    ).order_by("boekdatum", "pk")


# --- manual matching: searching claims and suggesting them -------------------------------------

MAX_ZOEKRESULTATEN = 50
MAX_SUGGESTIES = 10
# Candidates read per signal: every query below is bounded, whatever the organisation's size.
_PER_SIGNAAL = 25
_MAX_WOORDEN = 50
_WOORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/.\-]{2,63}")
_CIJFERREEKS = re.compile(r"(?<!\d)(\d[\d .-]{13,20}\d)(?!\d)")
# Words in a bank's name field that are no part of a family name.
_GEEN_NAAM = frozenset(
    ("hr", "dhr", "mw", "mevr", "mevrouw", "heer", "fam", "familie", "eo", "en", "of", "cv", "vof",
     "bv", "nv", "ing", "van", "der", "den", "de", "het", "ter", "te", "ten", "op", "in", "uit")
)  # fmt: skip
_NAAMWOORD = re.compile(r"[^\W\d_]{3,}")
# Weights of the signals: a kenmerk or number in the text outranks an amount or a name.
_GEWICHT = {"kenmerk": 100, "nummer": 80, "iban": 50, "bedrag": 30, "naam": 20}


@dataclass(slots=True)
class Suggestie:
    """A claim the entry may pay, with why it is suggested (shown to the invorderaar)."""

    vordering: Vordering
    redenen: list[str] = field(default_factory=list)
    score: int = 0


def _vorderingen(user, organisatie_id) -> QuerySet[Vordering]:
    """The claims of the entry's organisation, within the user's scope."""
    return Vordering.objects.for_user(user).filter(organisatie_id=organisatie_id)


def _prefix(veld: str, tekst: str) -> Q:
    """``veld`` starts with ``tekst``; also as a range, which the column's ordinary index serves
    in any collation (LIKE alone would scan the organisation's claims)."""
    boven = tekst[:-1] + chr(ord(tekst[-1]) + 1)
    return Q(**{f"{veld}__gte": tekst, f"{veld}__lt": boven, f"{veld}__startswith": tekst})


def _naam_prefix(naam: str) -> Q:
    """The debtor's folded name (zoeknaam) starts with ``naam``."""
    return _prefix("debiteur__zoeknaam", naam)


def _naamwoorden(naam: str) -> list[str]:
    """The words of a bank's name field that may be a family or company name ("J.P. DE VRIES
    EO" -> ["vries"]), longest first, at most three."""
    woorden = [w for w in _NAAMWOORD.findall(fold(naam)) if w not in _GEEN_NAAM]
    return sorted(dict.fromkeys(woorden), key=len, reverse=True)[:3]


def vorderingen_zoeken(
    *, user, betaling: Betaling, q: str, bedrag: int | None = None
) -> list[Vordering]:
    """Claims of the entry's organisation (in the user's scope) found by what the invorderaar
    typed: a vorderingnummer or factuurnummer (exact, or its beginning), a betalingskenmerk, a
    debtor's name (beginning of the family or company name) or IBAN, or an amount (``bedrag``,
    cents: open amount equal). Open claims first, at most MAX_ZOEKRESULTATEN (one query)."""
    q = (q or "").strip()
    if not q and bedrag is None:
        return []
    voorwaarde = Q(pk__in=[])
    if bedrag is not None:
        voorwaarde |= Q(openstaand_bedrag=bedrag)
    if q:
        voorwaarde |= Q(vorderingnummer=q) | Q(factuurnummer=q)
        if len(q) >= 3:
            voorwaarde |= _prefix("vorderingnummer", q) | _prefix("factuurnummer", q)
        gedecodeerd = bk.decode(q)
        if gedecodeerd:
            voorwaarde |= Q(pk=gedecodeerd[0])
        compact = re.sub(r"\s", "", q).upper()
        if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
            voorwaarde |= Q(
                debiteur__in=DebiteurRekening.objects.filter(iban=compact).values("debiteur_id")
            )
        for woord in _naamwoorden(q)[:1]:
            voorwaarde |= _naam_prefix(woord)
    return list(
        _vorderingen(user, betaling.organisatie_id)
        .filter(voorwaarde)
        .select_related("debiteur")
        .annotate(is_open=Case(When(openstaand_bedrag__gt=0, then=1), default=0))
        .order_by("-is_open", "vervaldatum", "pk")[:MAX_ZOEKRESULTATEN]
    )


def betaling_suggesties(
    *, user, betaling: Betaling, limiet: int = MAX_SUGGESTIES
) -> list[Suggestie]:
    """Open claims the entry probably pays, best first, each with its reasons:

    - a betalingskenmerk in the text whose check digit is wrong, or a vorderingnummer or
      factuurnummer of the organisation in the text (the automatic rules need a valid kenmerk or
      exactly one claim; here every candidate is shown);
    - the counter account is a known account of the debtor (DebiteurRekening) or paid one of the
      debtor's claims before;
    - the open amount equals what is left of the entry;
    - the counterparty's name looks like the debtor's.

    A fixed number of bounded queries (at most ``_PER_SIGNAAL`` candidates per signal, one
    query to read the chosen claims), whatever the number of claims."""
    rest = betaling.restbedrag if betaling.restbedrag > 0 else betaling.bedrag
    if rest <= 0:
        return []
    open_ = _vorderingen(user, betaling.organisatie_id).open().filter(openstaand_bedrag__gt=0)
    redenen: dict[int, list[tuple[str, str]]] = defaultdict(list)  # pk -> (signal, reason)

    # 1. Kenmerk with a typing error, or a claim number, in the entry's texts.
    teksten = " ".join(
        t
        for t in (betaling.betalingskenmerk, betaling.eind_tot_eind_id, betaling.omschrijving)
        if t
    )
    bijna: dict[int, str] = {}
    for reeks in _CIJFERREEKS.findall(teksten):
        cijfers = bk.compact(reeks)
        # 16 digits with a wrong check digit, or the 15 without it: the claim's key is in there.
        vijftien = cijfers[1:] if len(cijfers) == 16 else cijfers if len(cijfers) == 15 else ""
        if vijftien.isdigit() and int(vijftien[:13]):
            bijna.setdefault(int(vijftien[:13]), bk.formatteer(cijfers))
    woorden = sorted({w.strip("./-") for w in _WOORD.findall(teksten)} - {""})[:_MAX_WOORDEN]
    if bijna or woorden:
        for pk, nummer, factuur in open_.filter(
            Q(pk__in=list(bijna)) | Q(vorderingnummer__in=woorden) | Q(factuurnummer__in=woorden)
        ).values_list("pk", "vorderingnummer", "factuurnummer")[:_PER_SIGNAAL]:
            if pk in bijna:
                redenen[pk].append(
                    (
                        "kenmerk",
                        f"kenmerk {bijna[pk]} in de omschrijving (controlecijfer klopt niet)",
                    )
                )
            if nummer in woorden:
                redenen[pk].append(("nummer", f"vorderingnummer {nummer} in de omschrijving"))
            elif factuur and factuur in woorden:
                redenen[pk].append(("nummer", f"factuurnummer {factuur} in de omschrijving"))

    # 2. The counter account: a known account of the debtor, or the account of earlier payments.
    if betaling.tegenrekening:
        bekend = DebiteurRekening.objects.filter(iban=betaling.tegenrekening).values("debiteur_id")
        eerder = (
            Betaling.objects.filter(
                organisatie_id=betaling.organisatie_id,
                tegenrekening=betaling.tegenrekening,
                debiteur__isnull=False,
            )
            .exclude(pk=betaling.pk)
            .values("debiteur_id")
        )
        for pk, is_bekend in (
            open_.filter(Q(debiteur__in=bekend) | Q(debiteur__in=eerder))
            .annotate(
                is_bekend=Exists(
                    DebiteurRekening.objects.filter(
                        iban=betaling.tegenrekening, debiteur_id=OuterRef("debiteur_id")
                    )
                )
            )
            .order_by("vervaldatum", "pk")
            .values_list("pk", "is_bekend")[:_PER_SIGNAAL]
        ):
            redenen[pk].append(
                (
                    "iban",
                    "zelfde IBAN als bekende rekening van de debiteur"
                    if is_bekend
                    else "zelfde IBAN als eerdere betaling",
                )
            )

    # 3. The open amount equals the entry's rest.
    for pk in (
        open_.filter(openstaand_bedrag=rest)
        .order_by("vervaldatum", "pk")
        .values_list("pk", flat=True)[:_PER_SIGNAAL]
    ):
        redenen[pk].append(("bedrag", "zelfde bedrag"))

    # 4. The counterparty's name: candidates whose name begins like a word of it (its first four
    # letters, so "Janssen" finds "Jansen"; the whole word first), then scored on similarity.
    naamwoorden = _naamwoorden(betaling.naam)
    naam_van: dict[int, float] = {}
    if naamwoorden:
        heel, begin = Q(pk__in=[]), Q(pk__in=[])
        for woord in naamwoorden:
            heel |= _naam_prefix(woord)
            begin |= _naam_prefix(woord[:4])
        for pk, zoeknaam in (
            open_.filter(begin)
            .annotate(heel=Case(When(heel, then=0), default=1))
            .order_by("heel", "vervaldatum", "pk")
            .values_list("pk", "debiteur__zoeknaam")[:_PER_SIGNAAL]
        ):
            gelijkenis = max(
                SequenceMatcher(None, woord, deel).ratio()
                for woord in naamwoorden
                for deel in (zoeknaam or "").split()
            )
            if gelijkenis >= 0.8:
                naam_van[pk] = gelijkenis

    kandidaten = set(redenen) | set(naam_van)
    if not kandidaten:
        return []
    score = {
        pk: sum(_GEWICHT[s] for s, _ in redenen.get(pk, ()))
        + round(_GEWICHT["naam"] * naam_van.get(pk, 0))
        for pk in kandidaten
    }
    beste = sorted(kandidaten, key=lambda pk: (-score[pk], pk))[:limiet]
    vorderingen = (
        _vorderingen(user, betaling.organisatie_id).select_related("debiteur").in_bulk(beste)
    )
    result = []
    for pk in beste:
        v = vorderingen.get(pk)
        if v is None:
            continue
        lijst = [tekst for _, tekst in redenen.get(pk, ())]
        if pk in naam_van and v.debiteur is not None:
            lijst.append(f"naam lijkt op {v.debiteur.naam}")
        result.append(Suggestie(vordering=v, redenen=lijst, score=score[pk]))
    return result


def volgorde_sleutel(v: Vordering) -> tuple:
    """The order in which claims get money: due longest first (vervaldatum, creatiedatum)."""
    return (v.vervaldatum or datetime.date.max, v.creatiedatum, v.pk)


def verdeling_voorstellen(
    *, rest: int, gekozen: list[tuple[Vordering, int | None]]
) -> tuple[list[tuple[Vordering, int]], list[Vordering]]:
    """The amounts for the claims the invorderaar picked: a typed amount stands; the claims
    without one share what is left of the entry's ``rest``, the claim due longest first (art.
    6:43 lid 2 BW: the oldest debt first), each up to its open amount. Within a claim,
    ``betaling_allocate`` keeps the order costs, interest, principal (art. 6:44 BW).

    Returns (claim, cents) for every claim that gets something, and the picked claims without
    an amount for which nothing was left."""
    over = rest - sum(bedrag for _, bedrag in gekozen if bedrag)
    vast = {v.pk: bedrag for v, bedrag in gekozen if bedrag}
    zonder = sorted((v for v, bedrag in gekozen if not bedrag), key=volgorde_sleutel)
    voorstel: dict[int, int] = {}
    leeg = []
    for v in zonder:
        neem = max(0, min(over, v.openstaand_bedrag))
        if neem:
            voorstel[v.pk] = neem
            over -= neem
        else:
            leeg.append(v)
    return (
        [
            (v, vast.get(v.pk) or voorstel[v.pk])
            for v, _ in gekozen
            if v.pk in vast or v.pk in voorstel
        ],
        leeg,
    )


# The work list's tabs: receipts to match by hand, parked ones, rests to refund, and entries
# already booked from another statement (overlap) for the invorderaar to confirm.
WERKLIJST_STATUSSEN = (
    BetalingStatus.ONGEMATCHT,
    BetalingStatus.GEPARKEERD,
    BetalingStatus.TERUGBETALEN,
    BetalingStatus.OVERLAP,
)


def werklijst_betalingen(*, organisaties, status) -> QuerySet[Betaling]:
    """The work list of one tab, oldest first. Outgoing payments never come here: they get no
    work-list status (only a returned collection we could not place does, see
    ``betalingen_process``)."""
    # status None: every tab (the caller filters, as the balie's sortable list does, #19).
    statussen = WERKLIJST_STATUSSEN if status is None else [status]
    if status is not None and status not in WERKLIJST_STATUSSEN:
        statussen = [BetalingStatus.ONGEMATCHT]
    return (
        Betaling.objects.filter(organisatie__in=organisaties, status__in=statussen)
        .select_related("organisatie", "afschrift", "overlap_met__afschrift", "debiteur")
        .order_by("boekdatum", "pk")
    )
