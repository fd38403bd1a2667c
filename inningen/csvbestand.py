"""Spreadsheet files for people (CSV and XLSX): the product's one writer of both, safe against
formula injection (OWASP "CSV injection"). Names, addresses, claim numbers and vorderingcodes
come from TSAs and debtors; a value such as ``=HYPERLINK(...)`` must reach the reader as text,
never as a live formula. tests/verantwoording/test_formule_injectie.py checks that no other
module of the product writes CSV or XLSX itself.

- CSV: semicolon-separated, UTF-8 with a BOM (Dutch Excel opens them right); a text that
  starts with = + - @ TAB or CR, also after leading whitespace, gets a leading apostrophe.
  Numbers stay numbers: only strings are escaped, and a string that is just a number
  ("-12,34", an amount with a decimal comma) is left as it is.
- XLSX: every string is written as a text cell (openpyxl makes any str starting with "=" a
  formula), and a dangerous one also gets Excel's quote prefix, so it stays text when someone
  edits the cell. Only a deliberate :class:`Formule` becomes a formula.
"""

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

_FORMULE = ("=", "+", "-", "@", "\t", "\r")
_GETAL = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


class Formule(str):
    """A formula the product itself writes into an XLSX file (e.g. ``=SUM(B5:B9)``)."""


def gevaarlijk(waarde) -> bool:
    """A string a spreadsheet would take for a formula (numbers as text excepted)."""
    if not isinstance(waarde, str) or isinstance(waarde, Formule):
        return False
    # Spaces and newlines only: a leading TAB or CR is itself a trigger.
    begin = waarde.lstrip(" \u00a0\n")
    return begin.startswith(_FORMULE) and not _GETAL.fullmatch(waarde.strip())


def cel(waarde):
    """The value as a CSV cell: a dangerous string quoted as text, anything else unchanged."""
    if gevaarlijk(waarde):
        return "'" + waarde
    return waarde


class CsvBestand:
    """A CSV file built row by row; :meth:`tekst` gives it with the BOM."""

    def __init__(self):
        self._buffer = io.StringIO()
        self._schrijver = csv.writer(self._buffer, delimiter=";")

    def writerow(self, rij) -> None:
        self._schrijver.writerow([cel(w) for w in rij])

    def writerows(self, rijen) -> None:
        for rij in rijen:
            self.writerow(rij)

    def tekst(self) -> str:
        return "\ufeff" + self._buffer.getvalue()


def csv_tekst(kop: list[str], rijen) -> str:
    bestand = CsvBestand()
    bestand.writerow(kop)
    bestand.writerows(rijen)
    return bestand.tekst()


class XlsxBestand:
    """An XLSX workbook with one sheet, filled row by row through :meth:`append`."""

    def __init__(self, titel: str):
        self._werkmap = Workbook()
        self._blad = self._werkmap.active
        self._blad.title = titel[:31]  # Excel's limit for a sheet name

    @property
    def max_row(self) -> int:
        return self._blad.max_row

    def append(self, rij, *, vet: bool = False) -> None:
        rij = list(rij)
        # Plain str for openpyxl; which cells are deliberate formulas is kept here.
        formules = {i for i, w in enumerate(rij) if isinstance(w, Formule)}
        self._blad.append([str(w) if i in formules else w for i, w in enumerate(rij)])
        if not rij:
            return  # an empty row adds no cells
        for i, c in enumerate(self._blad[self._blad.max_row]):
            if i in formules:
                c.data_type = "f"
            elif isinstance(c.value, str):
                # Text, whatever it starts with (openpyxl guesses "=..." a formula, "#N/A" an
                # error); a dangerous one stays text when edited too.
                c.data_type = "s"
                if gevaarlijk(c.value):
                    c.quotePrefix = True
            if vet:
                c.font = Font(bold=True)

    def getalopmaak(self, formaat: str, *, min_row: int, min_col: int, max_col: int) -> None:
        for rij in self._blad.iter_rows(min_row=min_row, min_col=min_col, max_col=max_col):
            for c in rij:
                c.number_format = formaat

    def kolombreedte(self, kolom: str, breedte: float) -> None:
        self._blad.column_dimensions[kolom].width = breedte

    def inhoud(self) -> bytes:
        buffer = io.BytesIO()
        self._werkmap.save(buffer)
        return buffer.getvalue()
