"""Reading MT940 bank statements as the Dutch banks write them, with the mt-940 library.

What the banks do differently, and how it is read here:

- ``:25:`` holds an IBAN, an IBAN followed by the currency (ING), an IBAN in groups with spaces
  (Knab), a bank name or BIC before a slash (Triodos ``TRIODOSBANK/0390123456``) or an old
  account number (BBAN) without bank code: ``afschriftdata.rekening_lezen``.
- de Volksbank (SNS, ASN, RegioBank) puts the counterparty's IBAN (up to 34 characters) where
  MT940 allows a 16-character reference in ``:61:`` and its name on the next line; the standard
  ``:61:`` pattern of the library cannot read that. The library ships a tag for exactly that
  layout (``mt940.tags.StatementASNB``); it is used for accounts of de Volksbank's bank codes.
- ``:86:`` is structured (``/TRTP/.../IBAN/.../REMI/...``, ING ``/CNTP/...``, ``/BENM/``,
  ``/ORDP/``), Knab-style (``REK: <iban>/NAAM: <naam>``), ABN AMRO's older labelled layout
  (``IBAN: ... NAAM: ... BETALINGSKENM.: ...``) or free text: ``parse_86``.

A file the library cannot read is refused with the line and tag in Dutch; its exception
(``RuntimeError`` with the tag object and a regex dump) never reaches the user.
"""

from __future__ import annotations

import datetime
import re

import mt940
import mt940.tags

from inningen.betalingen.afschriftdata import (
    Afschriftdata,
    AfschriftFout,
    Post,
    cent_uit,
    iban_of_niets,
    rekening_lezen,
)
from inningen.choices import RETOUR_ZONDER_REDEN, Afschriftformaat

# The :61: mark RC (reversal of a credit) takes money off the account: signed negative like the
# debit it is (the library's default keeps release 5.0.0's positive sign).
_OPTIES = mt940.Options(reversal_sign=True)

# de Volksbank's bank codes: SNS, ASN Bank, RegioBank.
VOLKSBANK = frozenset({"SNSB", "ASNB", "RBRB"})

_TAGNAMEN = {
    "20": "afschriftreferentie",
    "25": "rekening",
    "28": "afschriftnummer",
    "28C": "afschriftnummer",
    "60F": "beginsaldo",
    "60M": "tussensaldo",
    "61": "boeking",
    "62F": "eindsaldo",
    "62M": "tussensaldo",
    "64": "beschikbaar saldo",
    "65": "termijnsaldo",
    "86": "omschrijving",
}
_TAG_REGEL = re.compile(r"^:(\d\d[A-Z]?):", re.MULTILINE)
_HEADER_BIC = re.compile(r"\{1:F01([A-Z]{4})[A-Z]{2}")

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
# A Dutch IBAN inside free text; not \b: de Volksbank writes "NL47INGB9999999999 naam", and
# with the spaces taken out the name follows the digits directly.
_IBAN_IN_TEKST = re.compile(r"(?<![A-Z0-9])([A-Z]{2}\d{2}[A-Z]{4}\d{10})(?!\d)")
# ABN AMRO's labelled layout (before the structured /TRTP/ one).
_ABN_LABEL = re.compile(
    r"(IBAN|BIC|NAAM|OMSCHRIJVING|BETALINGSKENM\.|KENMERK|MACHTIGING|INCASSANT):\s*"
)
# Knab: "<omschrijving> REK: <iban>/NAAM: <naam>".
_KNAB = re.compile(
    r"^(?P<omschrijving>.*?)\s*REK:\s*(?P<iban>[A-Z0-9 ]+?)\s*/NAAM:\s*(?P<naam>.*)$"
)


def parse_86(tekst: str) -> dict[str, str]:
    """The :86: description into fields; unstructured (older) text only has "omschrijving"."""
    tekst = (tekst or "").replace("\n", "")
    delen = (
        _SLEUTEL_RE.split("/" + tekst.lstrip("/")) if tekst.lstrip().startswith("/") else [tekst]
    )
    knab = _KNAB.match(tekst) if len(delen) < 3 else None
    if knab:
        return {
            "omschrijving": knab.group("omschrijving").strip(),
            "iban": iban_of_niets(knab.group("iban")),
            "naam": knab.group("naam").strip(),
        }
    if len(delen) < 3 and _ABN_LABEL.search(tekst):
        return _abn_86(tekst)
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
    # ING/Rabobank: /CNTP/iban/bic/name/city/; ING's older layout names the party by role
    # (BENM beneficiary, ORDP ordering party) in the same shape.
    for sleutel in ("CNTP", "BENM", "ORDP"):
        if sleutel in velden:
            cntp = velden[sleutel].split("/")
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


def _abn_86(tekst: str) -> dict[str, str]:
    """ABN AMRO's older SEPA layout: "SEPA OVERBOEKING  IBAN: ... BIC: ... NAAM: ...
    OMSCHRIJVING: ... BETALINGSKENM.: ..." in columns; a label may follow the previous value
    without a space once the 65-character lines are joined."""
    velden: dict[str, str] = {}
    delen = _ABN_LABEL.split(tekst)
    for label, waarde in zip(delen[1::2], delen[2::2], strict=False):
        velden.setdefault(label.rstrip("."), " ".join(waarde.split()))
    return {
        "omschrijving": " ".join(
            d for d in (delen[0].strip(), velden.get("OMSCHRIJVING", "")) if d
        ),
        "iban": iban_of_niets(velden.get("IBAN", "")),
        "naam": velden.get("NAAM", ""),
        "kenmerk": velden.get("BETALINGSKENM", ""),
        "eref": velden.get("KENMERK", ""),
    }


def _regelnummer(tekst: str, positie: int) -> int:
    return tekst.count("\n", 0, positie) + 1


def _leesfout(tekst: str, begin: int, exc: Exception) -> AfschriftFout:
    """The library's error as a Dutch message naming the line and tag, without its internals."""
    tag_id, waarde = "", ""
    if isinstance(exc, RuntimeError) and len(exc.args) >= 3:
        tag, waarde = exc.args[1], str(exc.args[2] or "")
        tag_id = str(getattr(tag, "id", "") or "")
    regel = None
    if tag_id:
        eerste = waarde.split("\n", 1)[0].strip()
        for m in _TAG_REGEL.finditer(tekst, begin):
            if m.group(1).rstrip("CFM") == tag_id.rstrip("CFM") and tekst[
                m.end() :
            ].lstrip().startswith(eerste):
                regel = _regelnummer(tekst, m.start())
                break
    if regel is None:
        regel = _regelnummer(tekst, begin)
        waar = f"MT940 afschrift vanaf regel {regel}"
    else:
        naam = _TAGNAMEN.get(tag_id, "veld")
        waar = f"MT940 regel {regel} (:{tag_id}:, {naam})"
    inhoud = waarde.split("\n", 1)[0].strip()[:60]
    return AfschriftFout(
        f"{waar} is onleesbaar"
        + (f": {inhoud!r} past niet in het MT940-formaat." if inhoud else ".")
    )


def _rekening_uit_blok(blok: str) -> str:
    m = re.search(r"^:25:(.*)$", blok, re.MULTILINE)
    return m.group(1).strip() if m else ""


def parse_mt940(inhoud: bytes) -> list[Afschriftdata]:
    try:
        tekst = inhoud.decode("utf-8")
    except UnicodeDecodeError:
        tekst = inhoud.decode("latin-1")
    tekst = tekst.replace("\r\n", "\n").replace("\r", "\n")
    if ":20:" not in tekst or ":25:" not in tekst or (":61:" not in tekst and ":62F:" not in tekst):
        raise AfschriftFout("Geen MT940-afschrift (velden :20:, :25:, :61:/:62F: ontbreken).")
    header = _HEADER_BIC.search(tekst)
    header_bank = header.group(1) if header else ""
    afschriften = []
    # Several statements in one file: each starts at its own :20:.
    for m in re.finditer(r"(?ms)^:20:.*?(?=^:20:|\Z)", tekst):
        blok = m.group(0)
        if ":25:" not in blok:
            continue
        afschriften.append(_afschrift(tekst, m.start(), blok, header_bank))
    if not afschriften:
        raise AfschriftFout("MT940 zonder afschrift.")
    return afschriften


def _afschrift(tekst: str, begin: int, blok: str, header_bank: str) -> Afschriftdata:
    rekening_tekst = _rekening_uit_blok(blok)
    rekening = rekening_lezen(rekening_tekst, bank=header_bank)
    if not rekening.iban and not rekening.bban:
        regel = _regelnummer(tekst, begin + blok.index(":25:"))
        raise AfschriftFout(
            f"MT940 regel {regel} (:25:, rekening): {rekening_tekst!r} is geen IBAN en geen "
            "Nederlands rekeningnummer."
        )
    volksbank = rekening.bank in VOLKSBANK
    tags = {mt940.tags.StatementASNB.id: mt940.tags.StatementASNB()} if volksbank else None
    # The statement ends at its closing balance: what follows (:64:/:65: balances, ING's
    # ":86:/SUM/..." summary for the account owner, the "-}" trailer) is not an entry, but the
    # library would glue such a :86: to the last entry's description.
    einde = re.search(r"^:62[FM]:.*$", blok, re.MULTILINE)
    if einde:
        blok = blok[: einde.end()] + "\n"
    try:
        transacties = mt940.models.Transactions(tags=tags, options=_OPTIES)
        transacties.parse(blok)
    except Exception as exc:  # the library raises plain errors (RuntimeError, ValueError, ...)
        raise _leesfout(tekst, begin, exc) from None
    data = transacties.data
    ident = "/".join(
        str(data.get(k) or "")
        for k in ("transaction_reference", "statement_number", "sequence_number")
    )
    slot = data.get("final_closing_balance") or data.get("intermediate_closing_balance")
    begin = data.get("final_opening_balance") or data.get("intermediate_opening_balance")
    afschrift = Afschriftdata(
        Afschriftformaat.MT940,
        rekening.iban,
        ident,
        _mt_datum(slot.date) if slot else None,
        rekening=rekening,
        volgnummer="/".join(
            str(data.get(k) or "") for k in ("statement_number", "sequence_number")
        ).strip("/"),
        begindatum=_mt_datum(begin.date) if begin else None,
        einddatum=_mt_datum(slot.date) if slot else None,
        beginsaldo=_saldo(begin),
        eindsaldo=_saldo(slot),
    )
    for nr, t in enumerate(transacties, start=1):
        afschrift.posten.append(_post(t.data, nr, volksbank))
    return afschrift


def _post(d: dict, nr: int, volksbank: bool) -> Post:
    if d.get("amount") is None or d.get("date") is None:
        raise AfschriftFout(f"MT940 post {nr}: bedrag of datum onleesbaar.")
    if (d.get("currency") or "EUR") != "EUR":
        raise AfschriftFout(f"MT940 post {nr}: valuta {d.get('currency')} is niet EUR.")
    bedrag = cent_uit(str(d["amount"].amount))
    details = d.get("transaction_details") or ""
    bank_referentie = d.get("bank_reference") or ""
    if volksbank:
        velden = _volksbank_86(details)
        # :61: carries the counterparty: its account as reference, its name on the next line.
        referentie = (d.get("customer_reference") or "").strip()
        if "//" in referentie:
            referentie, _, bank_referentie = referentie.partition("//")
        velden["iban"] = iban_of_niets(referentie) or velden["iban"]
        velden["naam"] = (d.get("extra_details") or "").strip() or velden["naam"]
    else:
        velden = parse_86(details)
    return Post(
        boekdatum=_mt_datum(d.get("entry_date") or d["date"]),
        valutadatum=_mt_datum(d["date"]),
        bedrag=bedrag,
        tegenrekening=velden.get("iban", "").upper()[:34],
        naam=velden.get("naam", "")[:140],
        omschrijving=velden.get("omschrijving", "")[:1000],
        betalingskenmerk=velden.get("kenmerk", "")[:35],
        eind_tot_eind_id=velden.get("eref", "")[:35],
        bank_referentie=bank_referentie.strip()[:140],
        retourcode=_retourcode(velden.get("rtrn", ""), d, bedrag),
    )


def _retourcode(rtrn: str, d: dict, bedrag: int) -> str:
    """The return reason of ``/RTRN/<code>/``; for a debit the bank marks as a returned or
    reversed item without one (``:61:`` type ``RTI``, or mark ``RC``: reversal of a credit)
    "reason not specified" (MS03), so it is handled as the return it is."""
    code = rtrn.strip(" /").upper()[:4]
    if code or bedrag >= 0:
        return code
    soort = (d.get("id") or "").upper()
    if soort[1:] == "RTI" or (d.get("status") or "").upper() == "RC":
        return RETOUR_ZONDER_REDEN
    return ""


def _volksbank_86(tekst: str) -> dict[str, str]:
    """de Volksbank's :86:: first line "<rekening> <naam>", then the description in 65-character
    lines padded with spaces."""
    regels = [r.strip() for r in (tekst or "").split("\n")]
    omschrijving = " ".join(r for r in regels[1:] if r)
    iban = _IBAN_IN_TEKST.search(regels[0].replace(" ", "")) if regels else None
    return {
        "omschrijving": omschrijving or (regels[0] if regels else ""),
        "iban": iban.group(1) if iban else "",
        "naam": "",
        "eref": "",
        "rtrn": "",
        "kenmerk": "",
    }


def _saldo(balans) -> int | None:
    """A balance (:60F:/:62F:) in signed cents; the library gives a debit balance negative."""
    if balans is None or getattr(balans, "amount", None) is None:
        return None
    return cent_uit(str(balans.amount.amount))


def _mt_datum(d) -> datetime.date:
    return datetime.date(d.year, d.month, d.day)
