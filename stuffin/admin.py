from django import forms
from django.contrib import admin

from .models import Bericht, Koppeling, TsaCode


class KoppelingForm(forms.ModelForm):
    nieuw_wachtwoord = forms.CharField(
        label="Nieuw wachtwoord (inkomend)",
        required=False,
        widget=forms.PasswordInput,
        help_text="Leeg laten om het huidige te houden. Wordt gehasht opgeslagen.",
    )

    class Meta:
        model = Koppeling
        fields = [
            "naam", "organisatie", "applicatie", "administratie", "rol", "vorderende_organisaties",
            "standaard_organisatie", "url", "gebruikersnaam", "certificaat_vingerafdruk",
            "uitgaand_gebruikersnaam", "uitgaand_wachtwoord", "actief",
        ]  # fmt: skip
        widgets = {"uitgaand_wachtwoord": forms.PasswordInput(render_value=True)}

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("nieuw_wachtwoord"):
            self.add_error("nieuw_wachtwoord", "Een nieuwe koppeling heeft een wachtwoord nodig.")
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("nieuw_wachtwoord"):
            self.instance.set_wachtwoord(self.cleaned_data["nieuw_wachtwoord"])
        return super().save(commit=commit)


class TsaCodeInline(admin.TabularInline):
    model = TsaCode
    extra = 0


@admin.register(Koppeling)
class KoppelingAdmin(admin.ModelAdmin):
    form = KoppelingForm
    list_display = ["__str__", "rol", "organisatie", "applicatie", "administratie", "url", "actief"]
    list_filter = ["rol", "actief"]
    search_fields = ["naam", "applicatie", "organisatie", "gebruikersnaam", "tsa_codes__code"]
    filter_horizontal = ["vorderende_organisaties"]
    inlines = [TsaCodeInline]


@admin.register(Bericht)
class BerichtAdmin(admin.ModelAdmin):
    """The berichtenlog: read-only evidence of every message in and out."""

    list_display = [
        "tijdstip",
        "richting",
        "berichtsoort",
        "koppeling",
        "zender_applicatie",
        "referentienummer",
        "antwoordsoort",
        "foutcode",
        "aantal_objecten",
        "duur_ms",
    ]
    list_filter = ["richting", "berichtsoort", "antwoordsoort", "koppeling"]
    search_fields = ["=referentienummer", "=crossrefnummer", "foutcode", "zender_applicatie"]
    date_hierarchy = "tijdstip"
    list_select_related = ["koppeling"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
