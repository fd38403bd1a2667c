"""Forms of the credit screens: a refund proposal. Business rules live in the services."""

from django import forms

from inningen.balie.forms.balie import EuroField


class _Form(forms.Form):
    # The screens' labels carry no colon (see templates/balie/_veld.html).
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TerugbetalingForm(_Form):
    betaling = forms.ModelChoiceField(
        queryset=None,
        label="Terugbetalen naar rekening",
        help_text="De tegenrekening van een betaling van deze debiteur.",
        empty_label=None,
    )
    bedrag = EuroField(label="Bedrag (€)", help_text="Ten hoogste het tegoed dat nog vrij is.")
    reden = forms.CharField(label="Reden", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, betalingen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["betaling"].queryset = betalingen
        self.fields["betaling"].label_from_instance = lambda b: (
            f"{b.tegenrekening} · {b.naam or 'naam onbekend'} · betaling van {b.boekdatum:%d-%m-%Y}"
        )

    def clean_bedrag(self):
        bedrag = self.cleaned_data.get("bedrag")
        if bedrag is None or bedrag <= 0:
            raise forms.ValidationError("Geef een bedrag groter dan nul.")
        return bedrag


class RestTerugbetalingForm(_Form):
    """Paying back (part of) a work-list receipt's rest: always to its own counter account, so
    there is no account to choose or type."""

    bedrag = EuroField(
        label="Terug te betalen bedrag (€)",
        help_text="Ten hoogste wat nog te verdelen is, min wat al is voorgesteld.",
    )
    reden = forms.CharField(label="Reden", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_bedrag(self):
        bedrag = self.cleaned_data.get("bedrag")
        if bedrag is None or bedrag <= 0:
            raise forms.ValidationError("Geef een bedrag groter dan nul.")
        return bedrag
