"""Admin of debtors (with their bank accounts) and direct-debit mandates. Imported by
inningen/admin.py."""

from django.contrib import admin

from inningen.debiteuren.models import Debiteur, DebiteurRekening, Machtiging


class DebiteurRekeningInline(admin.TabularInline):
    model = DebiteurRekening
    extra = 0


@admin.register(Debiteur)
class DebiteurAdmin(admin.ModelAdmin):
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


@admin.register(Machtiging)
class MachtigingAdmin(admin.ModelAdmin):
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
