"""Admin of the verwerkingenlogging: read-only for everyone (also a superuser), readable only
with ``inningen.raadplegen_verwerking`` (the privacyfunctionaris). Imported by inningen/admin.py.

Not narrowed to organisations: the privacyfunctionaris supervises the processing of the whole
samenwerkingsverband (one central system) and must answer an inzageverzoek about any debtor; the
permission itself is the boundary (docs/besluiten.md, "Beheeromgeving")."""

from django.contrib import admin

from inningen.organisaties.admin import ScopeAdmin
from inningen.verwerkingen.models import Verwerking


class VerwerkingAdmin(ScopeAdmin):
    list_display = [
        "wanneer",
        "gebruikersnaam",
        "debiteur",
        "betrokkene",
        "vordering",
        "doel",
        "activiteit",
    ]
    list_filter = ["doel", "activiteit", "wanneer"]
    search_fields = [
        "=gebruikersnaam",
        "=debiteur__bsn",
        "=debiteur__debiteurnummer",
        "debiteur__zoeknaam",
        "betrokkene",
        "=vordering__vorderingnummer",
        "activiteit",
    ]
    date_hierarchy = "wanneer"
    list_select_related = ["debiteur", "vordering"]
    raw_id_fields = ["debiteur", "vordering", "gebruiker"]
    show_full_result_count = False
    actions = None

    def _mag_raadplegen(self, request) -> bool:
        return self._toegang(request) and request.user.has_perm("inningen.raadplegen_verwerking")

    def has_module_permission(self, request):
        return self._mag_raadplegen(request)

    def has_view_permission(self, request, obj=None):
        return self._mag_raadplegen(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if not admin.site.is_registered(Verwerking):
    admin.site.register(Verwerking, VerwerkingAdmin)
