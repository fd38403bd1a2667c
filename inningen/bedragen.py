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
