"""Admin of the financial accounting: per organisation, scoped by the one scope rule."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from inningen.organisaties.admin import ScopeAdmin
from verantwoording.models import (
    Boekingssleutel,
    FinancieleVerantwoording,
    VerantwoordingInstelling,
    Verantwoordingsregel,
)
from verantwoording.services.planning import instelling_save


class RegelInline(admin.TabularInline):
    model = Verantwoordingsregel
    extra = 0
    can_delete = False
    fields = [
        "boekingssleutel",
        "aantal_boekingen",
        "bedrag_excl_btw",
        "bedrag_btw",
        "bedrag_incl_btw",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FinancieleVerantwoording)
class FinancieleVerantwoordingAdmin(ScopeAdmin):
    scope_paden = ("organisatie",)
    list_display = [
        "organisatie",
        "verantwoordingsnummer",
        "begindatum",
        "einddatum",
        "aantal_boekingen",
        "verzending",
        "exports",
    ]
    list_filter = ["organisatie"]
    date_hierarchy = "einddatum"
    inlines = [RegelInline]
    readonly_fields = [f.name for f in FinancieleVerantwoording._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="verzending")
    def verzending(self, obj):
        bericht = obj.uitgaand.order_by("-pk").first()
        return bericht.get_status_display() if bericht else "geen financiële koppeling"

    @admin.display(description="export")
    def exports(self, obj):
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">XLSX</a>',
            reverse("verantwoording:export", args=[obj.pk, "csv"]),
            reverse("verantwoording:export", args=[obj.pk, "xlsx"]),
        )


@admin.register(VerantwoordingInstelling)
class VerantwoordingInstellingAdmin(ScopeAdmin):
    scope_paden = ("organisatie",)
    list_display = ["organisatie", "frequentie", "onbekende_code", "actief"]
    list_filter = ["frequentie", "onbekende_code", "actief"]

    def save_model(self, request, obj, form, change):
        # Keeps the organisation's entry in the database beat schedule in step.
        instelling_save(instelling=obj)


@admin.register(Boekingssleutel)
class BoekingssleutelAdmin(ScopeAdmin):
    scope_paden = ("organisatie",)
    list_display = ["organisatie", "vorderingcode", "soort", "boekingssleutel"]
    list_filter = ["organisatie", "soort"]
    search_fields = ["vorderingcode", "boekingssleutel"]
