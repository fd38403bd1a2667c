from django.contrib import admin

from inningen.betalingen.models import Afschrift, Betaling, Incassobestand, Matchinstelling
from inningen.debiteuren.models import Debiteur, DebiteurRekening, Machtiging
from inningen.grootboek.models import (
    Boeking,
    BtwTotaalregel,
    Termijn,
    Vordering,
    Vorderingsregel,
    Vorderingstatus,
)
from inningen.organisaties.models import (
    Bankrekening,
    Medewerker,
    Organisatie,
    OrganisatorischeEenheid,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BankrekeningInline(admin.TabularInline):
    model = Bankrekening
    extra = 0


class EenheidInline(admin.TabularInline):
    model = OrganisatorischeEenheid
    extra = 0


@admin.register(Organisatie)
class OrganisatieAdmin(admin.ModelAdmin):
    list_display = ["naam", "rsin", "gemeentecode", "incassant_id"]
    search_fields = ["naam", "rsin", "gemeentecode"]
    inlines = [BankrekeningInline, EenheidInline]


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
class VorderingAdmin(admin.ModelAdmin):
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


@admin.register(Boeking)
class BoekingAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(Medewerker)
class MedewerkerAdmin(admin.ModelAdmin):
    list_display = ["user"]
    filter_horizontal = ["organisaties"]
    search_fields = ["user__username"]


# --- betalingen (bank statements, incasso): read-only; changes go through the services -------


class AlleenLezenAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


# Django loads inningen.admin; the sub-packages with admin modules of their own register here.
from inningen.invordering import admin as invordering_admin  # noqa: E402, F401
from inningen.verwerkingen import admin as verwerkingen_admin  # noqa: E402, F401
