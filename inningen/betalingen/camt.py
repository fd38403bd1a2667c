"""Reading CAMT.053 bank statements (ISO 20022 BankToCustomerStatement), versions
camt.053.001.02 (what Dutch banks send), .001.04 and .001.08.

Every file is first checked against the official ISO 20022 schema of its version (vendored in
``schemas/``, loaded once per process); a camt.052 (intraday report) or camt.054 (debit/credit
notification) is refused with a message saying what it is. Only then are the entries read.
"""

from __future__ import annotations

import datetime
import functools
import re
from pathlib import Path

from lxml import etree

from inningen.betalingen.afschriftdata import (
    Afschriftdata,
    AfschriftFout,
    Post,
    cent_uit,
    rekening_lezen,
)
from inningen.choices import Afschriftformaat

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
VERSIES = ("02", "04", "08")  # the camt.053.001.xx versions read (an XSD for each in SCHEMA_DIR)

_CAMT_NS = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.(\d{3})\.001\.(\d\d)$")
_ANDERE_CAMT = {
    "052": "een camt.052-rekeningrapport (tussentijds overzicht van de dag)",
    "054": "een camt.054-bij-/afschrijvingsbericht (losse meldingen)",
}
MAX_SCHEMA_FOUTEN = 3


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


@functools.cache
def camt053_schema(versie: str) -> etree.XMLSchema:
    """The ISO 20022 schema of camt.053.001.<versie>, loaded once per process."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    pad = SCHEMA_DIR / f"camt.053.001.{versie}.xsd"
    return etree.XMLSchema(etree.parse(str(pad), parser=parser))


_ELEMENT = re.compile(r"^Element '(?:\{[^}]*\})?([^']*)'(?:, attribute '([^']*)')?: ")
_CLARK = re.compile(r"\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.\d\d\}")


# libxml2's schema messages in Dutch (the common ones; anything else is passed on as is).
_VERTALINGEN = (
    (
        re.compile(r"^'(.*)' is not a valid value of the atomic type '[^']*Amount[^']*'\.$"),
        "bedrag {0!r} is geen getal met hoogstens vijf decimalen",
    ),
    (
        re.compile(r"^'(.*)' is not a valid value of the atomic type '([^']*)'\.$"),
        "waarde {0!r} is geen geldige {1}",
    ),
    (
        re.compile(r"^This element is not expected\. Expected is (?:one of )?\( ?(.*?) ?\)\.$"),
        "dit element hoort hier niet; verwacht: {0}",
    ),
    (re.compile(r"^This element is not expected\.$"), "dit element hoort hier niet"),
    (
        re.compile(r"^Missing child element\(s\)\. Expected is (?:one of )?\( ?(.*?) ?\)\.$"),
        "er ontbreekt een element: {0}",
    ),
    (
        re.compile(r"^\[facet 'enumeration'\] The value '(.*)' is not an element of the set .*$"),
        "waarde {0!r} is geen toegestane code",
    ),
    (
        re.compile(r"^\[facet '(?:max|min)Length'\] The value '(.*)' has a length of '(\d+)'.*$"),
        "waarde {0!r} heeft een niet toegestane lengte ({1} tekens)",
    ),
    (
        re.compile(r"^\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern.*$"),
        "waarde {0!r} heeft niet de vorm die het schema vraagt",
    ),
)


def _schema_melding(fout) -> str:
    """One schema error as "regel N, element X: ..." in Dutch, without the namespace noise."""
    tekst = _CLARK.sub("", fout.message.strip())
    m = _ELEMENT.match(tekst)
    waar = f"regel {fout.line}"
    if m:
        waar += f", element {m.group(1)}" + (f" (attribuut {m.group(2)})" if m.group(2) else "")
        tekst = tekst[m.end() :]
    for patroon, vertaling in _VERTALINGEN:
        v = patroon.match(tekst)
        if v:
            tekst = vertaling.format(*v.groups())
            break
    return f"{waar}: {tekst}"


def camt053_validate(root, versie: str) -> None:
    """Raise AfschriftFout when the document does not conform to its camt.053 schema."""
    schema = camt053_schema(versie)
    if schema.validate(root):
        return
    # The log belongs to the schema object and is refilled by each validate call; workers run
    # one request at a time (gunicorn sync, Celery prefork), so it is this document's log.
    meldingen = [_schema_melding(f) for f in list(schema.error_log)[:MAX_SCHEMA_FOUTEN]]
    raise AfschriftFout(
        f"CAMT.053 voldoet niet aan het ISO 20022-schema camt.053.001.{versie}: "
        + "; ".join(meldingen)
    )


def camt_versie(root) -> str:
    """The camt.053 version of the document; refuse anything else with what it is."""
    qname = etree.QName(root)
    ns = qname.namespace or ""
    m = _CAMT_NS.match(ns)
    if not m or qname.localname != "Document":
        raise AfschriftFout(f"Geen CAMT.053-document (namespace {ns or 'ontbreekt'}).")
    bericht, versie = m.groups()
    if bericht in _ANDERE_CAMT:
        raise AfschriftFout(
            f"Dit bestand is {_ANDERE_CAMT[bericht]}, geen camt.053-dagafschrift: lees het "
            "dagafschrift (camt.053) van de bank in."
        )
    if bericht != "053":
        raise AfschriftFout(f"Geen CAMT.053-document (namespace {ns}).")
    if versie not in VERSIES:
        raise AfschriftFout(
            f"CAMT.053-versie camt.053.001.{versie} wordt niet gelezen; wel "
            + ", ".join(f"camt.053.001.{v}" for v in VERSIES)
            + "."
        )
    return versie


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
    """A Dt or DtTm under the path (the same in every version read)."""
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
    versie = camt_versie(root)
    camt053_validate(root, versie)
    bericht = _kind(root, "BkToCstmrStmt")
    stmts = _kinderen(bericht, "Stmt")
    afschriften = []
    for stmt in stmts:
        # The account as IBAN, or (some banks, .001.08) an IBAN or account number under Othr.
        rekening = rekening_lezen(
            _tekst(stmt, "Acct", "Id", "IBAN") or _tekst(stmt, "Acct", "Id", "Othr", "Id")
        )
        if not rekening.iban and not rekening.bban:
            raise AfschriftFout(
                f"Afschrift {_tekst(stmt, 'Id')!r}: de rekening ({rekening.tekst or 'geen'}) is "
                "geen IBAN en geen Nederlands rekeningnummer."
            )
        ident = _tekst(stmt, "Id")
        datum = None
        tekst = _tekst(stmt, "CreDtTm")[:10]
        if tekst:
            try:
                datum = datetime.date.fromisoformat(tekst)
            except ValueError:
                raise AfschriftFout(f"Aanmaakdatum {tekst!r} is onleesbaar.") from None
        afschrift = Afschriftdata(
            Afschriftformaat.CAMT053, rekening.iban, ident, datum, rekening=rekening
        )
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
