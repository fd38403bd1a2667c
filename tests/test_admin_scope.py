"""Issue #15, finding 2: the admin applies the screens' scope rule, and is for beheerders,
privacyfunctionarissen and superusers only."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from inningen.admin_basis import BeheerAdmin
from inningen.debiteuren.models import Debiteur, Machtiging
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Invorderingsinstelling
from inningen.organisaties.services.rollen import roles_ensure
from stuffin.models import Bericht, Richting
from tests.factories import (
    DebiteurFactory,
    OrganisatieFactory,
    brief_maken,
    elfproef_nummer,
    gebruiker_maken,
    iban_nl,
    vordering_maken,
)
from verantwoording.models import Boekingssleutel

pytestmark = pytest.mark.django_db

# Global models (no organisation): readable by admin users, changed by superusers only, or the
# whole admin is for superusers (koppelingen), or guarded by its own permission (the log).
GLOBAAL = {
    "auth.group",
    "inningen.kostentarief",
    "inningen.wikstaffel",
    "inningen.rentetarief",
    "inningen.verwerking",
    "stuffin.koppeling",
}


def _organisatie_gegevens(org, naam):
    deb = DebiteurFactory(geslachtsnaam=naam, bsn=elfproef_nummer())
    vordering = vordering_maken(org, debiteur=deb, vorderingnummer=f"V-{naam}")
    Machtiging.objects.create(
        organisatie=org,
        debiteur=deb,
        kenmerk=f"M-{naam}",
        afgiftedatum=datetime.date(2026, 1, 1),
        iban=iban_nl(org.pk + 1000),
    )
    brief_maken(vordering)
    Invorderingsinstelling.objects.create(organisatie=org)
    Boekingssleutel.objects.create(organisatie=org, soort="opgelegd", boekingssleutel=f"BS-{naam}")
    bericht = Bericht.objects.create(
        richting=Richting.IN, referentienummer=f"REF-{naam}", inhoud=f"<bsn>{deb.bsn}</bsn>"
    )
    bericht.vorderingen.add(vordering)
    return deb, vordering, bericht


@pytest.fixture
def wereld():
    roles_ensure()
    a = OrganisatieFactory(naam="Gemeente Aa")
    b = OrganisatieFactory(naam="Gemeente Bee")
    deb_a, vord_a, ber_a = _organisatie_gegevens(a, "Aanstad")
    deb_b, vord_b, ber_b = _organisatie_gegevens(b, "Beeveld")
    # A message with claims of both organisations belongs to neither alone.
    gemengd = Bericht.objects.create(richting=Richting.IN, referentienummer="REF-GEMENGD")
    gemengd.vorderingen.add(vord_a, vord_b)
    beheer_a = gebruiker_maken("beheer-a", "beheerder", a)
    beheer_a.is_staff = True
    beheer_a.save()
    balie_b = gebruiker_maken("balie-b", "baliemedewerker", b)
    return {
        "a": a,
        "b": b,
        "deb_a": deb_a,
        "deb_b": deb_b,
        "vord_a": vord_a,
        "vord_b": vord_b,
        "ber_a": ber_a,
        "ber_b": ber_b,
        "gemengd": gemengd,
        "beheer_a": User.objects.get(pk=beheer_a.pk),
        "balie_b": balie_b,
    }


def _url(obj, soort="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{soort}", args=[obj.pk])


def test_beheerder_sees_only_own_debtors_letters_and_messages(client, wereld):
    client.force_login(wereld["beheer_a"])
    html = client.get(reverse("admin:inningen_debiteur_changelist")).content.decode()
    assert wereld["deb_a"].bsn in html and wereld["deb_b"].bsn not in html
    # Searching B's BSN finds nothing.
    r = client.get(reverse("admin:inningen_debiteur_changelist"), {"q": wereld["deb_b"].bsn})
    assert r.context["cl"].result_count == 0 and "Beeveld" not in r.content.decode()
    html = client.get(reverse("admin:inningen_brief_changelist")).content.decode()
    assert "V-Aanstad" in html and "V-Beeveld" not in html
    html = client.get(reverse("admin:stuffin_bericht_changelist")).content.decode()
    assert "REF-Aanstad" in html and "REF-Beeveld" not in html and "REF-GEMENGD" not in html


def test_other_organisations_objects_are_404_and_not_editable(client, wereld):
    client.force_login(wereld["beheer_a"])
    assert client.get(_url(wereld["deb_a"])).status_code == 200
    for obj in (wereld["deb_b"], wereld["vord_b"], wereld["ber_b"], wereld["gemengd"]):
        assert client.get(_url(obj)).status_code == 404, obj
        assert client.get(_url(obj, "history")).status_code == 404, obj
    naam = wereld["deb_b"].geslachtsnaam
    r = client.post(
        _url(wereld["deb_b"]), {"geslachtsnaam": "Gekaapt", "soort": "natuurlijk_persoon"}
    )
    assert r.status_code == 404
    assert Debiteur.objects.get(pk=wereld["deb_b"].pk).geslachtsnaam == naam


def test_choice_fields_offer_only_own_organisations(client, wereld):
    client.force_login(wereld["beheer_a"])
    r = client.get(_url(wereld["vord_a"]))
    keuzes = r.context["adminform"].form.fields["organisatie"].queryset
    assert list(keuzes) == [wereld["a"]]
    # A crafted POST moving A's machtiging to organisation B is refused by the form.
    machtiging = Machtiging.objects.get(organisatie=wereld["a"])
    r = client.post(
        _url(machtiging),
        {
            "organisatie": wereld["b"].pk,
            "debiteur": wereld["deb_b"].pk,
            "kenmerk": "M-X",
            "afgiftedatum": "2026-01-01",
            "iban": machtiging.iban,
            "status": machtiging.status,
            "opeenvolgende_stornos": 0,
        },
    )
    assert r.status_code == 200 and r.context["adminform"].form.errors
    machtiging.refresh_from_db()
    assert machtiging.organisatie == wereld["a"]
    # The organisation filter of a list offers only A.
    r = client.get(reverse("admin:inningen_vordering_changelist"))
    assert "Gemeente Bee" not in r.content.decode()


def test_staff_without_admin_role_is_refused(client, wereld):
    balie = wereld["balie_b"]
    balie.is_staff = True
    balie.save()
    client.force_login(balie)
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:inningen_debiteur_changelist")).status_code == 403
    assert client.get(_url(wereld["deb_b"])).status_code == 403
    # Without staff status: Django's own refusal, the login page.
    balie.is_staff = False
    balie.save()
    r = client.get(reverse("admin:index"))
    assert r.status_code == 302 and "login" in r["Location"]
    # Every ModelAdmin refuses it too, should the site class ever be swapped.
    request = RequestFactory().get("/admin/")
    request.user = balie
    for model, model_admin in admin.site._registry.items():
        assert not model_admin.has_module_permission(request), model
        assert not model_admin.has_view_permission(request), model


def _organisaties_van(model_admin, obj) -> set[int]:
    """The organisations a row belongs to along every scope path (computed independently of
    the admin's own query)."""
    ids = set()
    for pad in model_admin.scope_paden:
        waarden = type(obj)._base_manager.filter(pk=obj.pk).values_list(pad, flat=True)
        ids |= {w for w in waarden if w is not None}
    return ids


def test_every_registered_admin_is_scoped(client, wereld):
    """Generic: every admin of the product is a BeheerAdmin; a scoped beheerder of A sees exactly
    the rows of A (never B's), and B's rows are 404 by URL. Catches future admins."""
    beheer = wereld["beheer_a"]
    eigen = {wereld["a"].pk}
    request = RequestFactory().get("/admin/")
    request.user = beheer
    client.force_login(beheer)
    gecontroleerd = 0
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if model._meta.app_label not in {"inningen", "stuffin", "verantwoording", "auth", "api"}:
            # Other apps' admins (beat schedules, lockouts, devices): no rights for a beheerder.
            assert not model_admin.has_view_permission(request), label
            continue
        assert isinstance(model_admin, BeheerAdmin), f"{label}: geen BeheerAdmin"
        if not model_admin.scope_paden:
            assert label in GLOBAAL, f"{label}: geen scope_paden en niet als globaal besloten"
            assert not model_admin.has_change_permission(request), label
            assert not model_admin.has_add_permission(request), label
            continue
        zichtbaar = set(model_admin.get_queryset(request).values_list("pk", flat=True))
        for obj in model._base_manager.all():
            orgs = _organisaties_van(model_admin, obj)
            alle = model_admin.scope_alle
            hoort = (bool(orgs) and orgs <= eigen) if alle else bool(orgs & eigen)
            assert (obj.pk in zichtbaar) == hoort, (label, obj.pk, orgs)
            if not hoort and model_admin.has_view_permission(request):
                assert client.get(_url(obj)).status_code == 404, (label, obj.pk)
            gecontroleerd += 1
    assert gecontroleerd > 20


def test_superuser_sees_everything(client, wereld):
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    r = client.get(reverse("admin:inningen_debiteur_changelist"))
    assert r.context["cl"].result_count == Debiteur.objects.count()
    assert client.get(_url(wereld["gemengd"])).status_code == 200
    assert Vordering.objects.count() == 2
