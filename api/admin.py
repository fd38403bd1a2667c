"""Admin of the API clients, their abonnementen and idempotency keys.

Scoped like every admin (inningen.admin_basis): a beheerder sees and changes only the clients
of its own organisations. A token is shown once, in the message after it is issued; only its
hash is stored and only its first characters (``token_begin``) are ever displayed. The
Authorization value of an abonnement is write-only (stored encrypted, never rendered back)."""

from django import forms
from django.contrib import admin, messages

from api.models import Abonnement, ApiClient, ApiClientTsaCode, Idempotentie, Kanaal, Scope
from api.services.clients import apiclient_revoke, apiclient_save
from inningen.organisaties.admin import AlleenLezenScopeAdmin, ScopeAdmin


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=Scope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiClient
        fields = ["naam", "organisatie", "scopes", "actief"]

    def clean_scopes(self):
        return sorted(set(self.cleaned_data["scopes"]))


class ApiClientTsaCodeInline(admin.TabularInline):
    model = ApiClientTsaCode
    extra = 0
    verbose_name_plural = "TSA-codes (geen: alleen lezen, hele organisatie)"


def _toon_token(model_admin, request, nieuw) -> None:
    model_admin.message_user(
        request,
        f"Nieuw token voor {nieuw.client.naam} (wordt niet opnieuw getoond; "
        f"een eerder token werkt niet meer): {nieuw.token}",
        messages.WARNING,
    )


def _token_uitgeven(client: ApiClient):
    return apiclient_save(
        naam=client.naam,
        organisatie=client.organisatie,
        scopes=list(client.scopes or []),
        tsa_codes=None,  # keep the client's codes
    )


@admin.register(ApiClient)
class ApiClientAdmin(ScopeAdmin):
    form = ApiClientForm
    scope_paden = ("organisatie",)
    inlines = [ApiClientTsaCodeInline]
    list_display = [
        "naam",
        "organisatie",
        "scopes_tekst",
        "tsa_codes_tekst",
        "token_begin",
        "actief",
        "ingetrokken_op",
    ]
    list_filter = ["actief", "organisatie"]
    search_fields = ["naam", "tsa_codes__code", "token_begin"]
    list_select_related = ["organisatie"]
    readonly_fields = ["token_begin", "ingetrokken_op", "created_at", "updated_at"]
    actions = ["token_intrekken", "nieuw_token_uitgeven"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tsa_codes")

    @admin.display(description="scopes")
    def scopes_tekst(self, obj):
        return ", ".join(obj.scopes or [])

    @admin.display(description="TSA-codes")
    def tsa_codes_tekst(self, obj):
        return ", ".join(t.code for t in obj.tsa_codes.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new client gets its first token once its TSA codes are saved.
        if not change and form.instance.actief:
            _toon_token(self, request, _token_uitgeven(form.instance))

    @admin.action(description="Token intrekken", permissions=["change"])
    def token_intrekken(self, request, queryset):
        aantal = 0
        for client in queryset:
            apiclient_revoke(client=client)
            aantal += 1
        self.message_user(request, f"Token van {aantal} API-client(s) ingetrokken.")

    @admin.action(
        description="Nieuw token uitgeven (één client; het oude vervalt)", permissions=["change"]
    )
    def nieuw_token_uitgeven(self, request, queryset):
        clients = list(queryset.select_related("organisatie")[:2])
        if len(clients) != 1:
            self.message_user(
                request,
                "Kies precies één API-client om een nieuw token uit te geven.",
                messages.ERROR,
            )
            return
        _toon_token(self, request, _token_uitgeven(clients[0]))


class AbonnementForm(forms.ModelForm):
    # Write-only: the stored Authorization value is never rendered back into the page.
    nieuwe_auth = forms.CharField(
        label="Nieuwe Authorization-waarde",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leeg laten om de huidige te houden. Wordt versleuteld opgeslagen.",
    )
    auth_wissen = forms.BooleanField(label="Authorization-waarde wissen", required=False)

    class Meta:
        model = Abonnement
        fields = ["actief"]

    def save(self, commit=True):
        if self.cleaned_data.get("nieuwe_auth"):
            self.instance.auth = self.cleaned_data["nieuwe_auth"]
        elif self.cleaned_data.get("auth_wissen"):
            self.instance.auth = ""
        return super().save(commit=commit)


@admin.register(Abonnement)
class AbonnementAdmin(ScopeAdmin):
    """Abonnementen are made by the clients through the API; here they can be looked at and
    switched off."""

    form = AbonnementForm
    scope_paden = ("client__organisatie",)
    list_display = ["client", "callback_url", "kanalen_tekst", "actief", "created_at"]
    list_filter = ["actief"]
    search_fields = ["client__naam", "callback_url", "=uuid"]
    list_select_related = ["client"]
    readonly_fields = ["uuid", "client", "callback_url", "kanalen_tekst", "created_at"]
    fields = [
        "uuid",
        "client",
        "callback_url",
        "kanalen_tekst",
        "actief",
        "nieuwe_auth",
        "auth_wissen",
        "created_at",
    ]

    @admin.display(description="kanalen")
    def kanalen_tekst(self, obj):
        labels = dict(Kanaal.choices)
        return ", ".join(labels.get(k, k) for k in obj.kanalen or [])

    def has_add_permission(self, request):
        return False


@admin.register(Idempotentie)
class IdempotentieAdmin(AlleenLezenScopeAdmin):
    """Which Idempotency-Keys were used. The stored answer is not shown: it may hold a
    debtor's data, and a replay is what it is for."""

    scope_paden = ("client__organisatie",)
    list_display = ["created_at", "client", "sleutel", "http_status", "location"]
    list_filter = ["http_status"]
    search_fields = ["=sleutel", "client__naam"]
    list_select_related = ["client"]
    date_hierarchy = "created_at"
    fields = ["client", "sleutel", "http_status", "location", "created_at"]
    readonly_fields = fields
