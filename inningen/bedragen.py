"""Formatting money at the edge. Amounts are integer cents everywhere else; these never use
floats."""


def euro(cent) -> str:
    """12345678 → "€ 123.456,78"; negative "-€ 12,00"; empty for None."""
    if cent is None or cent == "":
        return ""
    cent = int(cent)
    teken = "-" if cent < 0 else ""
    euros, centen = divmod(abs(cent), 100)
    return f"{teken}€ {euros:,}".replace(",", ".") + f",{centen:02d}"


def komma(cent: int) -> str:
    """12345678 → "123456,78": a plain decimal-comma number for CSV files."""
    teken = "-" if cent < 0 else ""
    euros, centen = divmod(abs(int(cent)), 100)
    return f"{teken}{euros},{centen:02d}"


# The StUF-FIN standard's datatypes (koppelvlakspecificatie, Bijlage B): every amount is N(11)
# cents, every percentage N(6) hundredths of a percent. One rule for every way in (StUF, a future
# API): grootboek.services.vorderingen.vordering_check refuses a claim beyond them.
MAX_BEDRAG = 10**11 - 1
MAX_PERCENTAGE = 10**6 - 1


def bedrag_past(cent: int | None) -> bool:
    """Fits N(11) (either sign; None is no amount)."""
    return cent is None or abs(cent) <= MAX_BEDRAG


def percentage_past(honderdsten: int | None) -> bool:
    """Fits N(6) (either sign; None is no percentage)."""
    return honderdsten is None or abs(honderdsten) <= MAX_PERCENTAGE
