"""Importing bank statements: CAMT.053 (camt.053.001.02 up to .001.08, as Dutch banks deliver)
and MT940 (with the Dutch banks' structured :86: descriptions), all or nothing per file.

The statement's own account must be a Bankrekening of an organisation; a statement already
imported (same account and statement id, or the same file) is skipped and reported.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import mt940
from django.db import transaction
from lxml import etree

from inningen.bedragen import euro
from inningen.betalingen.models import Afschrift, Betaling
from inningen.betalingen.services.betalingen import Verwerking, betalingen_process
from inningen.choices import Afschriftformaat
from inningen.organisaties.models import Bankrekening


class AfschriftFout(Exception):
    """The file is refused as a whole; the message says why (shown to the user)."""


@dataclass(slots=True)
class Post:
    """One entry as read from the file, before matching. ``bedrag`` signed cents."""

    boekdatum: datetime.date
    bedrag: int
    valutadatum: datetime.date | None = None
    tegenrekening: str = ""
    naam: str = ""
    omschrijving: str = ""
    betalingskenmerk: str = ""
    eind_tot_eind_id: str = ""
    bank_referentie: str = ""
    retourcode: str = ""


@dataclass(slots=True)
class Afschriftdata:
    formaat: str
    iban: str
    identificatie: str
    datum: datetime.date | None
    posten: list[Post] = field(default_factory=list)


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
            f"{v.ongematcht} ongematcht, {v.terugboekingen} terugboekingen; ontvangen "
            f"{euro(v.bedrag_ontvangen)}, toegerekend {euro(v.bedrag_toegerekend)}, tegoed "
            f"{euro(v.bedrag_tegoed)}, ongematcht {euro(v.bedrag_ongematcht)}, teruggeboekt "
            f"{euro(v.bedrag_teruggeboekt)}."
        )
        if self.overgeslagen:
            tekst += f" Al ingelezen en overgeslagen: {', '.join(self.overgeslagen)}."
        return tekst


def cent_uit(tekst: str) -> int:
    """A decimal amount with a dot or comma ("121.00", "121,5") to integer cents, exactly."""
    try:
        waarde = Decimal(tekst.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise AfschriftFout(f"Bedrag {tekst!r} is geen getal.") from None
    cent = waarde * 100
    if cent != cent.to_integral_value() or not waarde.is_finite():
        raise AfschriftFout(f"Bedrag {tekst!r} heeft meer dan twee decimalen.")
    return int(cent)


# --- CAMT.053 ------------------------------------------------------------------------------------

_CAMT_NS = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)$")


def _xml_parser() -> etree.XMLParser:
    # No DTDs, no entities, no network: a statement is data from outside.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


@functools.lru_cache(maxsize=512)
def _pad(ns: str, pad: tuple[str, ...]) -> str:
    return "/".join(f"{{{ns}}}{naam}" for naam in pad)


def _ns(el) -> str:
    tag = el.tag
    return tag[1 : tag.index("}")] if tag.startswith("{") else ""


def _kind(el, *pad):
    """First element along a path of local names in the element's namespace, or None (lxml's
    find in C: a 50,000-entry statement has about a million lookups)."""
    if el is None:
        return None
    return el.find(_pad(_ns(el), pad))


def _kinderen(el, naam):
    return el.findall(_pad(_ns(el), (naam,))) if el is not None else []


def _tekst(el, *pad) -> str:
    el = _kind(el, *pad)
    return (el.text or "").strip() if el is not None else ""


def _datum(el, *pad) -> datetime.date | None:
    """A Dt or DtTm under the path (camt.053.001.02 has Dt/DtTm directly, .08 the same)."""
    basis = _kind(el, *pad)
    if basis is None:
        return None
    tekst = _tekst(basis, "Dt") or _tekst(basis, "DtTm")[:10]
    try:
        return datetime.date.fromisoformat(tekst) if tekst else None
    except ValueError:
        raise AfschriftFout(f"Datum {tekst!r} is onleesbaar.") from None


def parse_camt053(inhoud: bytes) -> list[Afschriftdata]:
    if b"<!DOCTYPE" in inhoud or b"<!ENTITY" in inhoud:
        raise AfschriftFout("CAMT.053 met een DOCTYPE of entiteiten wordt geweigerd.")
    try:
        root = etree.fromstring(inhoud, parser=_xml_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise AfschriftFout(f"Geen welgevormde XML: {exc}") from None
    ns = etree.QName(root).namespace or ""
    if not _CAMT_NS.match(ns) or etree.QName(root).localname != "Document":
        raise AfschriftFout(f"Geen CAMT.053-document (namespace {ns or 'ontbreekt'}).")
    bericht = _kind(root, "BkToCstmrStmt")
    stmts = _kinderen(bericht, "Stmt")
    if not stmts:
        raise AfschriftFout("CAMT.053 zonder afschrift (Stmt).")
    afschriften = []
    for stmt in stmts:
        iban = _tekst(stmt, "Acct", "Id", "IBAN")
        ident = _tekst(stmt, "Id") or _tekst(stmt, "ElctrncSeqNb")
        if not iban or not ident:
            raise AfschriftFout("Afschrift zonder rekening (Acct/Id/IBAN) of identificatie (Id).")
        datum = None
        tekst = _tekst(stmt, "CreDtTm")[:10]
        if tekst:
            try:
                datum = datetime.date.fromisoformat(tekst)
            except ValueError:
                raise AfschriftFout(f"Aanmaakdatum {tekst!r} is onleesbaar.") from None
        afschrift = Afschriftdata(Afschriftformaat.CAMT053, iban, ident, datum)
        for nr, ntry in enumerate(_kinderen(stmt, "Ntry"), start=1):
            afschrift.posten += _camt_posten(ntry, nr)
        afschriften.append(afschrift)
    return afschriften


def _camt_posten(ntry, nr: int) -> list[Post]:
    waar = f"post {nr}"
    amt = _kind(ntry, "Amt")
    if amt is None or amt.get("Ccy") != "EUR":
        raise AfschriftFout(f"{waar}: bedrag ontbreekt of is niet in EUR.")
    bedrag = cent_uit(amt.text or "")
    teken = {"CRDT": 1, "DBIT": -1}.get(_tekst(ntry, "CdtDbtInd"))
    if teken is None or bedrag <= 0:
        raise AfschriftFout(f"{waar}: CdtDbtInd ontbreekt of bedrag is niet positief.")
    # .001.02 has <Sts>BOOK</Sts>, .001.08 <Sts><Cd>BOOK</Cd></Sts>; pending or informational
    # entries are not booked by the bank yet.
    status = _tekst(ntry, "Sts", "Cd") or _tekst(ntry, "Sts")
    if status and status != "BOOK":
        return []
    boekdatum = _datum(ntry, "BookgDt")
    if boekdatum is None:
        raise AfschriftFout(f"{waar}: boekdatum (BookgDt) ontbreekt.")
    basis = dict(
        boekdatum=boekdatum,
        valutadatum=_datum(ntry, "ValDt"),
        bank_referentie=_tekst(ntry, "AcctSvcrRef"),
    )
    retour_entry = _tekst(ntry, "NtryDtls", "TxDtls", "RtrInf", "Rsn", "Cd")
    details = [tx for d in _kinderen(ntry, "NtryDtls") for tx in _kinderen(d, "TxDtls")]
    if not details:
        return [Post(bedrag=teken * bedrag, omschrijving=_tekst(ntry, "AddtlNtryInf"), **basis)]
    posten = []
    for tx in details:
        tx_amt = (
            _kind(tx, "Amt")
            if _kind(tx, "Amt") is not None
            else _kind(tx, "AmtDtls", "TxAmt", "Amt")
        )
        if tx_amt is None and len(details) > 1:
            raise AfschriftFout(f"{waar}: verzamelpost zonder bedrag per transactie.")
        tx_bedrag = cent_uit(tx_amt.text or "") if tx_amt is not None else bedrag
        tx_teken = {"CRDT": 1, "DBIT": -1}.get(_tekst(tx, "CdtDbtInd"), teken)
        # Counterparty: who paid us on a credit, who we paid (or whose debit returned) on a debit.
        partijen = ("Dbtr", "Cdtr") if teken > 0 else ("Cdtr", "Dbtr")
        naam = iban = ""
        for partij in partijen:
            naam = (
                naam
                or _tekst(tx, "RltdPties", partij, "Nm")
                or _tekst(tx, "RltdPties", partij, "Pty", "Nm")
            )
            iban = iban or _tekst(tx, "RltdPties", partij + "Acct", "Id", "IBAN")
        rmt = _kind(tx, "RmtInf")
        ustrd = " ".join((e.text or "").strip() for e in _kinderen(rmt, "Ustrd"))
        kenmerk = ""
        for strd in _kinderen(rmt, "Strd"):
            kenmerk = kenmerk or _tekst(strd, "CdtrRefInf", "Ref")
        posten.append(
            Post(
                bedrag=tx_teken * tx_bedrag,
                tegenrekening=iban.replace(" ", "").upper(),
                naam=naam[:140],
                omschrijving=(ustrd or _tekst(ntry, "AddtlNtryInf") or _tekst(tx, "AddtlTxInf"))[
                    :1000
                ],
                betalingskenmerk=kenmerk[:35],
                eind_tot_eind_id=_tekst(tx, "Refs", "EndToEndId")[:35],
                retourcode=(_tekst(tx, "RtrInf", "Rsn", "Cd") or retour_entry)[:4],
                **basis,
            )
        )
    if sum(p.bedrag for p in posten) != teken * bedrag:
        raise AfschriftFout(f"{waar}: de transacties tellen niet op tot het bedrag van de post.")
    return posten


# --- MT940 ---------------------------------------------------------------------------------------

# The keys of the structured :86: field of Dutch banks (ABN AMRO, ING, Rabobank, SNS/ASN, Triodos).
_SLEUTELS = (
    "TRTP",
    "IBAN",
    "BIC",
    "NAME",
    "REMI",
    "EREF",
    "MARF",
    "CSID",
    "RTRN",
    "CNTP",
    "ORDP",
    "BENM",
    "ADDR",
    "PREF",
    "SVCL",
    "ULTC",
    "ULTD",
    "PURP",
    "ISDT",
    "RTYP",
    "CREF",
    "ID",
    "BUSP",
)
_SLEUTEL_RE = re.compile(r"/(" + "|".join(_SLEUTELS) + r")/")
_IBAN_IN_TEKST = re.compile(r"\b([A-Z]{2}\d{2}[A-Z]{4}\d{10})\b")


def parse_86(tekst: str) -> dict[str, str]:
    """The :86: description into fields; unstructured (older) text only has "omschrijving"."""
    tekst = (tekst or "").replace("\n", "")
    delen = (
        _SLEUTEL_RE.split("/" + tekst.lstrip("/")) if tekst.lstrip().startswith("/") else [tekst]
    )
    if len(delen) < 3:
        iban = _IBAN_IN_TEKST.search(tekst.replace(" ", "")) if tekst else None
        return {"omschrijving": tekst.strip(), "iban": iban.group(1) if iban else ""}
    velden: dict[str, str] = {}
    for sleutel, waarde in zip(delen[1::2], delen[2::2], strict=False):
        velden.setdefault(sleutel, waarde.strip("/ ").strip())
    result = {
        "omschrijving": "",
        "iban": velden.get("IBAN", ""),
        "naam": velden.get("NAME", ""),
        "eref": velden.get("EREF", ""),
        "rtrn": velden.get("RTRN", ""),
        "kenmerk": "",
    }
    if "CNTP" in velden:  # ING/Rabobank: /CNTP/iban/bic/name/city/
        cntp = velden["CNTP"].split("/")
        result["iban"] = result["iban"] or cntp[0]
        result["naam"] = result["naam"] or (cntp[2] if len(cntp) > 2 else "")
    remi = velden.get("REMI", "")
    if remi.startswith("STRD"):  # /REMI/STRD/CUR/<kenmerk>/
        result["kenmerk"] = remi.split("/")[-1]
    elif remi.startswith("USTD"):
        result["omschrijving"] = remi[4:].lstrip("/")
    else:
        result["omschrijving"] = remi
    if result["eref"] == "NOTPROVIDED":
        result["eref"] = ""
    return result


def parse_mt940(inhoud: bytes) -> list[Afschriftdata]:
    try:
        tekst = inhoud.decode("utf-8")
    except UnicodeDecodeError:
        tekst = inhoud.decode("latin-1")
    if ":20:" not in tekst or ":25:" not in tekst or (":61:" not in tekst and ":62F:" not in tekst):
        raise AfschriftFout("Geen MT940-afschrift (velden :20:, :25:, :61:/:62F: ontbreken).")
    # Several statements in one file: each starts at its own :20:.
    blokken = [b for b in re.split(r"(?m)^(?=:20:)", tekst) if ":25:" in b]
    afschriften = []
    for blok in blokken:
        try:
            transacties = mt940.models.Transactions()
            transacties.parse(blok)
        except Exception as exc:  # mt-940 raises plain errors for malformed tags
            raise AfschriftFout(f"MT940 onleesbaar: {exc}") from None
        data = transacties.data
        rekening = (data.get("account_identification") or "").split(" ")[0]
        iban = _IBAN_IN_TEKST.search(rekening.replace(" ", "").upper())
        if not iban:
            raise AfschriftFout(f"MT940 :25: {rekening!r} bevat geen IBAN.")
        ident = "/".join(
            str(data.get(k) or "")
            for k in ("transaction_reference", "statement_number", "sequence_number")
        )
        slot = data.get("final_closing_balance")
        afschrift = Afschriftdata(
            Afschriftformaat.MT940, iban.group(1), ident, _mt_datum(slot.date) if slot else None
        )
        for nr, t in enumerate(transacties, start=1):
            d = t.data
            if d.get("amount") is None or d.get("date") is None:
                raise AfschriftFout(f"MT940 post {nr}: bedrag of datum onleesbaar.")
            if (d.get("currency") or "EUR") != "EUR":
                raise AfschriftFout(f"MT940 post {nr}: valuta {d.get('currency')} is niet EUR.")
            bedrag = cent_uit(str(d["amount"].amount))
            velden = parse_86(d.get("transaction_details") or "")
            afschrift.posten.append(
                Post(
                    boekdatum=_mt_datum(d.get("entry_date") or d["date"]),
                    valutadatum=_mt_datum(d["date"]),
                    bedrag=bedrag,
                    tegenrekening=velden.get("iban", "").upper()[:34],
                    naam=velden.get("naam", "")[:140],
                    omschrijving=velden.get("omschrijving", "")[:1000],
                    betalingskenmerk=velden.get("kenmerk", "")[:35],
                    eind_tot_eind_id=velden.get("eref", "")[:35],
                    bank_referentie=(d.get("bank_reference") or "")[:140],
                    retourcode=velden.get("rtrn", "")[:4],
                )
            )
        afschriften.append(afschrift)
    if not afschriften:
        raise AfschriftFout("MT940 zonder afschrift.")
    return afschriften


def _mt_datum(d) -> datetime.date:
    return datetime.date(d.year, d.month, d.day)


def parse_afschrift(inhoud: bytes) -> list[Afschriftdata]:
    begin = inhoud.lstrip()[:200]
    if begin.startswith(b"<") or begin.startswith(b"\xef\xbb\xbf<"):
        return parse_camt053(inhoud)
    if b":20:" in inhoud[:2000] or begin.startswith(b"{1:"):
        return parse_mt940(inhoud)
    raise AfschriftFout("Onbekend bestandsformaat: verwacht CAMT.053 (XML) of MT940.")


# --- import --------------------------------------------------------------------------------------


@transaction.atomic
def afschrift_import(
    *, inhoud: bytes, door: str, bestandsnaam: str = "", organisaties=None
) -> ImportResultaat:
    """Read, match and book a statement file; all or nothing. ``organisaties`` limits which
    organisations' accounts the caller may import for (the web UI passes the user's)."""
    if not inhoud or not inhoud.strip():
        raise AfschriftFout("Het bestand is leeg.")
    sha = hashlib.sha256(inhoud).hexdigest()
    afschriften = parse_afschrift(inhoud)
    ibans = {a.iban.replace(" ", "").upper() for a in afschriften}
    rekeningen = {
        r.iban: r for r in Bankrekening.objects.select_related("organisatie").filter(iban__in=ibans)
    }
    for a in afschriften:
        rekening = rekeningen.get(a.iban.replace(" ", "").upper())
        if rekening is None:
            raise AfschriftFout(
                f"Rekening {a.iban} is geen rekening van een organisatie: bestand geweigerd."
            )
        if organisaties is not None and rekening.organisatie not in organisaties:
            raise AfschriftFout(
                f"Rekening {a.iban} hoort bij een organisatie waarvoor u niet werkt."
            )
    resultaat = ImportResultaat()
    bekend = set(
        Afschrift.objects.filter(bankrekening__in=rekeningen.values())
        .filter(identificatie__in=[a.identificatie for a in afschriften])
        .values_list("bankrekening__iban", "identificatie")
    )
    dubbel_bestand = Afschrift.objects.filter(sha256=sha).exists()
    betalingen: list[Betaling] = []
    for a in afschriften:
        rekening = rekeningen[a.iban.replace(" ", "").upper()]
        if dubbel_bestand or (rekening.iban, a.identificatie) in bekend:
            resultaat.overgeslagen.append(a.identificatie)
            continue
        afschrift = Afschrift.objects.create(
            organisatie=rekening.organisatie,
            bankrekening=rekening,
            formaat=a.formaat,
            identificatie=a.identificatie[:140],
            datum=a.datum,
            bestandsnaam=bestandsnaam[:255],
            sha256=sha,
            aantal_posten=len(a.posten),
            ingelezen_door=door,
        )
        resultaat.afschriften.append(afschrift)
        for nr, p in enumerate(a.posten, start=1):
            betalingen.append(
                Betaling(
                    afschrift=afschrift,
                    organisatie_id=rekening.organisatie_id,
                    volgnummer=nr,
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
            )
    if betalingen:
        resultaat.verwerking = betalingen_process(betalingen=betalingen, door=door)
    return resultaat
