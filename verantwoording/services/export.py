"""CSV and XLSX of a verantwoording, for finance departments without StUF."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from inningen.bedragen import komma
from verantwoording.models import FinancieleVerantwoording

KOLOMMEN = ["boekingssleutel", "aantal boekingen", "bedrag excl. btw", "btw", "bedrag incl. btw"]


def _kop(fvw: FinancieleVerantwoording) -> list[list[str]]:
    return [
        ["organisatie", fvw.organisatie.naam, "RSIN", fvw.organisatie.rsin],
        ["verantwoordingsnummer", str(fvw.verantwoordingsnummer), "periode", fvw.omschrijving],
        [],
    ]


def as_csv(fvw: FinancieleVerantwoording) -> bytes:
    """Semicolon-separated with decimal commas, UTF-8 with BOM: opens correctly in Dutch Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows(_kop(fvw))
    writer.writerow(KOLOMMEN)
    totaal = [0, 0, 0, 0]
    for r in fvw.regels.all():
        writer.writerow(
            [
                r.boekingssleutel,
                r.aantal_boekingen,
                komma(r.bedrag_excl_btw),
                komma(r.bedrag_btw),
                komma(r.bedrag_incl_btw),
            ]
        )
        for i, v in enumerate(
            (r.aantal_boekingen, r.bedrag_excl_btw, r.bedrag_btw, r.bedrag_incl_btw)
        ):
            totaal[i] += v
    writer.writerow(["totaal", totaal[0], komma(totaal[1]), komma(totaal[2]), komma(totaal[3])])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(fvw: FinancieleVerantwoording) -> bytes:
    """Amounts as numeric euro cells (Decimal, never float) with a currency format."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"Verantwoording {fvw.verantwoordingsnummer}"
    for rij in _kop(fvw):
        ws.append(rij)
    ws.append(KOLOMMEN)
    for cel in ws[ws.max_row]:
        cel.font = Font(bold=True)
    eerste = ws.max_row + 1
    for r in fvw.regels.all():
        ws.append(
            [
                r.boekingssleutel,
                r.aantal_boekingen,
                Decimal(r.bedrag_excl_btw) / 100,
                Decimal(r.bedrag_btw) / 100,
                Decimal(r.bedrag_incl_btw) / 100,
            ]
        )
    laatste = ws.max_row
    ws.append(
        [
            "totaal",
            f"=SUM(B{eerste}:B{laatste})",
            f"=SUM(C{eerste}:C{laatste})",
            f"=SUM(D{eerste}:D{laatste})",
            f"=SUM(E{eerste}:E{laatste})",
        ]
    )
    for rij in ws.iter_rows(min_row=eerste, min_col=3, max_col=5):
        for cel in rij:
            cel.number_format = '"€" #,##0.00;-"€" #,##0.00'
    ws.column_dimensions["A"].width = 40
    for kolom in "BCDE":
        ws.column_dimensions[kolom].width = 18
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
