"""Forms of work management (#19): only parsing; the rules are in services/opvolging.py."""

from django import forms

from inningen.balie.forms.invordering import _Form


class OpvolgingForm(_Form):
    organisatie = forms.IntegerField(
        min_value=1, error_messages={"required": "Kies de organisatie."}
    )
    eigenaar = forms.IntegerField(min_value=1, required=False)
    datum = forms.DateField(error_messages={
        "required": "Vul een opvolgdatum in.", "invalid": "Vul een geldige datum in (dd-mm-jjjj).",
    })  # fmt: skip
    notitie = forms.CharField(max_length=1000, required=False)

    def fouten(self) -> str:
        return " ".join(e for fouten in self.errors.values() for e in fouten)


class AfhandelenForm(_Form):
    toelichting = forms.CharField(max_length=1000, required=False)


class WerkFilterForm(forms.Form):
    filter = forms.ChoiceField(
        choices=[("mijn", "mijn"), ("vrij", "vrij"), ("alle", "alle")], required=False
    )
    pagina = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class DashboardForm(forms.Form):
    organisatie = forms.IntegerField(required=False, min_value=1)
