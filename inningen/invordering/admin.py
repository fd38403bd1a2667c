"""Functioneel beheer of collection: settings per organisation and the dated tables (editable),
runs, steps, letters, regelingen, opschortingen and write-off proposals (read-only: they change
only through the services, which keep ledger, letters and TSA messages consistent)."""

from django.contrib import admin

from inningen.invordering.models import (
    Afboekingsvoorstel,
    Betalingsregeling,
    Brief,
    Invorderingsinstelling,
    Invorderingsrun,
    Invorderingsstap,
    Kostentarief,
    Opschorting,
    Rentetarief,
    Wikstaffel,
)
from inningen.organisaties.admin import AlleenLezenScopeAdmin, ScopeAdmin

ORGANISATIE = ("organisatie",)
VIA_VORDERING = ("vordering__organisatie",)


@admin.register(Invorderingsinstelling)
class InvorderingsinstellingAdmin(ScopeAdmin):
    scope_paden = ORGANISATIE
    list_display = [
        "organisatie",
        "herinnering_na_dagen",
        "aanmaning_termijn_dagen",
        "minimum_bedrag",
        "rente_berekenen",
        "automatisch_uitvoeren",
    ]


@admin.register(Kostentarief)
class KostentariefAdmin(ScopeAdmin):
    """Statutory tables hold for every organisation: global, changed by superusers only."""

    list_display = ["soort", "geldig_vanaf", "drempel", "bedrag_onder", "bedrag_vanaf", "maximum"]
    list_filter = ["soort"]


@admin.register(Wikstaffel)
class WikstaffelAdmin(ScopeAdmin):
    list_display = ["geldig_vanaf", "minimum", "maximum", "bron"]


@admin.register(Rentetarief)
class RentetariefAdmin(ScopeAdmin):
    list_display = ["soort", "geldig_vanaf", "percentage", "bron"]
    list_filter = ["soort"]


@admin.register(Invorderingsrun)
class InvorderingsrunAdmin(AlleenLezenScopeAdmin):
    scope_paden = ORGANISATIE
    list_display = ["datum", "organisatie", "status", "geforceerd", "uitgevoerd_door", "created_at"]
    list_filter = ["status", "organisatie"]
    date_hierarchy = "datum"


@admin.register(Invorderingsstap)
class InvorderingsstapAdmin(AlleenLezenScopeAdmin):
    scope_paden = VIA_VORDERING
    list_display = ["datum", "vordering", "stap", "openstaand", "kosten", "rente", "door"]
    list_filter = ["stap", "datum"]
    search_fields = ["=vordering__vorderingnummer"]
    list_select_related = ["vordering"]
    raw_id_fields = ["vordering", "run"]


@admin.register(Brief)
class BriefAdmin(AlleenLezenScopeAdmin):
    scope_paden = ORGANISATIE
    debiteur_pad = "debiteur"
    vordering_pad = "vordering"
    lijst_logt = True
    list_display = ["datum", "soort", "organisatie", "debiteur", "vordering", "gerenderd_op"]
    list_filter = ["soort", "organisatie"]
    search_fields = ["=vordering__vorderingnummer", "=debiteur__debiteurnummer"]
    list_select_related = ["organisatie", "debiteur", "vordering"]
    raw_id_fields = ["vordering", "debiteur", "regeling", "stap"]


@admin.register(Betalingsregeling)
class BetalingsregelingAdmin(AlleenLezenScopeAdmin):
    scope_paden = ORGANISATIE
    debiteur_pad = "debiteur"
    lijst_logt = True
    list_display = [
        "pk",
        "organisatie",
        "debiteur",
        "status",
        "aantal_termijnen",
        "termijnbedrag",
        "gemist",
    ]
    list_filter = ["status", "organisatie", "betaalwijze"]
    raw_id_fields = ["debiteur", "machtiging", "vorderingen"]


@admin.register(Opschorting)
class OpschortingAdmin(AlleenLezenScopeAdmin):
    scope_paden = VIA_VORDERING
    list_display = ["vordering", "soort", "vanaf", "tot", "beeindigd_op", "door"]
    list_filter = ["soort"]
    raw_id_fields = ["vordering"]


@admin.register(Afboekingsvoorstel)
class AfboekingsvoorstelAdmin(AlleenLezenScopeAdmin):
    scope_paden = VIA_VORDERING
    list_display = ["vordering", "soort", "bedrag", "status", "voorgesteld_door", "beoordeeld_door"]
    list_filter = ["soort", "status"]
    raw_id_fields = ["vordering"]
