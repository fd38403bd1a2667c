"""Generated bank statement files for tests and benchmarks (invented people and numbers).

The CAMT.053 files conform to the ISO 20022 schema of their version (the import checks it)."""

import datetime
import zlib
from xml.sax.saxutils import escape

CAMT_NS = {
    "02": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    "08": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
}


def _bedrag(cent: int) -> str:
    return f"{abs(cent) // 100}.{abs(cent) % 100:02d}"


def camt053(
    iban: str,
    posten: list[dict],
    *,
    ident: str = "AFS-1",
    versie: str = "02",
    datum: datetime.date | None = None,
) -> bytes:
    """posten: dicts with bedrag (signed cent) and optional naam, iban, tekst, kenmerk, e2e,
    retour, datum; or {"verzamel": [post, ...]} for one entry with several transactions."""
    datum = datum or datetime.date(2026, 11, 20)
    entries = []
    for nr, p in enumerate(posten, start=1):
        txs = p.get("verzamel", [p])
        totaal = sum(t["bedrag"] for t in txs)
        ind = "CRDT" if totaal > 0 else "DBIT"
        tx_xml = "".join(_tx(t, len(txs) > 1, versie) for t in txs)
        d = p.get("datum", datum).isoformat()
        sts = "<Sts><Cd>BOOK</Cd></Sts>" if versie == "08" else "<Sts>BOOK</Sts>"
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{_bedrag(totaal)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>{sts}'
            f"<BookgDt><Dt>{d}</Dt></BookgDt><ValDt><Dt>{d}</Dt></ValDt>"
            f"<AcctSvcrRef>{_referentie(ident, nr)}</AcctSvcrRef><BkTxCd/>"
            f"<NtryDtls>{tx_xml}</NtryDtls></Ntry>"
        )
    slot = sum(t["bedrag"] for p in posten for t in p.get("verzamel", [p]))
    saldi = _saldo("OPBD", 0, datum) + _saldo("CLBD", slot, datum)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{CAMT_NS[versie]}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{ident}</MsgId><CreDtTm>{datum.isoformat()}T08:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{ident}</Id><CreDtTm>{datum.isoformat()}T08:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>{saldi}{''.join(entries)}</Stmt>"
        "</BkToCstmrStmt></Document>"
    ).encode()


def _referentie(ident: str, nr: int) -> str:
    """The bank's own reference of an entry (AcctSvcrRef, MT940 :61: after //): unique per
    statement and entry, as the banks give it."""
    return f"{zlib.crc32(ident.encode()):010d}{nr:06d}"


def _saldo(soort: str, cent: int, datum: datetime.date) -> str:
    """A balance (Bal): the schema requires at least one per statement."""
    ind = "DBIT" if cent < 0 else "CRDT"
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{soort}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="EUR">{_bedrag(cent)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
        f"<Dt><Dt>{datum.isoformat()}</Dt></Dt></Bal>"
    )


def _tx(p: dict, met_bedrag: bool, versie: str) -> str:
    partij = "Dbtr" if p["bedrag"] > 0 else "Cdtr"
    naam = escape(p.get("naam", "A. Testpersoon"))
    nm = f"<Pty><Nm>{naam}</Nm></Pty>" if versie == "08" else f"<Nm>{naam}</Nm>"
    bedrag = (
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{_bedrag(p["bedrag"])}</Amt></TxAmt></AmtDtls>'
        if met_bedrag
        else ""
    )
    rmt = ""
    if p.get("tekst"):
        rmt += f"<Ustrd>{escape(p['tekst'])}</Ustrd>"
    if p.get("kenmerk"):
        rmt += (
            f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp>"
            f"<Ref>{p['kenmerk']}</Ref></CdtrRefInf></Strd>"
        )
    retour = f"<RtrInf><Rsn><Cd>{p['retour']}</Cd></Rsn></RtrInf>" if p.get("retour") else ""
    iban = (
        f"<{partij}Acct><Id><IBAN>{p['iban']}</IBAN></Id></{partij}Acct>" if p.get("iban") else ""
    )
    return (
        f"<TxDtls><Refs><EndToEndId>{p.get('e2e', 'NOTPROVIDED')}</EndToEndId></Refs>{bedrag}"
        f"<RltdPties><{partij}>{nm}</{partij}>{iban}</RltdPties>"
        f"{'<RmtInf>' + rmt + '</RmtInf>' if rmt else ''}{retour}</TxDtls>"
    )


def mt940(
    iban: str, posten: list[dict], *, ident: str = "MT-1", datum: datetime.date | None = None
) -> bytes:
    """The :86: in the structured form of Dutch banks (ABN AMRO style /TRTP/.../REMI/...)."""
    datum = datum or datetime.date(2026, 11, 20)
    d = datum.strftime("%y%m%d")
    regels = [":20:" + ident, ":25:" + iban, ":28C:00001/1", f":60F:C{d}EUR0,00"]
    saldo = 0
    for nr, p in enumerate(posten, start=1):
        cent = p["bedrag"]
        saldo += cent
        teken = "C" if cent > 0 else "D"
        bedrag = f"{abs(cent) // 100},{abs(cent) % 100:02d}"
        regels.append(f":61:{d}{d[2:]}{teken}{bedrag}NTRFEREF//{_referentie(ident, nr)}")
        omschr = ""
        if p.get("retour"):
            omschr += f"/RTRN/{p['retour']}"
        omschr += "/TRTP/SEPA OVERBOEKING"
        if p.get("iban"):
            omschr += f"/IBAN/{p['iban']}"
        omschr += f"/NAME/{p.get('naam', 'A. Testpersoon')}"
        if p.get("kenmerk"):
            omschr += f"/REMI/STRD/CUR/{p['kenmerk']}"
        else:
            omschr += f"/REMI/USTD//{p.get('tekst', '')}"
        omschr += f"/EREF/{p.get('e2e', 'NOTPROVIDED')}"
        regels.append(":86:" + omschr)
    teken = "C" if saldo >= 0 else "D"
    regels.append(f":62F:{teken}{d}EUR{abs(saldo) // 100},{abs(saldo) % 100:02d}")
    regels.append("-")
    return ("\r\n".join(regels) + "\r\n").encode()
