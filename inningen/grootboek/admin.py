"""Admin of claims (with their lines, VAT totals, instalments, status history and ledger entries)
and of the ledger itself. Imported by inningen/admin.py."""

from django.contrib import admin

from inningen.admin_basis import ReadOnlyInline
from inningen.grootboek.models import (
    Boeking,
    BtwTotaalregel,
    Termijn,
    Vordering,
    Vorderingsregel,
    Vorderingstatus,
)
from inningen.organisaties.admin import ScopeAdmin


class RegelInline(ReadOnlyInline):
    model = Vorderingsregel
    fields = [
        "volgnummer",
        "vorderingtype",
        "vorderingcode",
        "vorderingomschrijving",
        "bedrag_excl_btw",
        "bedrag_btw",
        "bedrag_incl_btw",
        "btw_categorie",
        "btw_percentage",
    ]


class BtwInline(ReadOnlyInline):
    model = BtwTotaalregel


class TermijnInline(ReadOnlyInline):
    model = Termijn


class StatusInline(ReadOnlyInline):
    model = Vorderingstatus
    fields = [
        "datum_en_tijd",
        "status",
        "totaal_betaald",
        "deel_bedrag_betaald",
        "opmerkingen",
        "door",
    ]


class BoekingInline(ReadOnlyInline):
    model = Boeking
    fk_name = "vordering"
    fields = [
        "boekdatum",
        "soort",
        "bedrag_incl_btw",
        "bedrag_excl_btw",
        "bedrag_btw",
        "boekingssleutel",
        "door",
    ]


@admin.register(Vordering)
class VorderingAdmin(ScopeAdmin):
    list_display = [
        "vorderingnummer",
        "organisatie",
        "tsa",
        "debiteur",
        "status",
        "vervaldatum",
        "totaalbedrag_incl_btw",
        "openstaand_bedrag",
    ]
    list_filter = ["status", "organisatie", "publiekrechtelijk", "invorderingsregime"]
    search_fields = [
        "=vorderingnummer",
        "=factuurnummer",
        "=debiteur__bsn",
        "debiteur__zoeknaam",
        "tsa",
    ]
    list_select_related = ["organisatie", "debiteur"]
    raw_id_fields = ["debiteur", "heeft_betrekking_op", "machtiging", "organisatorische_eenheid"]
    date_hierarchy = "creatiedatum"
    # Money and status only change through services that also write the ledger and history.
    readonly_fields = [
        "status",
        "status_datum",
        "openstaand_bedrag",
        "totaalbedrag_excl_btw",
        "totaalbedrag_btw",
        "totaalbedrag_incl_btw",
        "waarschuwingen",
        "created_at",
        "updated_at",
    ]
    inlines = [RegelInline, BtwInline, TermijnInline, StatusInline, BoekingInline]
    scope_paden = ("organisatie",)
    debiteur_pad = "debiteur"
    vordering_pad = "pk"
    lijst_logt = True


@admin.register(Boeking)
class BoekingAdmin(ScopeAdmin):
    """The ledger is read-only: corrections are new Boekingen made by the services."""

    list_display = [
        "boekdatum",
        "organisatie",
        "vordering",
        "soort",
        "bedrag_incl_btw",
        "boekingssleutel",
        "door",
    ]
    list_filter = ["soort", "organisatie", "boekdatum"]
    search_fields = ["=vordering__vorderingnummer", "boekingssleutel"]
    list_select_related = ["organisatie", "vordering"]
    date_hierarchy = "boekdatum"
    scope_paden = ("organisatie",)
    # The list shows no person; the detail page names the debtor.
    debiteur_pad = "debiteur"
    vordering_pad = "vordering"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
