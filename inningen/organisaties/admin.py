"""Admin of organisations (with their bank accounts and organisational units), employees, and the
accounts and roles themselves (Django's User and Group admins, replaced). Imported by
inningen/admin.py.

Who may grant what (issue #15, docs/besluiten.md "Beheeromgeving"):
- only a superuser grants or revokes superuser, staff status and separate permissions;
- a beheerder manages only accounts of their own organisation(s) (every organisation of the
  account is one of theirs), never a superuser, never an account with rights they lack, and
  assigns only roles (groups) whose permissions they hold themselves;
- nobody changes their own rights (superuser, staff, active, groups, permissions, organisations);
- only a superuser edits groups.
Read-only fields are left out of the form, so a crafted POST cannot set them either; the rights
are checked again on save."""

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from inningen.admin_basis import AlleenLezenAdmin, BeheerAdmin
from inningen.organisaties.models import (
    Bankrekening,
    Medewerker,
    Organisatie,
    OrganisatorischeEenheid,
)
from inningen.organisaties.selectors import organisaties_for_user, scope_for_user
from inningen.organisaties.services.rollen import BEHEERDER, PRIVACYFUNCTIONARIS

User = get_user_model()

# The roles that use the admin (besides superusers). Everyone else works in the screens.
BEHEERROLLEN = (BEHEERDER, PRIVACYFUNCTIONARIS)
EIGEN_RECHTEN = ("is_superuser", "is_staff", "is_active", "groups", "user_permissions")


def heeft_beheerrol(user) -> bool:
    return user.groups.filter(name__in=BEHEERROLLEN).exists()


admin.site.toegang_functie = heeft_beheerrol


class ScopeAdmin(BeheerAdmin):
    """A BeheerAdmin scoped by THE scope rule (inningen.organisaties.selectors)."""

    scope_functie = staticmethod(scope_for_user)


class AlleenLezenScopeAdmin(AlleenLezenAdmin):
    """Read-only, scoped by THE scope rule."""

    scope_functie = staticmethod(scope_for_user)


def _rechten(user) -> set[str]:
    return set(user.get_all_permissions()) if user.is_active else set()


def _rechten_van_groep(groep: Group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in groep.permissions.values_list("content_type__app_label", "codename")
    }


def groepen_voor(editor):
    """The groups ``editor`` may assign: every group for a superuser, otherwise those whose
    permissions the editor holds all of."""
    if editor.is_superuser:
        return Group.objects.all()
    eigen = _rechten(editor)
    toegestaan = [g.pk for g in Group.objects.all() if _rechten_van_groep(g) <= eigen]
    return Group.objects.filter(pk__in=toegestaan)


def _rechten_van_account(user) -> set[str]:
    """The permissions an account has through its groups and its own permissions (also when it
    is inactive: reactivating it must not hand out more than the editor has)."""
    rechten = Permission.objects.filter(Q(group__user=user) | Q(user=user)).distinct()
    return {
        f"{app}.{codename}"
        for app, codename in rechten.values_list("content_type__app_label", "codename")
    }


class BankrekeningInline(admin.TabularInline):
    model = Bankrekening
    extra = 0


class EenheidInline(admin.TabularInline):
    model = OrganisatorischeEenheid
    extra = 0


@admin.register(Organisatie)
class OrganisatieAdmin(ScopeAdmin):
    list_display = ["naam", "rsin", "gemeentecode", "incassant_id"]
    search_fields = ["naam", "rsin", "gemeentecode"]
    inlines = [BankrekeningInline, EenheidInline]
    fieldsets = [
        (None, {"fields": ["rsin", "naam", "gemeentecode", "incassant_id"]}),
        (
            "Contact (staat op elke brief)",
            {
                "fields": [
                    "telefoonnummer",
                    "bereikbaarheid",
                    "emailadres",
                    "website",
                    "bezoekadres",
                    "postadres",
                ]
            },
        ),
    ]
    scope_paden = ("pk",)
    toevoegen_alleen_superuser = True

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Medewerker)
class MedewerkerAdmin(ScopeAdmin):
    list_display = ["user"]
    filter_horizontal = ["organisaties"]
    search_fields = ["user__username"]
    # Every organisation of the employee must be one of the editor's: a beheerder of A cannot
    # touch someone who also works for B. New employees come with their account (user admin).
    scope_paden = ("organisaties",)
    scope_alle = True
    toevoegen_alleen_superuser = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.exclude(user__is_superuser=True)
        return queryset

    def get_readonly_fields(self, request, obj=None):
        velden = list(super().get_readonly_fields(request, obj))
        if obj is not None and (not request.user.is_superuser or obj.user_id == request.user.pk):
            velden.append("user")
        if obj is not None and obj.user_id == request.user.pk:
            velden.append("organisaties")
        return velden

    def has_change_permission(self, request, obj=None):
        meer_rechten = obj is not None and not request.user.is_superuser
        if meer_rechten and not _rechten_van_account(obj.user) <= _rechten(request.user):
            return False
        return super().has_change_permission(request, obj)


class MedewerkerInline(admin.StackedInline):
    model = Medewerker
    can_delete = False
    filter_horizontal = ["organisaties"]
    verbose_name_plural = "organisaties"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisaties":
            kwargs["queryset"] = organisaties_for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # obj is the account: one's own organisations are one's own rights.
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class GebruikerToevoegenForm(auth_admin.AdminUserCreationForm):
    organisaties = forms.ModelMultipleChoiceField(
        queryset=Organisatie.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="De organisaties waarvoor de medewerker werkt.",
    )


class GebruikerAdmin(ScopeAdmin, auth_admin.UserAdmin):
    add_form = GebruikerToevoegenForm
    inlines = [MedewerkerInline]
    scope_paden = ("medewerker__organisaties",)
    scope_alle = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.exclude(is_superuser=True)
        return queryset

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                *self.add_fieldsets,
                ("Organisaties", {"fields": ("organisaties",)}),
            )
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            return form
        keuze = organisaties_for_user(request.user)
        verplicht = not request.user.is_superuser

        class Toevoegen(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["organisaties"].queryset = keuze
                self.fields["organisaties"].required = verplicht

        return Toevoegen

    def get_readonly_fields(self, request, obj=None):
        velden = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return velden
        if obj.pk == request.user.pk:
            velden += [v for v in EIGEN_RECHTEN if v not in velden]
        elif not request.user.is_superuser:
            velden += [
                v for v in ("is_superuser", "is_staff", "user_permissions") if v not in velden
            ]
        return velden

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = groepen_voor(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_inline_instances(self, request, obj=None):
        # On the add page the organisations are a field of the form (see get_form).
        return [] if obj is None else super().get_inline_instances(request, obj)

    def has_change_permission(self, request, obj=None):
        if (
            obj is not None
            and not request.user.is_superuser
            and (obj.is_superuser or not _rechten_van_account(obj) <= _rechten(request.user))
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk:
            return False
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj
        )

    def save_model(self, request, obj, form, change):
        editor = request.user
        vast = []
        if not editor.is_superuser:
            vast += ["is_superuser", "is_staff"]
        if obj.pk is not None and obj.pk == editor.pk:
            vast += ["is_superuser", "is_staff", "is_active"]
        if vast:
            vooraf = (
                User.objects.filter(pk=obj.pk).values(*vast).first()
                if obj.pk is not None
                else {"is_superuser": False, "is_staff": False, "is_active": True}
            )
            if any(getattr(obj, v) != vooraf.get(v, getattr(obj, v)) for v in vast):
                raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        vooraf = set(obj.groups.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        if not change and "organisaties" in form.cleaned_data:
            medewerker, _ = Medewerker.objects.get_or_create(user=obj)
            medewerker.organisaties.set(form.cleaned_data["organisaties"])
        # Checked again after saving, inside the admin's transaction: a refusal rolls it back.
        editor = request.user
        if obj.pk == editor.pk and set(obj.groups.values_list("pk", flat=True)) != vooraf:
            raise PermissionDenied
        if not editor.is_superuser and not _rechten_van_account(obj) <= _rechten(editor):
            raise PermissionDenied


class GroepAdmin(ScopeAdmin, auth_admin.GroupAdmin):
    """Roles are global: readable for beheerders, changed by superusers only (scope_paden is
    empty, so BeheerAdmin refuses add/change/delete to everyone else)."""


# django.contrib.auth registered its own admins first (it comes earlier in INSTALLED_APPS).
for _model, _admin in ((User, GebruikerAdmin), (Group, GroepAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
