"""Forms of the invordering screens: opschorting, afboekingsvoorstel and its beoordeling,
betalingsregeling. Business rules live in the services; these only parse input."""

from django import forms
from django.utils import timezone

from inningen.balie.forms.balie import EuroField
from inningen.bedragen import euro
from inningen.choices import Afboekingsoort, Betaalwijze, Opschortingsoort, Regelingsoort


class DatumInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class _Form(forms.Form):
    # The screens' labels carry no colon (see templates/balie/_veld.html).
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class OpschortingForm(_Form):
    soort = forms.ChoiceField(choices=Opschortingsoort.choices)
    reden = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    vanaf = forms.DateField(widget=DatumInput, initial=timezone.localdate)
    tot = forms.DateField(
        required=False,
        widget=DatumInput,
        help_text="Verplicht bij uitstel; leeg bij bezwaar: tot de beslissing.",
    )


class AfboekingForm(_Form):
    soort = forms.ChoiceField(choices=Afboekingsoort.choices)
    bedrag = EuroField(
        label="Bedrag (€)",
        required=False,
        help_text="Leeg bij oninbaar en volledige kwijtschelding: het hele openstaande bedrag.",
    )
    reden = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class BeoordelingForm(_Form):
    toelichting = forms.CharField(max_length=1000, required=False)


class RegelingForm(_Form):
    vorderingen = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Vorderingen in de regeling"
    )
    soort = forms.ChoiceField(choices=Regelingsoort.choices, widget=forms.RadioSelect)
    maandbedrag = EuroField(label="Maandbedrag (€)", required=False)
    aantal_termijnen = forms.IntegerField(label="Aantal termijnen", required=False, min_value=1)
    startdatum = forms.DateField(
        widget=DatumInput, help_text="Vervaldatum van de eerste termijn; daarna elke maand."
    )
    betaalwijze = forms.ChoiceField(choices=Betaalwijze.choices, widget=forms.RadioSelect)
    machtiging = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Alleen bij automatische incasso."
    )

    def __init__(self, *args, vorderingen, machtigingen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vorderingen"].queryset = vorderingen
        self.fields["vorderingen"].label_from_instance = lambda v: (
            f"{v.vorderingnummer} · {v.organisatie.naam} · {v.tsa} · "
            f"{v.algemene_factuuromschrijving} · open {euro(v.openstaand_bedrag)}"
        )
        self.fields["machtiging"].queryset = machtigingen

    def clean(self):
        data = super().clean()
        if data.get("soort") == Regelingsoort.VAST_BEDRAG and not data.get("maandbedrag"):
            self.add_error("maandbedrag", "Geef het maandbedrag.")
        if data.get("soort") == Regelingsoort.AANTAL_TERMIJNEN and not data.get("aantal_termijnen"):
            self.add_error("aantal_termijnen", "Geef het aantal termijnen.")
        if data.get("betaalwijze") == Betaalwijze.INCASSO and not data.get("machtiging"):
            self.add_error("machtiging", "Kies de machtiging voor de automatische incasso.")
        if data.get("betaalwijze") == Betaalwijze.OVERMAKING:
            data["machtiging"] = None
        return data


class RunBevestigenForm(_Form):
    """The approval of a run: the user confirms they checked what the confirmation states, and
    the fingerprint of that confirmation comes back, so a changed preview is not approved."""

    gecontroleerd = forms.BooleanField(
        label="Ik heb gecontroleerd wat deze run doet (aantallen, kosten en voorbeeldbrieven) "
        "en keur de run goed.",
        error_messages={
            "required": "Vink aan dat u de aantallen, kosten en voorbeeldbrieven hebt "
            "gecontroleerd; zonder die bevestiging wordt de run niet uitgevoerd."
        },
    )
    kenmerk = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": "De bevestiging ontbreekt; open de bevestiging opnieuw."},
    )
    forceer = forms.BooleanField(required=False)
