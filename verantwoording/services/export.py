"""CSV and XLSX of a verantwoording, for finance departments without StUF."""

from decimal import Decimal

from inningen.bedragen import komma
from inningen.csvbestand import CsvBestand, Formule, XlsxBestand
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
    writer = CsvBestand()
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
    return writer.tekst().encode("utf-8")


def as_xlsx(fvw: FinancieleVerantwoording) -> bytes:
    """Amounts as numeric euro cells (Decimal, never float) with a currency format."""
    ws = XlsxBestand(f"Verantwoording {fvw.verantwoordingsnummer}")
    for rij in _kop(fvw):
        ws.append(rij)
    ws.append(KOLOMMEN, vet=True)
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
            *(Formule(f"=SUM({k}{eerste}:{k}{laatste})") for k in "BCDE"),
        ]
    )
    ws.getalopmaak('"€" #,##0.00;-"€" #,##0.00', min_row=eerste, min_col=3, max_col=5)
    ws.kolombreedte("A", 40)
    for kolom in "BCDE":
        ws.kolombreedte(kolom, 18)
    return ws.inhoud()
