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
    """Search for claims to match an entry to (GET). An amount ("12,34", "€ 12") searches the
    open amounts; anything else numbers, kenmerken, names and IBANs."""

    q = forms.CharField(
        label="Zoek vordering",
        required=False,
        max_length=200,
        help_text=(
            "Naam debiteur, vorderingnummer, factuurnummer, betalingskenmerk, IBAN of "
            "openstaand bedrag (bv. 121,00)"
        ),
    )

    def bedrag(self) -> int | None:
        """The search text as cents when it is an amount in euro notation, else None."""
        q = (self.cleaned_data.get("q") or "").strip()
        if "," not in q and not q.startswith("€"):
            return None
        try:
            return euro_naar_cent(q)
        except ValidationError:
            return None


class MatchForm(forms.Form):
    """The claims the invorderaar picks from the search results and suggestions (a checkbox
    each) with an optional amount; no amount: the default of ``verdeling_voorstellen``.

    The fields are made per claim (``kies_<pk>``, ``bedrag_<pk>``); the view passes only claims
    it read within the user's scope, so a key typed into the request cannot reach another
    organisation's claim."""

    def __init__(self, *args, vorderingen, **kwargs):
        super().__init__(*args, **kwargs)
        self.vorderingen = list(vorderingen)
        for v in self.vorderingen:
            self.fields[f"kies_{v.pk}"] = forms.BooleanField(
                required=False, label=f"Vordering {v.vorderingnummer} kiezen"
            )
            self.fields[f"bedrag_{v.pk}"] = EuroField(
                required=False,
                label=f"Bedrag voor vordering {v.vorderingnummer} (€)",
                widget=forms.TextInput(
                    attrs={
                        "aria-label": f"Bedrag voor vordering {v.vorderingnummer} in euro",
                        "inputmode": "decimal",
                        "size": 10,
                    }
                ),
            )

    def rij(self, v):
        return self[f"kies_{v.pk}"], self[f"bedrag_{v.pk}"]

    def clean(self):
        data = super().clean()
        gekozen = [
            (v, data.get(f"bedrag_{v.pk}")) for v in self.vorderingen if data.get(f"kies_{v.pk}")
        ]
        if not gekozen and not self.errors:
            raise ValidationError("Kies minstens één vordering.")
        for v, bedrag in gekozen:
            if bedrag is not None and bedrag <= 0:
                self.add_error(f"bedrag_{v.pk}", "Geef een bedrag groter dan nul.")
        data["gekozen"] = gekozen
        return data


class OpmerkingForm(forms.Form):
    opmerking = forms.CharField(label="Opmerking", required=False, max_length=300)


class BalieZoekForm(forms.Form):
    """The balie's search box (GET). CharField refuses NUL characters (PostgreSQL cannot store
    or compare them) with a clear message instead of a database error."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    pagina = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def fouten(self) -> str:
        return " ".join(e for fouten in self.errors.values() for e in fouten)


class VorderingFilterForm(forms.Form):
    """The claim filter on the debtor page (GET, works without JavaScript). Choices come from
    the debtor's own claims; a value outside them is a form error, and the page then shows the
    default (open claims only)."""

    WEERGAVE = (("open", "Alleen openstaande"), ("alle", "Alle, ook afgehandelde"))

    weergave = forms.ChoiceField(label="Tonen", choices=WEERGAVE, required=False)
    organisatie = forms.ChoiceField(label="Organisatie", required=False)
    tsa = forms.ChoiceField(label="TSA", required=False)
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, data, *, opties: dict[str, list[tuple[str, str]]]):
        super().__init__(data)
        for naam, keuzes in opties.items():
            self.fields[naam].choices = [("", "Alle"), *keuzes]
        for naam, veld in self.fields.items():
            veld.widget.attrs["id"] = f"filter-{naam}"

    def filters(self) -> dict:
        """Keyword arguments for Positie.gefilterd; the defaults when the input is invalid."""
        if not self.is_valid():
            return {"alleen_open": True}
        c = self.cleaned_data
        return {
            "alleen_open": c["weergave"] != "alle",
            "organisatie": c["organisatie"],
            "tsa": c["tsa"],
            "status": c["status"],
        }

    def fouten(self) -> str:
        return " ".join(
            f"{self.fields[naam].label}: {fout}" for naam, fouten in self.errors.items()
            for fout in fouten
        )  # fmt: skip
