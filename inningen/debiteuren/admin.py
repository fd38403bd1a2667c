"""Admin of debtors (with their bank accounts) and direct-debit mandates. Imported by
inningen/admin.py."""

from django.contrib import admin

from inningen.debiteuren.models import Debiteur, DebiteurRekening, Machtiging
from inningen.organisaties.admin import ScopeAdmin


class DebiteurRekeningInline(admin.TabularInline):
    model = DebiteurRekening
    extra = 0


@admin.register(Debiteur)
class DebiteurAdmin(ScopeAdmin):
    list_display = [
        "__str__",
        "soort",
        "bsn",
        "rsin",
        "kvk_nummer",
        "debiteurnummer",
        "postcode",
        "woonplaats",
    ]
    list_filter = ["soort"]
    search_fields = [
        "=bsn",
        "=rsin",
        "=kvk_nummer",
        "=debiteurnummer",
        "zoeknaam",
        "postcode",
        "statutaire_naam",
    ]
    inlines = [DebiteurRekeningInline]
    readonly_fields = ["zoeknaam", "created_at", "updated_at"]
    # As the screens: a debtor is visible through a claim of one of the user's organisations.
    # A new debtor has none yet, so only a superuser adds one here (normally a TSA does).
    scope_paden = ("vorderingen__organisatie",)
    toevoegen_alleen_superuser = True
    debiteur_pad = "pk"
    lijst_logt = True


@admin.register(Machtiging)
class MachtigingAdmin(ScopeAdmin):
    list_display = [
        "kenmerk",
        "organisatie",
        "debiteur",
        "iban",
        "status",
        "afgiftedatum",
        "laatste_incasso",
    ]
    list_filter = ["status", "organisatie"]
    search_fields = ["kenmerk", "iban", "=debiteur__bsn"]
    raw_id_fields = ["debiteur"]
    scope_paden = ("organisatie",)
    debiteur_pad = "debiteur"
    lijst_logt = True
