"""Admin of payments (bank statements, payments, matching settings, direct-debit files):
read-only; changes go through the services. Imported by inningen/admin.py."""

from django.contrib import admin

from inningen.betalingen.models import (
    Afschrift,
    Betaling,
    Incassobestand,
    Matchinstelling,
    Terugbetaalbestand,
    Terugbetaling,
)
from inningen.organisaties.admin import AlleenLezenScopeAdmin, ScopeAdmin


@admin.register(Afschrift)
class AfschriftAdmin(AlleenLezenScopeAdmin):
    scope_paden = ("organisatie",)
    list_display = [
        "identificatie",
        "bankrekening",
        "formaat",
        "datum",
        "volgnummer",
        "eindsaldo",
        "aantal_posten",
        "aantal_overlap",
        "created_at",
    ]
    list_filter = ["formaat", "organisatie"]
    search_fields = ["identificatie", "bestandsnaam", "=sha256"]


@admin.register(Betaling)
class BetalingAdmin(AlleenLezenScopeAdmin):
    scope_paden = ("organisatie",)
    debiteur_pad = "debiteur"
    tegenpartij_paden = ("naam", "tegenrekening")
    lijst_logt = True
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
class MatchinstellingAdmin(ScopeAdmin):
    scope_paden = ("organisatie",)
    list_display = ["organisatie", "volgorde"]


@admin.register(Incassobestand)
class IncassobestandAdmin(AlleenLezenScopeAdmin):
    scope_paden = ("organisatie",)
    list_display = ["berichtid", "organisatie", "incassodatum", "aantal", "totaal", "created_at"]
    list_filter = ["organisatie"]


# Credit (issue 16): refunds and credit transfer files, read-only (the screens and services
# write them). They hold persons' names and IBANs, so views are logged; the file's XML is only
# downloadable from the logged refund screen.
@admin.register(Terugbetaling)
class TerugbetalingAdmin(AlleenLezenScopeAdmin):
    scope_paden = ("organisatie",)
    debiteur_pad = "debiteur"
    tegenpartij_paden = ("naam", "iban")
    lijst_logt = True
    list_display = ["pk", "organisatie", "bedrag", "status", "voorgesteld_op", "eind_tot_eind_id"]
    list_filter = ["status", "organisatie"]
    search_fields = ["=eind_tot_eind_id"]
    raw_id_fields = ["debiteur", "betaling", "bestand"]


@admin.register(Terugbetaalbestand)
class TerugbetaalbestandAdmin(AlleenLezenScopeAdmin):
    scope_paden = ("organisatie",)
    list_display = ["berichtid", "organisatie", "uitvoerdatum", "aantal", "totaal", "created_at"]
    list_filter = ["organisatie"]
    exclude = ["xml"]
