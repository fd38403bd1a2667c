"""Admin of organisations (with their bank accounts and organisational units) and employees.
Imported by inningen/admin.py."""

from django.contrib import admin

from inningen.organisaties.models import (
    Bankrekening,
    Medewerker,
    Organisatie,
    OrganisatorischeEenheid,
)


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


@admin.register(Medewerker)
class MedewerkerAdmin(admin.ModelAdmin):
    list_display = ["user"]
    filter_horizontal = ["organisaties"]
    search_fields = ["user__username"]
