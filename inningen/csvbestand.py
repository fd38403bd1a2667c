"""CSV files for people: semicolon-separated, UTF-8 with a BOM (Dutch Excel opens them right),
and text that would start a spreadsheet formula quoted as text (CSV injection: names and
addresses come from TSAs and debtors)."""

import csv
import io

_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def cel(waarde):
    if isinstance(waarde, str) and waarde.startswith(_FORMULE):
        return "'" + waarde
    return waarde


def csv_tekst(kop: list[str], rijen) -> str:
    buffer = io.StringIO()
    schrijver = csv.writer(buffer, delimiter=";")
    schrijver.writerow(kop)
    schrijver.writerows([cel(w) for w in rij] for rij in rijen)
    return "\ufeff" + buffer.getvalue()
