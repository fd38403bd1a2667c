"""Admin of the StUF koppelingen, the berichtenlog and the outbox.

Koppelingen are for superusers only: they hold credentials and serve several organisations. The
outbound password is write-only (stored encrypted, never rendered back). Raw messages are shown
only to users of every organisation whose claims they carry, and viewing one is logged in the
verwerkingenlogging (it contains the debtors' data)."""

from django import forms
from django.contrib import admin
from django.db.models import Q

from inningen.choices import VorderingStatus
from inningen.organisaties.admin import ScopeAdmin
from stuffin.models import Bericht, Koppeling, TsaCode, UitgaandBericht
from stuffin.services.uitgaand import uitgaand_cancel, uitgaand_resend


class KoppelingForm(forms.ModelForm):
    statussen = forms.MultipleChoiceField(
        label="Te versturen statussen",
        choices=VorderingStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Niets aangevinkt: alle statussen.",
    )
    nieuw_wachtwoord = forms.CharField(
        label="Nieuw wachtwoord (inkomend)",
        required=False,
        widget=forms.PasswordInput,
        help_text="Leeg laten om het huidige te houden. Wordt gehasht opgeslagen.",
    )

    # Write-only: the stored outbound password is never rendered back into the page.
    nieuw_uitgaand_wachtwoord = forms.CharField(
        label="Nieuw wachtwoord (uitgaand)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leeg laten om het huidige te houden. Wordt versleuteld opgeslagen.",
    )
    uitgaand_wachtwoord_wissen = forms.BooleanField(
        label="Uitgaand wachtwoord wissen", required=False
    )

    class Meta:
        model = Koppeling
        fields = [
            "naam", "organisatie", "applicatie", "administratie", "rol", "vorderende_organisaties",
            "standaard_organisatie", "url", "gebruikersnaam", "certificaat_vingerafdruk",
            "uitgaand_gebruikersnaam", "actief", "statuswijzigingen_versturen", "statussen",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("nieuw_wachtwoord"):
            self.add_error("nieuw_wachtwoord", "Een nieuwe koppeling heeft een wachtwoord nodig.")
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("nieuw_wachtwoord"):
            self.instance.set_wachtwoord(self.cleaned_data["nieuw_wachtwoord"])
        if self.cleaned_data.get("nieuw_uitgaand_wachtwoord"):
            self.instance.uitgaand_wachtwoord = self.cleaned_data["nieuw_uitgaand_wachtwoord"]
        elif self.cleaned_data.get("uitgaand_wachtwoord_wissen"):
            self.instance.uitgaand_wachtwoord = ""
        return super().save(commit=commit)


class TsaCodeInline(admin.TabularInline):
    model = TsaCode
    extra = 0


@admin.register(Koppeling)
class KoppelingAdmin(ScopeAdmin):
    form = KoppelingForm
    alleen_superuser = True
    list_display = ["__str__", "rol", "organisatie", "applicatie", "administratie", "url", "actief"]
    list_filter = ["rol", "actief"]
    search_fields = ["naam", "applicatie", "organisatie", "gebruikersnaam", "tsa_codes__code"]
    filter_horizontal = ["vorderende_organisaties"]
    inlines = [TsaCodeInline]


@admin.register(Bericht)
class BerichtAdmin(ScopeAdmin):
    """The berichtenlog: read-only evidence of every message in and out."""

    scope_paden = ("vorderingen__organisatie",)
    scope_alle = True
    debiteur_pad = "vorderingen__debiteur"

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


@admin.register(UitgaandBericht)
class UitgaandBerichtAdmin(ScopeAdmin):
    """The outbox: what we still owe TSAs, the finance system and REST abonnementen (notifications),
    and what went wrong."""

    # A notification is scoped by its claim, as a StUF status change: it is recorded only for a
    # client of the claim's organisation. A path through the abonnement's client would only add
    # rows (the paths are OR-ed): a client moved to another organisation would take the rows of
    # its former organisation's claims with it.
    scope_paden = ("vordering__organisatie", "verantwoording__organisatie")

    list_display = [
        "created_at",
        "soort",
        "ontvanger",
        "vordering",
        "status",
        "pogingen",
        "volgende_poging",
        "foutcode",
        "afgeleverd_op",
    ]
    list_filter = ["status", "soort", "koppeling", "abonnement"]
    search_fields = ["=referentienummer", "=vordering__vorderingnummer", "foutcode"]
    list_select_related = ["koppeling", "abonnement__client", "vordering"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in UitgaandBericht._meta.fields]
    actions = ["opnieuw_versturen", "alle_mislukte_van_koppeling_opnieuw", "annuleren"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="ontvanger")
    def ontvanger(self, obj):
        """The StUF koppeling, or for a notification the REST client's abonnement."""
        return obj.koppeling or obj.abonnement

    @admin.action(description="Geselecteerde mislukte/opgegeven berichten opnieuw versturen")
    def opnieuw_versturen(self, request, queryset):
        aantal = uitgaand_resend(berichten=queryset)
        self.message_user(request, f"{aantal} bericht(en) opnieuw aangeboden.")

    @admin.action(
        description="Alle mislukte/opgegeven berichten van de ontvanger(s) van de selectie opnieuw"
    )
    def alle_mislukte_van_koppeling_opnieuw(self, request, queryset):
        # Receivers are koppelingen or abonnementen; the NULL half of each pair matches nothing.
        ontvangers = Q(koppeling__in=queryset.filter(koppeling__isnull=False).values("koppeling"))
        ontvangers |= Q(
            abonnement__in=queryset.filter(abonnement__isnull=False).values("abonnement")
        )
        # Only the messages of the user's organisations, not every message of the receiver.
        aantal = uitgaand_resend(berichten=self.get_queryset(request).filter(ontvangers))
        self.message_user(request, f"{aantal} bericht(en) opnieuw aangeboden.")

    @admin.action(description="Annuleren (latere berichten van dezelfde vordering gaan dan door)")
    def annuleren(self, request, queryset):
        aantal = uitgaand_cancel(berichten=queryset)
        self.message_user(request, f"{aantal} bericht(en) geannuleerd.")
