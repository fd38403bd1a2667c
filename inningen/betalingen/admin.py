"""Admin of payments (bank statements, payments, matching settings, direct-debit files):
read-only; changes go through the services. Imported by inningen/admin.py."""

from django.contrib import admin

from inningen.admin_basis import AlleenLezenAdmin
from inningen.betalingen.models import Afschrift, Betaling, Incassobestand, Matchinstelling


@admin.register(Afschrift)
class AfschriftAdmin(AlleenLezenAdmin):
    list_display = [
        "identificatie",
        "bankrekening",
        "formaat",
        "datum",
        "aantal_posten",
        "created_at",
    ]
    list_filter = ["formaat", "organisatie"]
    search_fields = ["identificatie", "bestandsnaam", "=sha256"]


@admin.register(Betaling)
class BetalingAdmin(AlleenLezenAdmin):
    list_display = [
        "boekdatum",
        "organisatie",
        "bedrag",
        "naam",
        "status",
        "matchregel",
        "restbedrag",
    ]
    list_filter = ["status", "matchregel", "organisatie"]
    search_fields = [
        "=tegenrekening",
        "naam",
        "omschrijving",
        "=betalingskenmerk",
        "=eind_tot_eind_id",
    ]
    raw_id_fields = ["afschrift", "debiteur", "teruggeboekt_door"]


@admin.register(Matchinstelling)
class MatchinstellingAdmin(admin.ModelAdmin):
    list_display = ["organisatie", "volgorde"]


@admin.register(Incassobestand)
class IncassobestandAdmin(AlleenLezenAdmin):
    list_display = ["berichtid", "organisatie", "incassodatum", "aantal", "totaal", "created_at"]
    list_filter = ["organisatie"]
