"""Forms of the server-rendered screens. Amounts are typed in euro ("12,34", "1.234,50") and
become integer cents by exact text parsing, never through float."""

import re

from django import forms
from django.core.exceptions import ValidationError

_EURO = re.compile(r"^\s*(?:€\s*)?(?P<euro>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<cent>\d{1,2}))?\s*$")


def euro_naar_cent(tekst: str) -> int:
    """ "12,34" -> 1234; "1.234,5" -> 123450; "12" -> 1200. Dutch notation only: a dot groups
    thousands, the comma separates cents. Anything else is refused rather than guessed."""
    m = _EURO.match(tekst or "")
    if not m:
        raise ValidationError("Geef een bedrag in euro, bijvoorbeeld 12,34 of 1.234,50.")
    cent = (m.group("cent") or "0").ljust(2, "0")
    return int(m.group("euro").replace(".", "")) * 100 + int(cent)


class EuroField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return euro_naar_cent(value) if value else None


class AfschriftUploadForm(forms.Form):
    bestand = forms.FileField(label="Bankafschrift (CAMT.053 of MT940)")


class ZoekForm(forms.Form):
    q = forms.CharField(
        label="Zoek vordering",
        required=False,
        help_text="Vorderingnummer, factuurnummer, betalingskenmerk of naam debiteur",
    )


class ToewijzingForm(forms.Form):
    vordering = forms.IntegerField(label="Vordering (id)", min_value=1)
    bedrag = EuroField(label="Bedrag (€)")


ToewijzingFormSet = forms.formset_factory(ToewijzingForm, extra=3, max_num=50)


class OpmerkingForm(forms.Form):
    opmerking = forms.CharField(label="Opmerking", required=False, max_length=300)


class BalieZoekForm(forms.Form):
    """The balie's search box (GET). CharField refuses NUL characters (PostgreSQL cannot store
    or compare them) with a clear message instead of a database error."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    pagina = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def fouten(self) -> str:
        return " ".join(e for fouten in self.errors.values() for e in fouten)
