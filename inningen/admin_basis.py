"""Shared admin base classes for the sub-packages' admin modules. Part of the kernel: imports only
Django, so every sub-package may use it (docs/architectuur.md).

Three rules every admin of the product follows (issue #15, docs/besluiten.md "Beheeromgeving"):

- **Who**: the admin is for superusers and the roles the site's ``toegang_functie`` admits
  (beheerder, privacyfunctionaris; set by ``inningen.organisaties.admin``). Anyone else, also
  staff, is refused by the site and, should the site class ever be swapped, by every
  :class:`BeheerAdmin` itself. Without a ``toegang_functie`` only superusers get in (fail closed).
- **What**: :class:`BeheerAdmin` narrows every list, form choice, search, filter and object URL
  to the user's organisations with the one scope rule, passed in as ``scope_functie`` by the
  sub-package (the kernel imports no sub-package). ``scope_paden`` names the path(s) from the
  model to an Organisatie; a model without one is global: readable in the admin, changeable by
  superusers only. An object outside the scope is a 404.
- **Privacy log**: pages that show a natural person's data send :data:`persoonsgegevens_getoond`
  (debtor keys, activity); ``inningen.verwerkingen.admin`` writes the verwerkingenlogging. A
  page that should log but finds no receiver fails rather than show unlogged data.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db.models import Q
from django.dispatch import Signal
from django.http import Http404
from django.urls import reverse

# Sent by a BeheerAdmin page that shows debtors' data. Keyword arguments: request,
# debiteur_ids (keys of Debiteur), vordering_id (or None), activiteit (text for the log).
persoonsgegevens_getoond = Signal()


def beheer_toegestaan(site, user) -> bool:
    """Whether ``user`` may use the admin at all: active staff that is superuser or admitted by
    the site's ``toegang_functie`` (the role check)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    toegang = getattr(site, "toegang_functie", None)
    if toegang is None:
        return False
    # Asked once per ModelAdmin on every admin page: remembered on the request's user object.
    if not hasattr(user, "_inningen_beheertoegang"):
        user._inningen_beheertoegang = bool(toegang(user))
    return user._inningen_beheertoegang


class BeheerSite(admin.AdminSite):
    """The admin site: Django's, plus the role check of :func:`beheer_toegestaan`."""

    toegang_functie = None

    def has_permission(self, request):
        return super().has_permission(request) and beheer_toegestaan(self, request.user)

    def admin_view(self, view, cacheable=False):
        """Logged-in staff without an admin role get a plain 403, not a login page that invites
        them to sign in as someone else. Others get Django's behaviour (login, logout)."""
        binnen = super().admin_view(view, cacheable)

        def weiger_zonder_rol(request, *args, **kwargs):
            user = request.user
            uitloggen = request.path == reverse("admin:logout", current_app=self.name)
            zonder_rol = user.is_active and user.is_staff and not beheer_toegestaan(self, user)
            if zonder_rol and not uitloggen:
                raise PermissionDenied("Geen toegang tot het beheer.")
            return binnen(request, *args, **kwargs)

        return update_wrapper(weiger_zonder_rol, binnen)


class BeheerAdminConfig(AdminConfig):
    """Used in INSTALLED_APPS instead of ``django.contrib.admin`` to install :class:`BeheerSite`."""

    default_site = "inningen.admin_basis.BeheerSite"


def _meerwaardig(model, pad: str) -> bool:
    """Whether the lookup path crosses a to-many relation (then rows may repeat in a join)."""
    for deel in pad.split("__"):
        if deel == "pk":
            return False
        try:
            veld = model._meta.get_field(deel)
        except FieldDoesNotExist:
            return False
        if veld.many_to_many or veld.one_to_many:
            return True
        if not veld.is_relation:
            return False
        model = veld.related_model
    return False


def _eindmodel(model, pad: str):
    """The model a lookup path ends at (the Organisatie model for a scope path)."""
    for deel in pad.split("__"):
        if deel == "pk":
            return model
        model = model._meta.get_field(deel).related_model
    return model


class BeheerAdmin(admin.ModelAdmin):
    """A ModelAdmin that applies the admin's access rule, the organisation scope and the privacy
    log (see the module docstring). Subclasses set:

    - ``scope_functie``: the scope rule, ``scope_for_user(queryset, user, *, veld)``;
    - ``scope_paden``: path(s) from the model to an Organisatie; with several, a row is in scope
      when one of them is (e.g. an outbox row of a claim or of a verantwoording). Empty: global;
    - ``scope_alle``: for a to-many path, a row is in scope only when *all* its organisations are
      (a raw message with claims of two organisations is not shown to either);
    - ``toevoegen_alleen_superuser``: adding is for superusers only (a new row would start outside
      every scope, e.g. a debtor without claims);
    - ``debiteur_pad`` / ``vordering_pad``: path to the Debiteur (``"pk"`` for the debtor itself)
      and to the Vordering shown, for the privacy log; ``lijst_logt`` also logs list pages;
    - ``tegenpartij_paden``: paths to the name and IBAN of a bank counterparty, logged as such
      for rows without a debtor (a bank entry or refund whose counterparty is no debtor).
    """

    scope_functie = None
    scope_paden: tuple[str, ...] = ()
    scope_alle = False
    toevoegen_alleen_superuser = False
    alleen_superuser = False
    debiteur_pad: str | None = None
    vordering_pad: str | None = None
    tegenpartij_paden: tuple[str, str] | None = None
    lijst_logt = False
    verwerking_activiteit = ""

    # --- who -----------------------------------------------------------------------------------

    def _toegang(self, request) -> bool:
        if not beheer_toegestaan(self.admin_site, request.user):
            return False
        return request.user.is_superuser or not self.alleen_superuser

    def _globaal(self) -> bool:
        return not self.scope_paden

    def has_module_permission(self, request):
        return self._toegang(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._toegang(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        if not self._toegang(request):
            return False
        if not request.user.is_superuser and (self._globaal() or self.toevoegen_alleen_superuser):
            return False
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        if not self._toegang(request):
            return False
        if not request.user.is_superuser and self._globaal():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not self._toegang(request):
            return False
        if not request.user.is_superuser and self._globaal():
            return False
        return super().has_delete_permission(request, obj)

    # --- what ----------------------------------------------------------------------------------

    def scope(self, queryset, request):
        """``queryset`` narrowed to the user's organisations (unchanged for a superuser)."""
        user = request.user
        if user.is_superuser or self._globaal():
            return queryset
        if self.scope_functie is None:
            raise ImproperlyConfigured(f"{type(self).__name__} heeft geen scope_functie.")
        scope = type(self).scope_functie
        basis = self.model._base_manager.all()
        eenvoudig = len(self.scope_paden) == 1 and not self.scope_alle
        if eenvoudig and not _meerwaardig(self.model, self.scope_paden[0]):
            return scope(queryset, user, veld=self.scope_paden[0])
        zichtbaar = Q(pk__in=[])
        for pad in self.scope_paden:
            binnen = scope(basis, user, veld=pad)
            if self.scope_alle:
                # Rows with an organisation outside the scope are left out entirely.
                organisatie = _eindmodel(self.model, pad)
                buiten = organisatie._base_manager.exclude(
                    pk__in=scope(organisatie._base_manager.all(), user, veld="pk").values("pk")
                )
                binnen = binnen.exclude(
                    pk__in=basis.filter(**{f"{pad}__in": buiten.values("pk")}).values("pk")
                )
            zichtbaar |= Q(pk__in=binnen.values("pk"))
        return queryset.filter(zichtbaar)

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request)

    def _keuzes(self, db_field, request):
        """The scoped choices of a relation field: the related model's own admin decides."""
        model = db_field.remote_field.model
        if request.user.is_superuser:
            return None
        if self.admin_site.is_registered(model):
            model_admin = self.admin_site.get_model_admin(model)
            if isinstance(model_admin, BeheerAdmin):
                return model_admin.get_queryset(request)
            return None
        try:
            model._meta.get_field("organisatie")
        except FieldDoesNotExist:
            return None
        return type(self).scope_functie(model._default_manager.all(), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            keuzes = self._keuzes(db_field, request)
            if keuzes is not None:
                kwargs["queryset"] = keuzes
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            keuzes = self._keuzes(db_field, request)
            if keuzes is not None:
                kwargs["queryset"] = keuzes
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        """Relation filters offer only values within the scope (not every organisation)."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        resultaat = []
        for f in filters:
            if isinstance(f, str) and "__" not in f:
                try:
                    veld = self.model._meta.get_field(f)
                except FieldDoesNotExist:
                    veld = None
                if veld is not None and veld.is_relation:
                    f = (f, admin.RelatedOnlyFieldListFilter)
            resultaat.append(f)
        return resultaat

    def _in_scope_of_404(self, request, object_id):
        if object_id is None:
            return
        try:
            bestaat = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError):
            bestaat = False
        if not bestaat:
            raise Http404("Niet gevonden.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._in_scope_of_404(request, object_id)
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._log(request, [unquote(object_id)], self._activiteit("inzage"))
        return response

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_of_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._in_scope_of_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if self.lijst_logt and response.status_code == 200 and cl is not None:
            self._log(request, [o.pk for o in cl.result_list], self._activiteit("lijst"))
        return response

    # --- privacy log ---------------------------------------------------------------------------

    def _activiteit(self, soort: str) -> str:
        naam = (
            self.model._meta.verbose_name_plural
            if soort == "lijst"
            else self.model._meta.verbose_name
        )
        return f"beheer: {soort} {naam}"

    def _log(self, request, pks, activiteit: str) -> None:
        if self.debiteur_pad is None or not pks:
            return
        rijen = self.model._base_manager.filter(pk__in=pks)
        debiteur_ids = {d for d in rijen.values_list(self.debiteur_pad, flat=True) if d}
        vordering_id = None
        if self.vordering_pad and len(pks) == 1:
            vordering_id = rijen.values_list(self.vordering_pad, flat=True).first()
        tegenpartijen = []
        if self.tegenpartij_paden:
            tegenpartijen = list(
                rijen.filter(**{f"{self.debiteur_pad}__isnull": True}).values_list(
                    *self.tegenpartij_paden
                )
            )
        if not debiteur_ids and not tegenpartijen:
            return
        antwoorden = persoonsgegevens_getoond.send(
            sender=self.model,
            request=request,
            debiteur_ids=sorted(debiteur_ids),
            vordering_id=vordering_id,
            activiteit=activiteit,
            tegenpartijen=tegenpartijen,
        )
        if not antwoorden:
            raise ImproperlyConfigured("Geen verwerkingenlogging aangesloten op het beheer.")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AlleenLezenAdmin(BeheerAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
