"""Matching bank entries (Betalingen) to claims and allocating them in the ledger.

Set-based: a whole statement is matched with a fixed number of queries per rule (chunked), and
all Boekingen, status changes and mandate updates are written in bulk. Every cent of every
entry ends up in a Boeking (see Betaling): allocations on claims, the rest without a claim as
``onverdeeld`` (work list, parked, to refund) or ``tegoed`` (the debtor's credit balance).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from inningen import betalingskenmerk as bk
from inningen.bedragen import euro
from inningen.betalingen.models import Betaling, Matchinstelling
from inningen.choices import (
    AFGESLOTEN_STATUSSEN,
    RETOURGEVOLG,
    RETOURREDENEN,
    STANDAARD_MATCHVOLGORDE,
    BetalingStatus,
    Boekingdeel,
    Boekingsoort,
    MachtigingStatus,
    Matchregel,
    RegelingStatus,
    Retourgevolg,
    VorderingStatus,
)
from inningen.db.bulk import bulk_insert, update_per_pk
from inningen.debiteuren.models import DebiteurRekening, Machtiging
from inningen.grootboek.models import Boeking, Termijn, Vordering, Vorderingstatus
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.statussen import StatusWijziging, vorderingen_status_set
from inningen.grootboek.toerekening import TOEREKENINGSVOLGORDE, effectief_deel

# Keys per query: psycopg allows 65,535 parameters per statement.
_CHUNK = 10_000
# Invorderingswet 1990 art. 7: a payment goes first to costs, then interest, then the claim.
_WOORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/.\-]{2,63}")
SLEUTEL_ONVERDEELD = "ONTVANGST-ONVERDEELD"
SLEUTEL_TEGOED = "TEGOED-DEBITEUR"
# Statuses a claim falls back to when a reversal reopens a paid one.
_OPEN_STATUSSEN = (VorderingStatus.VERWERKT, VorderingStatus.VERSTUURD, VorderingStatus.INVORDERING)


class BetalingFout(Exception):
    """A manual action on a bank entry that cannot be done (message for the user)."""


def _chunks(items, size=_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the state of the claims a batch touches ---------------------------------------------------


@dataclass(slots=True)
class _TermijnStand:
    pk: int
    volgnummer: int
    sortering: tuple
    open: int


@dataclass(slots=True)
class _Stand:
    """What is open on one claim, per part, kept up to date while a batch is allocated."""

    vordering: Vordering
    open: dict[str, int] = field(default_factory=dict)
    sleutel: dict[str, str] = field(default_factory=dict)
    betaald: int = 0
    termijnen: list[_TermijnStand] = field(default_factory=list)
    deze_keer: int = 0  # paid (positive) or reopened (negative) in this batch
    reden: str = ""  # why a reversal reopened it (return code and reason), for its history


def _standen(vordering_pks) -> dict[int, _Stand]:
    pks = sorted(set(vordering_pks))
    standen: dict[int, _Stand] = {}
    for chunk in _chunks(pks):
        for v in Vordering.objects.filter(pk__in=chunk).only(
            "pk",
            "organisatie_id",
            "debiteur_id",
            "machtiging_id",
            "status",
            "openstaand_bedrag",
            "vorderingnummer",
            "tsa",
        ):
            standen[v.pk] = _Stand(vordering=v)
        grootste: dict[tuple[int, str], int] = {}
        rijen = (
            Boeking.objects.filter(vordering_id__in=chunk)
            .values_list("vordering_id", "soort", "deel", "boekingssleutel")
            .annotate(s=Sum("bedrag_incl_btw"))
            .order_by()
        )
        for vpk, soort, deel, sleutel, som in rijen:
            stand = standen[vpk]
            d = effectief_deel(soort, deel)
            stand.open[d] = stand.open.get(d, 0) + som
            if soort in (Boekingsoort.BETALING, Boekingsoort.STORNO):
                stand.betaald -= som
            # The key of the largest imposed amount per part names the payments on that part.
            if som > grootste.get((vpk, d), 0) and soort not in (
                Boekingsoort.BETALING,
                Boekingsoort.STORNO,
            ):
                grootste[(vpk, d)] = som
                stand.sleutel[d] = sleutel
        termijnen = list(
            Termijn.objects.filter(vordering_id__in=chunk).values_list(
                "pk", "vordering_id", "volgnummer", "bedrag", "vervaldatum", "datum"
            )
        )
        betaald_per_termijn = (
            dict(
                Boeking.objects.filter(termijn_id__in=[t[0] for t in termijnen])
                .values_list("termijn_id")
                .annotate(s=Sum("bedrag_incl_btw"))
                .order_by()
            )
            if termijnen
            else {}
        )
        for tpk, vpk, nr, bedrag, verval, datum in termijnen:
            sortering = (verval or datum or datetime.date.max, nr)
            open_ = (bedrag or 0) + betaald_per_termijn.get(tpk, 0)
            standen[vpk].termijnen.append(_TermijnStand(tpk, nr, sortering, open_))
        for stand in standen.values():
            stand.termijnen.sort(key=lambda t: t.sortering)
    return standen


def _boeking(
    betaling: Betaling,
    bedrag: int,
    *,
    soort=Boekingsoort.BETALING,
    deel="",
    vordering=None,
    termijn_id=None,
    debiteur_id=None,
    sleutel="",
    omschrijving="",
    door="",
    tegenboeking_van=None,
    boekdatum=None,
) -> Boeking:
    """One ledger line of a bank entry: ``bedrag`` from the debtor's side (payment negative).
    Payments carry no VAT of their own: the VAT was booked when the claim was imposed."""
    return Boeking(
        organisatie_id=betaling.organisatie_id,
        vordering_id=vordering,
        termijn_id=termijn_id,
        debiteur_id=debiteur_id,
        betaling=betaling,
        soort=soort,
        deel=deel,
        boekdatum=boekdatum or betaling.boekdatum,
        bedrag_incl_btw=bedrag,
        bedrag_excl_btw=bedrag,
        bedrag_btw=0,
        boekingssleutel=sleutel or soort.upper(),
        omschrijving=omschrijving[:500],
        tegenboeking_van=tegenboeking_van,
        door=door,
    )


def _toerekenen(
    betaling: Betaling, stand: _Stand, bedrag: int, *, door: str, boekdatum=None
) -> tuple[list, int]:
    """Allocate ``bedrag`` (positive cents) of an entry to one claim: costs, interest, principal;
    the principal over its termijnen oldest first. Returns the Boekingen and what is left."""
    boekingen = []
    rest = bedrag
    v = stand.vordering
    omschrijving = (
        f"Betaling {betaling.naam or betaling.tegenrekening} {betaling.boekdatum:%d-%m-%Y}".strip()
    )
    for deel in TOEREKENINGSVOLGORDE:
        open_ = stand.open.get(deel, 0)
        if rest <= 0 or open_ <= 0:
            continue
        neem = min(rest, open_)
        sleutel = stand.sleutel.get(deel, "")
        delen: list[tuple[int | None, int]] = []
        if deel == Boekingdeel.HOOFDSOM:
            over = neem
            for t in stand.termijnen:
                if over <= 0:
                    break
                if t.open > 0:
                    stuk = min(over, t.open)
                    t.open -= stuk
                    over -= stuk
                    delen.append((t.pk, stuk))
            if over > 0:
                delen.append((None, over))
        else:
            delen.append((None, neem))
        for termijn_pk, stuk in delen:
            boekingen.append(
                _boeking(
                    betaling,
                    -stuk,
                    deel=deel,
                    vordering=v.pk,
                    termijn_id=termijn_pk,
                    sleutel=sleutel,
                    omschrijving=omschrijving,
                    door=door,
                    boekdatum=boekdatum,
                )
            )
        stand.open[deel] = open_ - neem
        rest -= neem
    betaald = bedrag - rest
    stand.betaald += betaald
    stand.deze_keer += betaald
    v.openstaand_bedrag -= betaald
    return boekingen, rest


def _rest_boeking(betaling: Betaling, rest: int, debiteur_id, *, door: str) -> Boeking:
    if debiteur_id:
        return _boeking(
            betaling,
            -rest,
            deel=Boekingdeel.TEGOED,
            debiteur_id=debiteur_id,
            sleutel=SLEUTEL_TEGOED,
            omschrijving="Overbetaling: tegoed van de debiteur",
            door=door,
        )
    return _boeking(
        betaling,
        -rest,
        deel=Boekingdeel.ONVERDEELD,
        sleutel=SLEUTEL_ONVERDEELD,
        omschrijving="Nog te verdelen ontvangst",
        door=door,
    )


def _statuswijzigingen(standen, *, omschrijving: str) -> list[StatusWijziging]:
    """Paid in full: BET; partly: the same status again with the part paid (deelbetaling for the
    TSA); a reversal that reopens a paid claim: back to its last open status."""
    wijzigingen = []
    heropend = {
        s.vordering.pk
        for s in standen
        if s.deze_keer < 0
        and s.vordering.status == VorderingStatus.BETAALD
        and s.vordering.openstaand_bedrag > 0
    }
    vorige = _vorige_open_status(heropend)
    for s in standen:
        v = s.vordering
        if not s.deze_keer:
            continue
        if v.pk in heropend:
            status = vorige.get(v.pk, VorderingStatus.VERWERKT)
        elif v.openstaand_bedrag <= 0 and v.status not in AFGESLOTEN_STATUSSEN:
            status = VorderingStatus.BETAALD
        else:
            status = v.status
        wijzigingen.append(
            StatusWijziging(
                vordering=v,
                status=status,
                opmerkingen=s.reden or omschrijving,
                totaal_betaald=s.betaald,
                deel_bedrag_betaald=s.deze_keer,
            )
        )
    return wijzigingen


def _vorige_open_status(pks) -> dict[int, str]:
    result: dict[int, str] = {}
    for chunk in _chunks(pks):
        for vpk, status in (
            Vorderingstatus.objects.filter(vordering_id__in=chunk, status__in=_OPEN_STATUSSEN)
            .order_by("vordering_id", "datum_en_tijd", "pk")
            .values_list("vordering_id", "status")
        ):
            result[vpk] = status  # the last one wins
    return result


# --- matching ----------------------------------------------------------------------------------


def matchvolgorde(organisatie_ids) -> dict[int, list[str]]:
    volgorde = {pk: list(STANDAARD_MATCHVOLGORDE) for pk in organisatie_ids}
    for inst in Matchinstelling.objects.filter(organisatie_id__in=list(volgorde)):
        geldig = [r for r in inst.volgorde if r in {m.value for m in STANDAARD_MATCHVOLGORDE}]
        volgorde[inst.organisatie_id] = geldig
    return volgorde


def _match_kenmerk(betalingen: list[Betaling]) -> dict[int, tuple[int, int | None]]:
    """Betalingskenmerk wherever the bank put it: structured reference, end-to-end id, text."""
    kandidaten = {}
    for i, b in enumerate(betalingen):
        gevonden = [
            bk.decode(k)
            for k in bk.kenmerken_in(b.betalingskenmerk, b.eind_tot_eind_id, b.omschrijving)
        ]
        kandidaten[i] = [g for g in gevonden if g]
    pks = {pk for lijst in kandidaten.values() for pk, _ in lijst}
    organisatie_van = {}
    for chunk in _chunks(pks):
        organisatie_van.update(
            Vordering.objects.filter(pk__in=chunk).values_list("pk", "organisatie_id")
        )
    result = {}
    for i, lijst in kandidaten.items():
        for pk, termijn in lijst:
            if organisatie_van.get(pk) == betalingen[i].organisatie_id:
                result[i] = (pk, termijn or None)
                break
    return result


def _woorden(tekst: str) -> set[str]:
    return {w.strip("./-") for w in _WOORD.findall(tekst or "")} - {""}


def _match_nummer(betalingen: list[Betaling]) -> dict[int, tuple[int, None]]:
    """A vorderingnummer or factuurnummer of the organisation in the remittance text; only
    when the text names exactly one claim (open ones win over closed ones with that number)."""
    woorden = {i: _woorden(b.omschrijving) for i, b in enumerate(betalingen)}
    orgs = {b.organisatie_id for b in betalingen}
    alle = sorted({w for ws in woorden.values() for w in ws})
    per_nummer: dict[tuple[int, str], list[tuple[int, bool]]] = defaultdict(list)
    for chunk in _chunks(alle, 5000):
        rijen = (
            Vordering.objects.filter(organisatie_id__in=orgs)
            .filter(Q(vorderingnummer__in=chunk) | Q(factuurnummer__in=chunk))
            .values_list(
                "pk", "organisatie_id", "vorderingnummer", "factuurnummer", "openstaand_bedrag"
            )
        )
        for pk, org, nummer, factuur, open_ in rijen:
            for n in {nummer, factuur} - {""}:
                per_nummer[(org, n)].append((pk, open_ > 0))
    result = {}
    for i, b in enumerate(betalingen):
        gevonden = {}
        for w in woorden[i]:
            for pk, is_open in per_nummer.get((b.organisatie_id, w), ()):
                gevonden[pk] = is_open
        open_pks = [pk for pk, is_open in gevonden.items() if is_open]
        keuze = open_pks if open_pks else list(gevonden)
        if len(keuze) == 1:
            result[i] = (keuze[0], None)
    return result


def _match_iban(betalingen: list[Betaling]) -> dict[int, tuple[int, int | None]]:
    """The debtor's IBAN plus exactly one open claim or termijn of exactly the amount."""
    ibans = {b.tegenrekening for b in betalingen if b.tegenrekening}
    debiteuren_van: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunks(ibans):
        for deb, iban in DebiteurRekening.objects.filter(iban__in=chunk).values_list(
            "debiteur_id", "iban"
        ):
            debiteuren_van[iban].add(deb)
    debs = {d for s in debiteuren_van.values() for d in s}
    orgs = {b.organisatie_id for b in betalingen}
    open_per: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(
        list
    )  # (org, deb) -> (pk, open)
    for chunk in _chunks(debs):
        for pk, org, deb, open_ in (
            Vordering.objects.open()
            .filter(organisatie_id__in=orgs, debiteur_id__in=chunk, openstaand_bedrag__gt=0)
            .values_list("pk", "organisatie_id", "debiteur_id", "openstaand_bedrag")
        ):
            open_per[(org, deb)].append((pk, open_))
    bedragen = {b.bedrag for b in betalingen}
    # Termijnen only of claims that are candidates: those of these debtors.
    kandidaat_pks = [pk for lijst in open_per.values() for pk, _ in lijst]
    termijnen_van: dict[int, list[tuple[int, int]]] = defaultdict(list)  # vordering -> (nr, open)
    for chunk in _chunks(kandidaat_pks):
        rijen = list(
            Termijn.objects.filter(vordering_id__in=chunk).values_list(
                "pk", "vordering_id", "volgnummer", "bedrag"
            )
        )
        if not rijen:
            continue
        betaald = dict(
            Boeking.objects.filter(termijn_id__in=[r[0] for r in rijen])
            .values_list("termijn_id")
            .annotate(s=Sum("bedrag_incl_btw"))
            .order_by()
        )
        for tpk, vpk, nr, bedrag in rijen:
            open_ = (bedrag or 0) + betaald.get(tpk, 0)
            if open_ in bedragen:
                termijnen_van[vpk].append((nr, open_))
    result = {}
    for i, b in enumerate(betalingen):
        gevonden: dict[int, int | None] = {}
        for deb in debiteuren_van.get(b.tegenrekening, ()):
            for pk, open_ in open_per.get((b.organisatie_id, deb), ()):
                if open_ == b.bedrag:
                    gevonden.setdefault(pk, None)
                for nr, t_open in termijnen_van.get(pk, ()):
                    if t_open == b.bedrag and pk not in gevonden:
                        gevonden[pk] = nr
        if len(gevonden) == 1:
            result[i] = next(iter(gevonden.items()))
    return result


_REGELS = {
    Matchregel.BETALINGSKENMERK: _match_kenmerk,
    Matchregel.NUMMER: _match_nummer,
    Matchregel.IBAN_BEDRAG: _match_iban,
}


# --- a statement's entries ----------------------------------------------------------------------


@dataclass(slots=True)
class Verwerking:
    """Figures of one batch of entries, for the one-line summary."""

    posten: int = 0
    gematcht: int = 0
    ongematcht: int = 0
    terugboekingen: int = 0
    bedrag_ontvangen: int = 0
    bedrag_toegerekend: int = 0
    bedrag_tegoed: int = 0
    bedrag_ongematcht: int = 0
    bedrag_teruggeboekt: int = 0
    # Receipts (credits) and payments (debits) apart, amounts positive; overlaps (entries
    # booked before from another statement) are counted in posten and here only.
    ontvangsten: int = 0
    afschrijvingen: int = 0
    bedrag_afgeschreven: int = 0
    overlap: int = 0
    bedrag_overlap: int = 0


@transaction.atomic
def betalingen_process(
    *,
    betalingen: list[Betaling],
    door: str,
    voortgang: Callable[[int, int], None] | None = None,
) -> Verwerking:
    """Match new (unsaved) bank entries, store them and book every cent.

    Credits are matched with the rules in the organisation's order; debits that reverse an
    earlier entry of ours (same end-to-end id or kenmerk, same amount) book the counter-entries of
    everything that entry booked; other debits with a return code go to the work list; all
    other debits are payments, not receipts (transfers, bank costs, our own refunds), kept for
    the record only and never matched to claims.
    """
    ontvangsten = [b for b in betalingen if b.bedrag > 0]
    afschrijvingen = [b for b in betalingen if b.bedrag < 0]
    uitkomst = Verwerking(
        posten=len(betalingen),
        ontvangsten=len(ontvangsten),
        afschrijvingen=len(afschrijvingen),
        bedrag_afgeschreven=-sum(b.bedrag for b in afschrijvingen),
    )
    for b in betalingen:
        if b.bedrag == 0:
            b.status = BetalingStatus.GENEGEERD
    totaal = len(betalingen)

    # 1. Match credits: per position in each organisation's order, the entries still open.
    volgorde = matchvolgorde({b.organisatie_id for b in ontvangsten})
    doel: dict[int, tuple[int, int | None]] = {}
    posities = max((len(v) for v in volgorde.values()), default=0)
    for positie in range(posities):
        # Progress: matching is done per rule over the whole batch, so report the share of the
        # rule passes done (booking and storing is the last step).
        if voortgang:
            voortgang(totaal * positie // (posities + 1), totaal)
        per_regel = defaultdict(list)
        for i, b in enumerate(ontvangsten):
            regels = volgorde[b.organisatie_id]
            if i not in doel and positie < len(regels):
                per_regel[regels[positie]].append(i)
        for regel, indices in per_regel.items():
            gevonden = _REGELS[regel]([ontvangsten[i] for i in indices])
            for j, match in gevonden.items():
                doel[indices[j]] = match
                ontvangsten[indices[j]].matchregel = regel

    # 2. Reversals among the debits.
    origineel = _originelen(afschrijvingen)
    # A betalingsregeling's letter names one claim's kenmerk: what exceeds that claim goes to the
    # regeling's other open claims before it becomes credit (else the regeling would lapse).
    mede = _regelingsgenoten({vpk for vpk, _ in doel.values()})
    standen = _standen(
        [vpk for vpk, _ in doel.values()]
        + [pk for pks in mede.values() for pk in pks]
        + [bo.vordering_id for lijst in origineel.values() for bo in lijst[1] if bo.vordering_id]
    )

    boekingen: list[Boeking] = []
    # Oldest entries first, so that two payments of one claim fill it in the order made.
    for i in sorted(doel, key=lambda i: (ontvangsten[i].boekdatum, ontvangsten[i].volgnummer)):
        b = ontvangsten[i]
        vpk, _termijn = doel[i]
        stand = standen[vpk]
        nieuw, rest = _toerekenen(b, stand, b.bedrag, door=door)
        boekingen += nieuw
        for ander in mede.get(vpk, ()):
            if rest <= 0:
                break
            nieuw, rest = _toerekenen(b, standen[ander], rest, door=door)
            boekingen += nieuw
        b.debiteur_id = stand.vordering.debiteur_id
        b.restbedrag = rest
        b.status = BetalingStatus.TOEGEREKEND
        if rest:
            boekingen.append(_rest_boeking(b, rest, b.debiteur_id, door=door))
            b.status = BetalingStatus.TEGOED if b.debiteur_id else BetalingStatus.ONGEMATCHT
        uitkomst.gematcht += 1
        uitkomst.bedrag_toegerekend += b.bedrag - rest
        if b.status == BetalingStatus.TEGOED:
            uitkomst.bedrag_tegoed += rest
        else:
            uitkomst.bedrag_ongematcht += rest
    for i, b in enumerate(ontvangsten):
        if i not in doel:
            b.status, b.restbedrag = BetalingStatus.ONGEMATCHT, b.bedrag
            boekingen.append(_rest_boeking(b, b.bedrag, None, door=door))
            uitkomst.ongematcht += 1
            uitkomst.bedrag_ongematcht += b.bedrag
        uitkomst.bedrag_ontvangen += b.bedrag

    storno_machtigingen: dict[int, str] = {}
    teruggeboekt: list[tuple[int, Betaling]] = []
    for b in afschrijvingen:
        if id(b) in origineel:
            orig, orig_boekingen = origineel[id(b)]
            boekingen += _terugboeken(b, orig_boekingen, standen, door=door)
            b.status, b.matchregel, b.debiteur_id = (
                BetalingStatus.STORNO,
                Matchregel.TERUGBOEKING,
                orig.debiteur_id,
            )
            teruggeboekt.append((orig.pk, b))
            uitkomst.terugboekingen += 1
            uitkomst.bedrag_teruggeboekt -= b.bedrag
            machtigingen = {
                standen[bo.vordering_id].vordering.machtiging_id
                for bo in orig_boekingen
                if bo.vordering_id and standen[bo.vordering_id].vordering.machtiging_id
            }
            if b.retourcode:
                for m in machtigingen:
                    storno_machtigingen[m] = b.retourcode
        elif b.retourcode:
            # A returned collection we cannot place: the invorderaar looks into it. An ordinary
            # payment (a transfer to the Belastingdienst, a refund of ours, bank costs) is not a
            # receipt, even when it carries a kenmerk: recorded, never matched (issue #16).
            b.status, b.restbedrag = BetalingStatus.ONGEMATCHT, b.bedrag
            boekingen.append(_rest_boeking(b, b.bedrag, None, door=door))
            uitkomst.ongematcht += 1
            uitkomst.bedrag_ongematcht += b.bedrag
        else:
            b.status = BetalingStatus.GENEGEERD

    if voortgang:
        voortgang(totaal * posities // (posities + 1), totaal)
    bulk_insert(betalingen)
    boekingen_create(boekingen=boekingen)
    if teruggeboekt:
        update_per_pk(Betaling, "teruggeboekt_door", [(pk, b.pk) for pk, b in teruggeboekt])
        update_per_pk(
            Betaling, "status", [(pk, BetalingStatus.TERUGGEBOEKT.value) for pk, _ in teruggeboekt]
        )
    vorderingen_status_set(
        wijzigingen=_statuswijzigingen(
            list(standen.values()), omschrijving="Betaling verwerkt van bankafschrift"
        ),
        door=door,
    )
    _machtigingen_bijwerken(storno_machtigingen)
    return uitkomst


def _regelingsgenoten(vordering_pks) -> dict[int, list[int]]:
    """Per claim in an active betalingsregeling: the regeling's other open claims, oldest first
    (one query)."""
    # Through the claims' relation to their regelingen (Vordering.betalingsregelingen): the
    # regeling itself belongs to inningen.invordering, a layer above this one.
    paren = (
        list(
            Vordering.objects.filter(
                betalingsregelingen__status=RegelingStatus.ACTIEF,
                betalingsregelingen__vorderingen__in=list(vordering_pks),
            )
            .exclude(status__in=AFGESLOTEN_STATUSSEN)
            .filter(openstaand_bedrag__gt=0)
            .values_list("betalingsregelingen__vorderingen", "pk")
            .order_by("creatiedatum", "pk")
            .distinct()
        )
        if vordering_pks
        else []
    )
    mede: dict[int, list[int]] = defaultdict(list)
    for doel_pk, ander in paren:
        if doel_pk in vordering_pks and ander != doel_pk and ander not in mede[doel_pk]:
            mede[doel_pk].append(ander)
    return mede


def _originelen(afschrijvingen: list[Betaling]) -> dict[int, tuple[Betaling, list[Boeking]]]:
    """Per debit entry (by id(): it has no key yet) that reverses an earlier credit of ours:
    that credit and its Boekingen."""
    if not afschrijvingen:
        return {}
    sleutels = {}
    for b in afschrijvingen:
        kenmerken = bk.kenmerken_in(b.betalingskenmerk, b.eind_tot_eind_id, b.omschrijving)
        e2e = (
            b.eind_tot_eind_id if b.eind_tot_eind_id and b.eind_tot_eind_id != "NOTPROVIDED" else ""
        )
        if kenmerken or e2e:
            sleutels[id(b)] = (b, set(kenmerken), e2e)
    if not sleutels:
        return {}
    q = Q(pk__in=[])
    alle_kenmerken = {k for _, ks, _ in sleutels.values() for k in ks}
    alle_e2e = {e for _, _, e in sleutels.values() if e}
    if alle_kenmerken:
        q |= Q(betalingskenmerk__in=alle_kenmerken) | Q(eind_tot_eind_id__in=alle_kenmerken)
    if alle_e2e:
        q |= Q(eind_tot_eind_id__in=alle_e2e)
    kandidaten = list(
        Betaling.objects.filter(
            q,
            bedrag__gt=0,
            teruggeboekt_door__isnull=True,
            organisatie_id__in={b.organisatie_id for b, _, _ in sleutels.values()},
        )
        .exclude(status=BetalingStatus.TERUGGEBOEKT)
        .order_by("boekdatum", "pk")
    )
    gebruikt = set()
    result = {}
    for sleutel, (b, kenmerken, e2e) in sleutels.items():
        for c in kandidaten:
            if c.pk in gebruikt or c.bedrag != -b.bedrag or c.organisatie_id != b.organisatie_id:
                continue
            if (e2e and c.eind_tot_eind_id == e2e) or (
                kenmerken & {c.betalingskenmerk, c.eind_tot_eind_id}
            ):
                gebruikt.add(c.pk)
                result[sleutel] = (c, [])
                break
    per_pk = {c.pk: sleutel for sleutel, (c, _) in result.items()}
    for bo in Boeking.objects.filter(betaling_id__in=list(per_pk)).order_by("pk"):
        result[per_pk[bo.betaling_id]][1].append(bo)
    return result


def _terugboeken(
    b: Betaling, orig_boekingen: list[Boeking], standen, *, door: str
) -> list[Boeking]:
    """Counter-entries of everything the reversed entry booked, with the return reason."""
    reden = RETOURREDENEN.get(b.retourcode, "")
    tekst = f"Storno {b.retourcode} {reden}".strip() if b.retourcode else "Terugboeking betaling"
    result = []
    for bo in orig_boekingen:
        result.append(
            _boeking(
                b,
                -bo.bedrag_incl_btw,
                soort=Boekingsoort.STORNO if bo.vordering_id else bo.soort,
                deel=effectief_deel(bo.soort, bo.deel),
                vordering=bo.vordering_id,
                termijn_id=bo.termijn_id,
                debiteur_id=bo.debiteur_id,
                sleutel=bo.boekingssleutel,
                omschrijving=tekst,
                door=door,
                tegenboeking_van=bo,
            )
        )
        if bo.vordering_id:
            stand = standen[bo.vordering_id]
            d = effectief_deel(bo.soort, bo.deel)
            stand.open[d] = stand.open.get(d, 0) - bo.bedrag_incl_btw
            stand.betaald += bo.bedrag_incl_btw
            stand.deze_keer += bo.bedrag_incl_btw
            stand.vordering.openstaand_bedrag -= bo.bedrag_incl_btw
            stand.reden = f"{tekst} (bankafschrift {b.boekdatum:%d-%m-%Y})"
            for t in stand.termijnen:
                if t.pk == bo.termijn_id:
                    t.open -= bo.bedrag_incl_btw
    return result


def _machtigingen_bijwerken(stornos: dict[int, str]) -> None:
    """The mandates of reversed collections, as the return code says (choices.RETOURGEVOLG):

    - account closed, no mandate, debtor deceased, direct debit forbidden on the account:
      the mandate is revoked (it can never be used again);
    - wrong or blocked account, mandate data missing, blocked by the debtor's bank: suspended
      until someone has checked it;
    - the debtor's doing (refund, refusal, no funds) or no reason: counted; two storno's in a
      row suspend the mandate;
    - an error of our file or of the banks: the mandate stays as it is and is not counted.

    A suspended or revoked mandate is skipped by the next incasso file; the claims stay and
    fall back to regular collection. A credited collection is no proof of success (a debtor may
    reverse it for 8 weeks), so the count is reset by the incasso run once a collection has
    stood that long (see incasso.incassobestand_create)."""
    if not stornos:
        return
    vandaag = timezone.localdate()
    for m in Machtiging.objects.select_for_update().filter(pk__in=list(stornos)):
        code = stornos[m.pk]
        gevolg = RETOURGEVOLG.get(code, Retourgevolg.TELLEN)
        if gevolg == Retourgevolg.GEEN:
            continue
        reden = f"{code} {RETOURREDENEN.get(code, '')}".strip()
        m.opeenvolgende_stornos += 1
        if gevolg == Retourgevolg.INTREKKEN and m.status != MachtigingStatus.INGETROKKEN:
            m.status = MachtigingStatus.INGETROKKEN
            m.opmerking = f"Ingetrokken op {vandaag:%d-%m-%Y} na storno {reden}."
        elif gevolg == Retourgevolg.OPSCHORTEN and m.status == MachtigingStatus.ACTIEF:
            m.status = MachtigingStatus.OPGESCHORT
            m.opmerking = f"Opgeschort op {vandaag:%d-%m-%Y} na storno {reden}: gegevens nagaan."
        elif m.opeenvolgende_stornos >= 2 and m.status == MachtigingStatus.ACTIEF:
            m.status = MachtigingStatus.OPGESCHORT
            m.opmerking = (
                f"Opgeschort op {vandaag:%d-%m-%Y} na {m.opeenvolgende_stornos} storno's "
                f"op rij (laatste {code})."
            )
        m.opmerking = m.opmerking[:500]
        m.save(update_fields=["opeenvolgende_stornos", "status", "opmerking"])


# --- the work list: manual actions ---------------------------------------------------------------

_HANDMATIG = (BetalingStatus.ONGEMATCHT, BetalingStatus.GEPARKEERD, BetalingStatus.TERUGBETALEN)


@transaction.atomic
def betaling_allocate(
    *, betaling: Betaling, toewijzingen: list[tuple[Vordering, int]], door: str
) -> Betaling:
    """Allocate (part of) an entry's unallocated rest to one or more claims (a split).

    The rest moves off the ``onverdeeld`` Boeking by a counter-entry and onto the claims in the
    usual order; what exceeds a claim's open amount becomes its debtor's credit.
    """
    betaling = Betaling.objects.select_for_update().get(pk=betaling.pk)
    # A credit balance (tegoed) is offset against claims the same way.
    is_tegoed = betaling.status == BetalingStatus.TEGOED
    if (betaling.status not in _HANDMATIG and not is_tegoed) or betaling.bedrag <= 0:
        raise BetalingFout("Deze betaling staat niet (meer) op de werklijst.")
    totaal = sum(bedrag for _, bedrag in toewijzingen)
    if not toewijzingen or any(bedrag <= 0 for _, bedrag in toewijzingen):
        raise BetalingFout("Geef per vordering een bedrag groter dan nul.")
    if totaal > betaling.restbedrag:
        raise BetalingFout(
            f"Samen {totaal} cent; er is maar {betaling.restbedrag} cent te verdelen."
        )
    if any(v.organisatie_id != betaling.organisatie_id for v, _ in toewijzingen):
        raise BetalingFout("Een vordering hoort bij een andere organisatie dan de bankrekening.")
    vandaag = timezone.localdate()
    deel = Boekingdeel.TEGOED if is_tegoed else Boekingdeel.ONVERDEELD
    rest_boeking = Boeking.objects.filter(betaling=betaling, deel=deel).order_by("pk").first()
    boekingen = [
        _boeking(
            betaling,
            totaal,
            deel=deel,
            debiteur_id=rest_boeking.debiteur_id if rest_boeking else None,
            sleutel=SLEUTEL_TEGOED if is_tegoed else SLEUTEL_ONVERDEELD,
            omschrijving="Tegoed verrekend" if is_tegoed else "Handmatig toegerekend",
            door=door,
            tegenboeking_van=rest_boeking,
            boekdatum=vandaag,
        )
    ]
    standen = _standen([v.pk for v, _ in toewijzingen])
    for v, bedrag in toewijzingen:
        stand = standen[v.pk]
        nieuw, rest = _toerekenen(betaling, stand, bedrag, door=door, boekdatum=vandaag)
        boekingen += nieuw
        if rest:
            deb = stand.vordering.debiteur_id
            boeking = _rest_boeking(betaling, rest, deb, door=door)
            boeking.boekdatum = vandaag
            boekingen.append(boeking)
    boekingen_create(boekingen=boekingen)
    betaling.restbedrag -= totaal
    if not is_tegoed:
        betaling.matchregel = Matchregel.HANDMATIG
    if not is_tegoed and len({v.debiteur_id for v, _ in toewijzingen}) == 1:
        betaling.debiteur_id = toewijzingen[0][0].debiteur_id
    if betaling.restbedrag == 0:
        betaling.status = BetalingStatus.TOEGEREKEND
    betaling.save(update_fields=["restbedrag", "matchregel", "debiteur", "status", "updated_at"])
    vorderingen_status_set(
        wijzigingen=_statuswijzigingen(
            list(standen.values()), omschrijving="Betaling handmatig toegerekend"
        ),
        door=door,
    )
    return betaling


@transaction.atomic
def betaling_park(*, betaling: Betaling, door: str, opmerking: str = "") -> Betaling:
    return _rest_markeren(betaling, BetalingStatus.GEPARKEERD, door=door, opmerking=opmerking)


@transaction.atomic
def betaling_refund_mark(*, betaling: Betaling, door: str, opmerking: str = "") -> Betaling:
    """Mark the rest to be paid back to the account it came from."""
    if betaling.bedrag <= 0:
        raise BetalingFout("Alleen een ontvangst kan worden terugbetaald.")
    if not betaling.tegenrekening:
        raise BetalingFout("Geen tegenrekening bekend: terugbetalen kan niet.")
    return _rest_markeren(betaling, BetalingStatus.TERUGBETALEN, door=door, opmerking=opmerking)


def betaling_rest_lock(*, betaling_id: int) -> Betaling:
    """Lock the entry (serialises refunds of its rest against each other and against the work
    list's allocation, which locks it too); call inside a transaction."""
    return Betaling.objects.select_for_update().get(pk=betaling_id)


def betaling_rest_refundable(betaling: Betaling) -> None:
    """Raise BetalingFout unless (part of) the entry's rest can be paid back: a receipt on the
    work list (ongematcht, geparkeerd, terug te betalen) with something left."""
    if betaling.bedrag <= 0:
        raise BetalingFout("Alleen een ontvangst kan worden terugbetaald.")
    if betaling.restbedrag <= 0:
        raise BetalingFout("Op deze betaling staat niets meer om terug te betalen.")
    if betaling.status not in _HANDMATIG:
        raise BetalingFout(
            "Deze betaling staat niet (meer) op de werklijst; tegoed van een debiteur betaalt u "
            "terug vanaf de debiteur."
        )


@transaction.atomic
def betaling_rest_refund_book(
    *, betaling_id: int, bedrag: int, omschrijving: str, door: str
) -> Boeking:
    """Book paying back ``bedrag`` cents of the entry's unallocated rest: the money leaves the
    bank, the ``onverdeeld`` rest goes down (soort terugbetaling, so the entry's Boekingen sum to
    minus its amount plus what was refunded). Refunded in full, the entry is done (status
    terugbetaald). Locks the entry: two approvals at once cannot both take the same rest."""
    betaling = betaling_rest_lock(betaling_id=betaling_id)
    betaling_rest_refundable(betaling)
    if bedrag <= 0:
        raise BetalingFout("Het bedrag moet groter dan nul zijn.")
    if bedrag > betaling.restbedrag:
        raise BetalingFout(
            f"Op deze betaling staat nog {euro(betaling.restbedrag)} om terug te betalen: "
            f"{euro(bedrag)} terugbetalen kan niet."
        )
    vandaag = timezone.localdate()
    rest_boeking = (
        Boeking.objects.filter(betaling=betaling, deel=Boekingdeel.ONVERDEELD)
        .order_by("pk")
        .first()
    )
    [boeking] = boekingen_create(
        boekingen=[
            _boeking(
                betaling,
                bedrag,
                soort=Boekingsoort.TERUGBETALING,
                deel=Boekingdeel.ONVERDEELD,
                sleutel=SLEUTEL_ONVERDEELD,
                omschrijving=omschrijving,
                door=door,
                tegenboeking_van=rest_boeking,
                boekdatum=vandaag,
            )
        ]
    )
    betaling.restbedrag -= bedrag
    if betaling.restbedrag == 0:
        betaling.status = BetalingStatus.TERUGBETAALD
    betaling.save(update_fields=["restbedrag", "status", "updated_at"])
    return boeking


def _rest_markeren(betaling: Betaling, status, *, door: str, opmerking: str) -> Betaling:
    betaling = Betaling.objects.select_for_update().get(pk=betaling.pk)
    # A debit on the work list (a storno we could not place) has a negative rest.
    if betaling.status not in _HANDMATIG or betaling.restbedrag == 0:
        raise BetalingFout("Deze betaling staat niet (meer) op de werklijst.")
    betaling.status = status
    betaling.opmerking = f"{opmerking} ({door}, {timezone.localdate():%d-%m-%Y})".strip()[:500]
    betaling.save(update_fields=["status", "opmerking", "updated_at"])
    return betaling


# --- overlaps: entries already booked from another statement (issue #16) -------------------------


def _overlap(betaling: Betaling) -> Betaling:
    betaling = Betaling.objects.select_for_update().get(pk=betaling.pk)
    if betaling.status != BetalingStatus.OVERLAP:
        raise BetalingFout("Deze betaling staat niet (meer) als overlap op de werklijst.")
    return betaling


@transaction.atomic
def betaling_overlap_confirm(*, betaling: Betaling, door: str, opmerking: str = "") -> Betaling:
    """The invorderaar confirms that the entry is the same as the one booked before: it stays
    without ledger effect (status dubbel) and leaves the work list."""
    betaling = _overlap(betaling)
    betaling.status = BetalingStatus.DUBBEL
    tekst = opmerking or "Bevestigd als dubbel"
    betaling.opmerking = f"{tekst} ({door}, {timezone.localdate():%d-%m-%Y})"[:500]
    betaling.save(update_fields=["status", "opmerking", "updated_at"])
    return betaling


@transaction.atomic
def betaling_overlap_book(*, betaling: Betaling, door: str, opmerking: str = "") -> Betaling:
    """The invorderaar finds that the entry is a payment of its own after all (say, two equal
    payments on one day): it is booked like any unmatched entry, a receipt to the work list to
    match by hand, a payment for the record only."""
    betaling = _overlap(betaling)
    tekst = (
        f"{opmerking or 'Geen dubbel: alsnog geboekt'} ({door}, {timezone.localdate():%d-%m-%Y})"
    )
    betaling.opmerking = tekst[:500]
    if betaling.bedrag > 0:
        boekingen_create(boekingen=[_rest_boeking(betaling, betaling.bedrag, None, door=door)])
        betaling.status, betaling.restbedrag = BetalingStatus.ONGEMATCHT, betaling.bedrag
    else:
        betaling.status = BetalingStatus.GENEGEERD
    betaling.save(update_fields=["status", "restbedrag", "opmerking", "updated_at"])
    return betaling
