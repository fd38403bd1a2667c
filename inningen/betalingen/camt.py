"""Reading CAMT.053 bank statements (ISO 20022 BankToCustomerStatement), versions
camt.053.001.02 (what Dutch banks send), .001.04 and .001.08.

Every file is first checked against the official ISO 20022 schema of its version (vendored in
``schemas/``, loaded once per process); a camt.052 (intraday report) or camt.054 (debit/credit
notification) is refused with a message saying what it is. Only then are the entries read.
"""

from __future__ import annotations

import datetime
import io
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
from inningen.choices import RETOUR_ZONDER_REDEN, Afschriftformaat
from inningen.xsd import xsd_schema

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
VERSIES = ("02", "04", "08")  # the camt.053.001.xx versions read (an XSD for each in SCHEMA_DIR)

_CAMT_NS = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.(\d{3})\.001\.(\d\d)$")
_ANDERE_CAMT = {
    "052": "een camt.052-rekeningrapport (tussentijds overzicht van de dag)",
    "054": "een camt.054-bij-/afschrijvingsbericht (losse meldingen)",
}
MAX_SCHEMA_FOUTEN = 3


# No DTDs, no entities, no network: a statement is data from outside.
_PARSER_OPTIES = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
)


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_OPTIES)


def camt053_schema(versie: str) -> etree.XMLSchema:
    """The ISO 20022 schema of camt.053.001.<versie>, loaded once per process."""
    return xsd_schema(SCHEMA_DIR / f"camt.053.001.{versie}.xsd")


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


def _ns(el) -> str:
    tag = el.tag
    return tag[1 : tag.index("}")] if tag.startswith("{") else ""


def _kind(el, *pad):
    """First element along a path of local names in the element's namespace, or None. One
    child step at a time with iterchildren (in C): a 50,000-entry statement has about a million
    lookups, and ``find`` with a namespaced path costs a path compilation each."""
    if el is None:
        return None
    ns = _ns(el)
    for naam in pad:
        el = next(el.iterchildren(f"{{{ns}}}{naam}"), None)
        if el is None:
            return None
    return el


def _kinderen(el, naam):
    return list(el.iterchildren(f"{{{_ns(el)}}}{naam}")) if el is not None else []


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


def _wortel(inhoud: bytes) -> etree.QName:
    """The name of the document's root element, read without building the tree."""
    try:
        for _, el in etree.iterparse(io.BytesIO(inhoud), events=("start",), **_PARSER_OPTIES):
            return etree.QName(el)
    except etree.XMLSyntaxError as exc:
        raise AfschriftFout(f"Geen welgevormde XML: {exc}") from None
    raise AfschriftFout("Geen welgevormde XML: het bestand is leeg.")


def parse_camt053(inhoud: bytes) -> list[Afschriftdata]:
    """The statements of a camt.053 document, validated against its schema while it is read.

    Streamed (iterparse): each entry is read and then dropped from the tree, so a 50,000-entry
    statement never sits in memory as a whole tree (about ten times the file). An error in an
    entry is reported only after the whole document passed the schema, as if it had been
    validated first."""
    if b"<!DOCTYPE" in inhoud or b"<!ENTITY" in inhoud:
        raise AfschriftFout("CAMT.053 met een DOCTYPE of entiteiten wordt geweigerd.")
    try:
        versie = camt_versie(_wortel(inhoud))
    except AfschriftFout:
        # Malformed XML is the first thing to say (this path only: read the whole document).
        try:
            etree.fromstring(inhoud, parser=_xml_parser())
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise AfschriftFout(f"Geen welgevormde XML: {exc}") from None
        raise
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{versie}"
    afschriften: list[Afschriftdata] = []
    posten: list[Post] = []
    nr = 0
    fout: AfschriftFout | None = None
    try:
        for _, el in etree.iterparse(
            io.BytesIO(inhoud),
            events=("end",),
            tag=(f"{{{ns}}}Ntry", f"{{{ns}}}Stmt"),
            schema=camt053_schema(versie),
            **_PARSER_OPTIES,
        ):
            if fout is None:
                try:
                    if etree.QName(el).localname == "Ntry":
                        nr += 1
                        posten += _camt_posten(el, nr)
                    else:
                        afschriften.append(_afschrift(el, posten))
                        posten, nr = [], 0
                except AfschriftFout as exc:
                    fout = exc
            # Read: drop it. The schema check runs on the parser's events, not on the tree.
            el.clear(keep_tail=False)
            el.getparent().remove(el)
    except etree.XMLSyntaxError as exc:
        if any(e.domain_name == "SCHEMASV" for e in exc.error_log):
            # Refused by the schema. The streaming check names no line and stops at the first
            # error; the whole-tree check (only on this path) gives lines and up to three.
            camt053_validate(etree.fromstring(inhoud, parser=_xml_parser()), versie)
        raise AfschriftFout(f"Geen welgevormde XML: {exc}") from None
    if fout is not None:
        raise fout
    return afschriften


def _afschrift(stmt, posten: list[Post]) -> Afschriftdata:
    """One Stmt (its entries already read and removed) with its entries."""
    # The account as IBAN, or (some banks, .001.08) an IBAN or account number under Othr.
    rekening = rekening_lezen(
        _tekst(stmt, "Acct", "Id", "IBAN") or _tekst(stmt, "Acct", "Id", "Othr", "Id")
    )
    if not rekening.iban and not rekening.bban:
        raise AfschriftFout(
            f"Afschrift {_tekst(stmt, 'Id')!r}: de rekening ({rekening.tekst or 'geen'}) is "
            "geen IBAN en geen Nederlands rekeningnummer."
        )
    datum = None
    tekst = _tekst(stmt, "CreDtTm")[:10]
    if tekst:
        try:
            datum = datetime.date.fromisoformat(tekst)
        except ValueError:
            raise AfschriftFout(f"Aanmaakdatum {tekst!r} is onleesbaar.") from None
    afschrift = Afschriftdata(
        Afschriftformaat.CAMT053,
        rekening.iban,
        _tekst(stmt, "Id"),
        datum,
        rekening=rekening,
        volgnummer=(_tekst(stmt, "LglSeqNb") or _tekst(stmt, "ElctrncSeqNb"))[:35],
    )
    _saldi(stmt, afschrift)
    afschrift.posten = posten
    return afschrift


# Opening balance: OPBD, or the previous closing (PRCD) some banks give instead; closing: CLBD.
_BEGINSALDO = ("OPBD", "PRCD")
_EINDSALDO = ("CLBD",)


def _saldi(stmt, afschrift: Afschriftdata) -> None:
    """The statement's opening and closing balance (signed cents) and their dates; the period
    (FrToDt) where a balance has no date."""
    for bal in _kinderen(stmt, "Bal"):
        soort = _tekst(bal, "Tp", "CdOrPrtry", "Cd")
        teken = -1 if _tekst(bal, "CdtDbtInd") == "DBIT" else 1
        amt = _kind(bal, "Amt")
        bedrag = teken * cent_uit(amt.text or "") if amt is not None else None
        if soort in _BEGINSALDO and afschrift.beginsaldo is None:
            afschrift.beginsaldo, afschrift.begindatum = bedrag, _datum(bal, "Dt")
        elif soort in _EINDSALDO and afschrift.eindsaldo is None:
            afschrift.eindsaldo, afschrift.einddatum = bedrag, _datum(bal, "Dt")
    for veld, pad in (("begindatum", "FrDtTm"), ("einddatum", "ToDtTm")):
        tekst = _tekst(stmt, "FrToDt", pad)[:10]
        if getattr(afschrift, veld) is None and tekst:
            try:
                setattr(afschrift, veld, datetime.date.fromisoformat(tekst))
            except ValueError:
                raise AfschriftFout(f"Periode {tekst!r} is onleesbaar.") from None


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
    retour_entry = _retourreden(_kind(ntry, "NtryDtls", "TxDtls"))
    terugboeking_entry = _is_terugboeking(ntry)
    details = [tx for d in _kinderen(ntry, "NtryDtls") for tx in _kinderen(d, "TxDtls")]
    if not details:
        return [
            Post(
                bedrag=teken * bedrag,
                omschrijving=_tekst(ntry, "AddtlNtryInf"),
                retourcode=RETOUR_ZONDER_REDEN if teken < 0 and terugboeking_entry else "",
                **basis,
            )
        ]
    posten = []
    for tx in details:
        tx_amt = _kind(tx, "Amt")
        if tx_amt is None:
            tx_amt = _kind(tx, "AmtDtls", "TxAmt", "Amt")
        if tx_amt is None and len(details) > 1:
            raise AfschriftFout(f"{waar}: verzamelpost zonder bedrag per transactie.")
        tx_bedrag = cent_uit(tx_amt.text or "") if tx_amt is not None else bedrag
        tx_teken = {"CRDT": 1, "DBIT": -1}.get(_tekst(tx, "CdtDbtInd"), teken)
        # Counterparty: who paid us on a credit, who we paid (or whose debit returned) on a debit.
        # A returned collection (R-transaction) names the parties of the collection: the debtor
        # is the counterparty, the creditor is ourselves.
        reden = _retourreden(tx) or retour_entry
        terugboeking = bool(reden) or terugboeking_entry or _is_terugboeking(tx)
        if tx_teken < 0 and terugboeking and not reden:
            reden = RETOUR_ZONDER_REDEN
        partijen = ("Dbtr", "Cdtr") if teken > 0 or terugboeking else ("Cdtr", "Dbtr")
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
                retourcode=reden,
                **basis,
            )
        )
    if sum(p.bedrag for p in posten) != teken * bedrag:
        raise AfschriftFout(f"{waar}: de transacties tellen niet op tot het bedrag van de post.")
    return posten


# ISO 20022 bank transaction codes of a returned direct debit, as the creditor's bank reports it:
# domain PMNT, family IDDT (issued direct debits; RDDT on the debtor's side), sub-family UPDD
# (return/unpaid), PRDD (reversal) or RCDD (after a cancellation request).
_TERUGBOEKING_FAMILIES = frozenset({"IDDT", "RDDT"})
_TERUGBOEKING_SUBFAMILIES = frozenset({"UPDD", "PRDD", "RCDD"})


def _retourreden(el) -> str:
    """The return reason code (RtrInf/Rsn: Cd, or Prtry where a bank uses its own list), upper
    case, at most four characters (the ISO codes are four)."""
    reden = _tekst(el, "RtrInf", "Rsn", "Cd") or _tekst(el, "RtrInf", "Rsn", "Prtry")
    return reden.upper()[:4]


def _is_terugboeking(el) -> bool:
    """Whether an entry or transaction is marked as a returned or reversed collection: its bank
    transaction code, or the reversal indicator (RvslInd) of the entry."""
    if el is None:
        return False
    if _tekst(el, "RvslInd").lower() == "true":
        return True
    fmly = _kind(el, "BkTxCd", "Domn", "Fmly")
    return (
        _tekst(el, "BkTxCd", "Domn", "Cd") == "PMNT"
        and _tekst(fmly, "Cd") in _TERUGBOEKING_FAMILIES
        and _tekst(fmly, "SubFmlyCd") in _TERUGBOEKING_SUBFAMILIES
    )
