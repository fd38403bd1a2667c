"""Importing bank statements: CAMT.053 (camt.053.001.02, .04, .08, schema-checked: ``camt``)
and MT940 (as the Dutch banks write it: ``mt940_lezer``), all or nothing per file.

The statement's own account must be a Bankrekening of an organisation (an old account number in
MT940 :25: is recognised through the registered IBAN that embeds it). A statement already
imported (the same content on the same account, or the same file) is skipped and reported; a
statement that repeats another's bank id is imported; an entry already booked from another
statement is stored as an overlap, without ledger effect, on the work list (issue #16).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from inningen.bedragen import euro
from inningen.betalingen.afschriftdata import (
    Afschriftdata,
    AfschriftFout,
    Post,
    Rekening,
    cent_uit,
    iban_bevat_bban,
)
from inningen.betalingen.camt import parse_camt053
from inningen.betalingen.models import Afschrift, Betaling
from inningen.betalingen.mt940_lezer import parse_86, parse_mt940
from inningen.betalingen.services.betalingen import Verwerking, betalingen_process
from inningen.choices import BetalingStatus
from inningen.db.bulk import bulk_insert
from inningen.organisaties.models import Bankrekening

__all__ = [
    "AfschriftFout",
    "Afschriftdata",
    "ImportResultaat",
    "Post",
    "afschrift_import",
    "cent_uit",
    "euro",
    "parse_86",
    "parse_afschrift",
    "parse_camt053",
    "parse_mt940",
]


@dataclass(slots=True)
class ImportResultaat:
    afschriften: list[Afschrift] = field(default_factory=list)
    overgeslagen: list[str] = field(default_factory=list)  # already imported statement ids
    verwerking: Verwerking = field(default_factory=Verwerking)

    @property
    def al_ingelezen(self) -> bool:
        return not self.afschriften and bool(self.overgeslagen)

    def samenvatting(self) -> str:
        if self.al_ingelezen:
            return f"Al ingelezen, niets gewijzigd: afschrift {', '.join(self.overgeslagen)}."
        v = self.verwerking
        tekst = (
            f"{len(self.afschriften)} afschrift(en), {v.posten} posten: {v.gematcht} gematcht, "
            f"{v.ongematcht} ongematcht, {v.terugboekingen} terugboekingen; "
            f"{v.ontvangsten} ontvangsten {euro(v.bedrag_ontvangen)} (toegerekend "
            f"{euro(v.bedrag_toegerekend)}, tegoed {euro(v.bedrag_tegoed)}, ongematcht "
            f"{euro(v.bedrag_ongematcht)}); {v.afschrijvingen} afschrijvingen "
            f"{euro(v.bedrag_afgeschreven)} (teruggeboekt {euro(v.bedrag_teruggeboekt)})."
        )
        if v.overlap:
            tekst += (
                f" {v.overlap} overlap {euro(v.bedrag_overlap)}: al geboekt van een ander "
                "afschrift, niet opnieuw geboekt; te bevestigen op de werklijst (Overlap)."
            )
        if self.overgeslagen:
            tekst += f" Al ingelezen en overgeslagen: {', '.join(self.overgeslagen)}."
        return tekst


def parse_afschrift(inhoud: bytes) -> list[Afschriftdata]:
    begin = inhoud.lstrip()[:200]
    if begin.startswith(b"<") or begin.startswith(b"\xef\xbb\xbf<"):
        return parse_camt053(inhoud)
    if b":20:" in inhoud[:2000] or begin.startswith(b"{1:"):
        return parse_mt940(inhoud)
    raise AfschriftFout("Onbekend bestandsformaat: verwacht CAMT.053 (XML) of MT940.")


# --- what identifies a statement and an entry ---------------------------------------------------

# The entry's fields that make up a statement's content, in this order (also the legacy
# fingerprint of migration 0013, computed there from the stored Betalingen).
_POSTVELDEN = (
    "boekdatum",
    "valutadatum",
    "bedrag",
    "tegenrekening",
    "naam",
    "omschrijving",
    "betalingskenmerk",
    "eind_tot_eind_id",
    "bank_referentie",
    "retourcode",
)


def _hash(*delen) -> str:
    tekst = json.dumps(delen, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(tekst.encode()).hexdigest()


def _posten(a: Afschriftdata) -> list[list]:
    return [[getattr(p, v) for v in _POSTVELDEN] for p in a.posten]


def vingerafdruk(a: Afschriftdata, iban: str, posten: list[list] | None = None) -> str:
    """What identifies a statement: its account, sequence number, opening and closing balance
    with their dates, and every entry. Not the bank's id (de Volksbank repeats it every year)
    nor the creation time (a statement downloaded twice is the same statement)."""
    return _hash(
        "v1",
        iban,
        a.volgnummer,
        a.begindatum,
        a.einddatum,
        a.beginsaldo,
        a.eindsaldo,
        a.einddatum or a.datum,
        _posten(a) if posten is None else posten,
    )


def vingerafdruk_v0(a: Afschriftdata, iban: str, posten: list[list] | None = None) -> str:
    """The fingerprint migration 0013 gave statements imported before (no balances stored):
    their id, date and entries. Equal to ``migrations.0013.vingerafdruk_v0``."""
    posten = _posten(a) if posten is None else posten
    return _hash("v0", iban, a.identificatie[:140], a.datum, posten)


def _referentie(e2e: str, bank_referentie: str) -> str:
    e2e = e2e if e2e != "NOTPROVIDED" else ""
    return e2e or bank_referentie


def _postsleutel(rekening_pk: int, p) -> tuple:
    """An entry as the bank books it once: account, booking date, amount, the reference (the
    end-to-end id where there is one, else the bank's own) and the counterparty."""
    tegenpartij = p.tegenrekening or " ".join(p.naam.lower().split())
    referentie = _referentie(p.eind_tot_eind_id, p.bank_referentie)
    return (rekening_pk, p.boekdatum, p.bedrag, referentie, tegenpartij)


_ZOEK_CHUNK = 10_000


def _eerdere_posten(afschriften, rekeningen) -> dict[tuple, list]:
    """Per entry key: the entries already booked on these accounts (pk, oldest first). Only
    entries over the file's booking dates (organisation/booking date index) that carry one of
    the file's references, or none when the file has entries without one: a few queries, and
    only candidates leave the database."""
    posten = [p for a in afschriften for p in a.posten]
    if not posten:
        return {}
    e2e = {p.eind_tot_eind_id for p in posten} - {"", "NOTPROVIDED"}
    bankref = {p.bank_referentie for p in posten if not _referentie(p.eind_tot_eind_id, "")}
    zonder = "" in bankref
    basis = Betaling.objects.filter(
        organisatie_id__in={rekeningen[a.iban].organisatie_id for a in afschriften},
        boekdatum__range=(min(p.boekdatum for p in posten), max(p.boekdatum for p in posten)),
        afschrift__bankrekening_id__in={rekeningen[a.iban].pk for a in afschriften},
    ).exclude(status__in=ZONDER_GROOTBOEK_EFFECT)
    voorwaarden = [Q(eind_tot_eind_id__in=c) for c in _chunks(sorted(e2e))]
    voorwaarden += [Q(bank_referentie__in=c) for c in _chunks(sorted(bankref - {""}))]
    if zonder:
        voorwaarden.append(Q(eind_tot_eind_id__in=("", "NOTPROVIDED"), bank_referentie=""))
    rijen = {}
    for voorwaarde in voorwaarden:
        for rij in basis.filter(voorwaarde).values_list(
            "pk",
            "afschrift__bankrekening_id",
            "boekdatum",
            "bedrag",
            "eind_tot_eind_id",
            "bank_referentie",
            "tegenrekening",
            "naam",
        ):
            rijen[rij[0]] = rij
    eerder: dict[tuple, list] = defaultdict(list)
    for pk in sorted(rijen):
        _, rek, boekdatum, bedrag, e2e_id, ref, iban, naam = rijen[pk]
        post = Post(
            boekdatum=boekdatum,
            bedrag=bedrag,
            eind_tot_eind_id=e2e_id,
            bank_referentie=ref,
            tegenrekening=iban,
            naam=naam,
        )
        eerder[_postsleutel(rek, post)].append(pk)
    return eerder


def _chunks(items: list, size: int = _ZOEK_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Entries booked elsewhere: an overlap does not make a later repetition "already booked".
ZONDER_GROOTBOEK_EFFECT = (BetalingStatus.OVERLAP, BetalingStatus.DUBBEL)


def _periode(a: Afschriftdata) -> str:
    van, tot = a.begindatum or a.datum, a.einddatum or a.datum
    if not van and not tot:
        return "zonder datum"
    if van == tot or not van or not tot:
        return f"{(van or tot):%d-%m-%Y}"
    return f"{van:%d-%m-%Y} t/m {tot:%d-%m-%Y}"


# --- import --------------------------------------------------------------------------------------


@transaction.atomic
def afschrift_import(
    *,
    inhoud: bytes,
    door: str,
    bestandsnaam: str = "",
    organisaties=None,
    voortgang: Callable[[int, int], None] | None = None,
) -> ImportResultaat:
    """Read, match and book a statement file; all or nothing. ``organisaties`` limits which
    organisations' accounts the caller may import for (the web UI passes the user's).
    ``voortgang(done, total)`` is called with entries as the import proceeds (progress bar).

    A statement already imported (same fingerprint, see ``vingerafdruk``) is skipped; an entry
    already booked from another statement (``_postsleutel``) is stored as an overlap without
    ledger effect, for the invorderaar to confirm on the work list."""
    if not inhoud or not inhoud.strip():
        raise AfschriftFout("Het bestand is leeg.")
    sha = hashlib.sha256(inhoud).hexdigest()
    afschriften = parse_afschrift(inhoud)
    totaal = sum(len(a.posten) for a in afschriften)
    if voortgang:
        voortgang(0, totaal)
    rekeningen = _rekeningen_bepalen(afschriften)
    for a in afschriften:
        rekening = rekeningen[a.iban]
        if organisaties is not None and rekening.organisatie not in organisaties:
            raise AfschriftFout(
                f"Rekening {a.iban} hoort bij een organisatie waarvoor u niet werkt."
            )
    # One import per account at a time (uploads run as background tasks): a concurrent import
    # of the same statement waits here and then finds it imported, instead of failing on the
    # unique constraint.
    list(
        Bankrekening.objects.select_for_update()
        .filter(pk__in=[r.pk for r in rekeningen.values()])
        .order_by("pk")  # one lock order: no deadlock between two files of two accounts
        .values_list("pk", flat=True)
    )
    resultaat = ImportResultaat()
    if Afschrift.objects.filter(sha256=sha).exists():
        resultaat.overgeslagen = [a.identificatie for a in afschriften]
        if voortgang:
            voortgang(totaal, totaal)
        return resultaat
    afdrukken = []
    for a in afschriften:
        posten, iban = _posten(a), rekeningen[a.iban].iban
        afdrukken.append((vingerafdruk(a, iban, posten), vingerafdruk_v0(a, iban, posten)))
    bekend = set(
        Afschrift.objects.filter(
            bankrekening__in=list(rekeningen.values()),
            vingerafdruk__in=[v for paar in afdrukken for v in paar],
        ).values_list("bankrekening_id", "vingerafdruk")
    )
    nieuw: list[tuple[Afschriftdata, str]] = []
    in_bestand: dict[tuple[int, str], Afschriftdata] = {}
    for a, (v1, v0) in zip(afschriften, afdrukken, strict=True):
        rekening = rekeningen[a.iban]
        if (rekening.pk, v1) in in_bestand:
            raise AfschriftFout(
                f"Afschrift {a.identificatie} van rekening {rekening.iban} ({_periode(a)}) staat "
                "twee keer met dezelfde inhoud in het bestand: bestand geweigerd, niets ingelezen."
            )
        in_bestand[(rekening.pk, v1)] = a
        if (rekening.pk, v1) in bekend or (rekening.pk, v0) in bekend:
            resultaat.overgeslagen.append(a.identificatie)
        else:
            nieuw.append((a, v1))

    eerder = _eerdere_posten([a for a, _ in nieuw], rekeningen)
    betalingen: list[Betaling] = []
    overlappen: list[tuple[Betaling, int | Betaling]] = []
    for a, v1 in nieuw:
        rekening = rekeningen[a.iban]
        sleutels = [_postsleutel(rekening.pk, p) for p in a.posten]
        # Per key, as many entries as were booked before overlap (a day with two equal
        # payments stays two payments); oldest earlier entries first.
        gebruikt: dict[tuple, int] = defaultdict(int)
        dubbel_van: dict[int, int | Betaling] = {}
        for nr, sleutel in enumerate(sleutels):
            if gebruikt[sleutel] < len(eerder.get(sleutel, ())):
                dubbel_van[nr] = eerder[sleutel][gebruikt[sleutel]]
                gebruikt[sleutel] += 1
        afschrift = Afschrift.objects.create(
            organisatie=rekening.organisatie,
            bankrekening=rekening,
            formaat=a.formaat,
            identificatie=a.identificatie[:140],
            datum=a.datum,
            volgnummer=a.volgnummer[:35],
            begindatum=a.begindatum,
            einddatum=a.einddatum,
            beginsaldo=a.beginsaldo,
            eindsaldo=a.eindsaldo,
            vingerafdruk=v1,
            bestandsnaam=bestandsnaam[:255],
            sha256=sha,
            aantal_posten=len(a.posten),
            aantal_overlap=len(dubbel_van),
            ingelezen_door=door,
        )
        resultaat.afschriften.append(afschrift)
        for nr, p in enumerate(a.posten):
            b = Betaling(
                afschrift=afschrift,
                organisatie_id=rekening.organisatie_id,
                volgnummer=nr + 1,
                boekdatum=p.boekdatum,
                valutadatum=p.valutadatum,
                bedrag=p.bedrag,
                tegenrekening=p.tegenrekening,
                naam=p.naam,
                omschrijving=p.omschrijving,
                betalingskenmerk=p.betalingskenmerk,
                eind_tot_eind_id=p.eind_tot_eind_id,
                bank_referentie=p.bank_referentie,
                retourcode=p.retourcode,
                status="",
            )
            if nr in dubbel_van:
                overlappen.append((b, dubbel_van[nr]))
            else:
                betalingen.append(b)
                # Booked from this file: a later statement of the file repeating it overlaps.
                eerder.setdefault(sleutels[nr], []).append(b)
    if betalingen:
        resultaat.verwerking = betalingen_process(
            betalingen=betalingen, door=door, voortgang=voortgang
        )
    _overlappen_opslaan(overlappen, resultaat.verwerking)
    if voortgang:
        voortgang(totaal, totaal)
    return resultaat


def _overlappen_opslaan(overlappen, uitkomst: Verwerking) -> None:
    """Entries seen before: stored with the statement, no ledger effect, on the work list."""
    for b, origineel in overlappen:
        b.overlap_met_id = origineel if isinstance(origineel, int) else origineel.pk
        b.status, b.restbedrag = BetalingStatus.OVERLAP, 0
        b.opmerking = "Al ingelezen van een ander afschrift: niet opnieuw geboekt."
        uitkomst.posten += 1
        uitkomst.overlap += 1
        uitkomst.bedrag_overlap += abs(b.bedrag)
    bulk_insert([b for b, _ in overlappen])


def _rekeningen_bepalen(afschriften: list[Afschriftdata]) -> dict[str, Bankrekening]:
    """The organisation's Bankrekening of each statement, by IBAN; a statement that names its
    account by an old account number (BBAN) gets the registered IBAN that embeds it (one, and
    of the bank the file names when it names one). Refuses the file for an unknown account."""
    ibans = {a.iban for a in afschriften if a.iban}
    rekeningen = {
        r.iban: r for r in Bankrekening.objects.select_related("organisatie").filter(iban__in=ibans)
    }
    for a in afschriften:
        if a.iban:
            if a.iban not in rekeningen:
                raise AfschriftFout(
                    f"Rekening {a.iban} is geen rekening van een organisatie: bestand geweigerd."
                )
            continue
        rekening = _rekening_bij_bban(a.rekening)
        a.iban = rekening.iban
        rekeningen[rekening.iban] = rekening
    return rekeningen


def _rekening_bij_bban(rekening: Rekening) -> Bankrekening:
    kandidaten = [
        r
        for r in Bankrekening.objects.select_related("organisatie").filter(
            iban__startswith="NL", iban__endswith=rekening.bban
        )
        if iban_bevat_bban(r.iban, rekening.bban)
    ]
    if rekening.bank and len(kandidaten) > 1:
        kandidaten = [r for r in kandidaten if r.iban[4:8] == rekening.bank] or kandidaten
    if not kandidaten:
        raise AfschriftFout(
            f"Rekening {rekening.tekst} (oud rekeningnummer {rekening.bban}) komt in geen IBAN "
            "van een organisatie voor: bestand geweigerd. Registreer de IBAN van deze rekening."
        )
    if len(kandidaten) > 1:
        raise AfschriftFout(
            f"Rekening {rekening.tekst} (oud rekeningnummer {rekening.bban}) past bij meer dan "
            f"een IBAN ({', '.join(sorted(r.iban for r in kandidaten))}): bestand geweigerd."
        )
    return kandidaten[0]
