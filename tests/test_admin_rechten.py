"""Issue #15, finding 1: no privilege escalation through the user and group admin."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from inningen.organisaties.models import Medewerker
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import OrganisatieFactory, gebruiker_maken

pytestmark = pytest.mark.django_db


@pytest.fixture
def rollen():
    return roles_ensure()


@pytest.fixture
def a():
    return OrganisatieFactory(naam="Gemeente Aa")


@pytest.fixture
def b():
    return OrganisatieFactory(naam="Gemeente Bee")


@pytest.fixture
def beheer(rollen, a):
    user = gebruiker_maken("beheer-a", "beheerder", a)
    user.is_staff = True
    user.save()
    return User.objects.get(pk=user.pk)


def _post_gebruiker(client, user, organisaties, **extra):
    """A complete change-form POST for ``user`` (what a browser would send), plus ``extra``."""
    medewerker = Medewerker.objects.get(user=user)
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "groups": [g.pk for g in user.groups.all()],
        "medewerker-TOTAL_FORMS": "1",
        "medewerker-INITIAL_FORMS": "1",
        "medewerker-MIN_NUM_FORMS": "0",
        "medewerker-MAX_NUM_FORMS": "1",
        "medewerker-0-id": medewerker.pk,
        "medewerker-0-user": user.pk,
        "medewerker-0-organisaties": [o.pk for o in organisaties],
    }
    data.update(extra)
    return client.post(reverse("admin:auth_user_change", args=[user.pk]), data)


def _perm(codename):
    return Permission.objects.get(codename=codename)


def test_beheerder_cannot_make_itself_superuser(client, beheer, a, rollen):
    client.force_login(beheer)
    pagina = client.get(reverse("admin:auth_user_change", args=[beheer.pk]))
    assert pagina.status_code == 200
    assert 'name="is_superuser"' not in pagina.content.decode()
    _post_gebruiker(
        client,
        beheer,
        [a],
        is_superuser="on",
        is_staff="on",
        groups=[rollen["beheerder"].pk, rollen["privacyfunctionaris"].pk],
        user_permissions=[_perm("raadplegen_verwerking").pk],
    )
    beheer = User.objects.get(pk=beheer.pk)
    assert not beheer.is_superuser
    assert list(beheer.groups.values_list("name", flat=True)) == ["beheerder"]
    assert not beheer.user_permissions.exists()
    assert not beheer.has_perm("inningen.raadplegen_verwerking")


def test_beheerder_cannot_deactivate_or_move_itself(client, beheer, a, b):
    client.force_login(beheer)
    data = {"is_active": ""}
    _post_gebruiker(client, beheer, [a, b], **data)
    beheer = User.objects.get(pk=beheer.pk)
    assert beheer.is_active
    assert list(beheer.medewerker.organisaties.all()) == [a]


def test_beheerder_cannot_grant_superuser_staff_or_permissions(client, beheer, a):
    collega = gebruiker_maken("balie-a", "baliemedewerker", a)
    client.force_login(beheer)
    r = _post_gebruiker(
        client,
        collega,
        [a],
        is_superuser="on",
        is_staff="on",
        user_permissions=[_perm("raadplegen_verwerking").pk],
        first_name="Bea",
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    collega = User.objects.get(pk=collega.pk)
    assert collega.first_name == "Bea"  # the allowed change went through
    assert not collega.is_superuser and not collega.is_staff
    assert not collega.user_permissions.exists()


def test_beheerder_assigns_only_roles_whose_rights_it_holds(client, beheer, a, rollen):
    collega = gebruiker_maken("balie-a", "baliemedewerker", a)
    client.force_login(beheer)
    r = _post_gebruiker(client, collega, [a], groups=[rollen["privacyfunctionaris"].pk])
    assert r.status_code == 200 and "groups" in r.context["adminform"].form.errors
    assert not User.objects.get(pk=collega.pk).groups.filter(name="privacyfunctionaris").exists()
    r = _post_gebruiker(client, collega, [a], groups=[rollen["invorderaar"].pk])
    assert r.status_code == 302
    assert list(User.objects.get(pk=collega.pk).groups.values_list("name", flat=True)) == [
        "invorderaar"
    ]


def test_beheerder_manages_only_accounts_of_own_organisations(client, beheer, a, b):
    ander = gebruiker_maken("balie-b", "baliemedewerker", b)
    beide = gebruiker_maken("balie-ab", "baliemedewerker", a, b)
    root = User.objects.create_superuser("root", password="x")
    Medewerker.objects.create(user=root).organisaties.add(a)
    client.force_login(beheer)
    lijst = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "balie-b" not in lijst and "balie-ab" not in lijst and "root" not in lijst
    for user in (ander, beide, root):
        assert client.get(reverse("admin:auth_user_change", args=[user.pk])).status_code == 404
        r = client.post(
            reverse("admin:auth_user_password_change", args=[user.pk]),
            {"password1": "nieuw-wachtwoord-123!", "password2": "nieuw-wachtwoord-123!"},
        )
        assert r.status_code == 404
        assert User.objects.get(pk=user.pk).check_password(
            "x" if user == root else "geheim-wachtwoord-123"
        )


def test_beheerder_cannot_take_over_account_with_more_rights(client, beheer, a, rollen):
    privacy = gebruiker_maken("privacy-a", "privacyfunctionaris", a)
    client.force_login(beheer)
    r = _post_gebruiker(client, privacy, [a], first_name="X")
    assert r.status_code == 403
    r = client.post(
        reverse("admin:auth_user_password_change", args=[privacy.pk]),
        {"password1": "nieuw-wachtwoord-123!", "password2": "nieuw-wachtwoord-123!"},
    )
    assert r.status_code == 403
    assert User.objects.get(pk=privacy.pk).check_password("geheim-wachtwoord-123")


def test_beheerder_adds_accounts_only_for_own_organisations(client, beheer, a, b):
    client.force_login(beheer)
    url = reverse("admin:auth_user_add")
    basis = {
        "username": "nieuw",
        "usable_password": "true",
        "password1": "Een-goed-wachtwoord-9",
        "password2": "Een-goed-wachtwoord-9",
    }
    r = client.post(url, {**basis, "organisaties": [b.pk]})
    assert r.status_code == 200 and not User.objects.filter(username="nieuw").exists()
    r = client.post(url, {**basis, "is_superuser": "on", "is_staff": "on", "organisaties": [a.pk]})
    assert r.status_code == 302, r.content.decode()[:3000]
    nieuw = User.objects.get(username="nieuw")
    assert not nieuw.is_superuser and not nieuw.is_staff
    assert list(nieuw.medewerker.organisaties.all()) == [a]


def test_only_superusers_edit_groups(client, beheer, rollen):
    balie = rollen["baliemedewerker"]
    voor = set(balie.permissions.values_list("pk", flat=True))
    client.force_login(beheer)
    assert client.get(reverse("admin:auth_group_change", args=[balie.pk])).status_code == 200
    r = client.post(
        reverse("admin:auth_group_change", args=[balie.pk]),
        {"name": balie.name, "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )
    assert r.status_code == 403
    assert set(Group.objects.get(pk=balie.pk).permissions.values_list("pk", flat=True)) == voor
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


def test_superuser_cannot_change_own_rights(client, a):
    root = User.objects.create_superuser("root", password="x")
    Medewerker.objects.create(user=root).organisaties.add(a)
    client.force_login(root)
    _post_gebruiker(client, root, [a], is_staff="on")  # is_superuser left out: "unticked"
    root = User.objects.get(pk=root.pk)
    assert root.is_superuser and root.is_staff
