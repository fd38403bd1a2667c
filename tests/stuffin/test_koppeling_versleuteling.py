"""Issue #15, finding 10: the outbound password of a koppeling is stored encrypted and never
rendered back into a page."""

import base64
import importlib

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from inningen.versleuteling import OntsleutelenMislukt, ontsleutel, versleutel
from stuffin.models import Koppeling

pytestmark = pytest.mark.django_db

GEHEIM = "naar-tsa-geheim-W8w00rd"


def _kolom(koppeling) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT uitgaand_wachtwoord_versleuteld FROM stuffin_koppeling WHERE id = %s",
            [koppeling.pk],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def koppeling():
    k = Koppeling(naam="Parkeren", applicatie="PARK", rol="tsa", gebruikersnaam="park")
    k.set_wachtwoord("inkomend-wachtwoord-123")
    k.uitgaand_gebruikersnaam = "inningen"
    k.uitgaand_wachtwoord = GEHEIM
    k.url = "https://tsa.example.nl/stuf"
    k.save()
    return k


def test_column_holds_no_plaintext_and_reader_gets_it_back(koppeling):
    opgeslagen = _kolom(koppeling)
    assert GEHEIM not in opgeslagen and opgeslagen.startswith("gAAAA")
    assert Koppeling.objects.get(pk=koppeling.pk).uitgaand_wachtwoord == GEHEIM


def test_admin_page_never_renders_the_password(client, koppeling):
    client.force_login(User.objects.create_superuser("root", password="x"))
    html = client.get(reverse("admin:stuffin_koppeling_change", args=[koppeling.pk])).content
    assert GEHEIM.encode() not in html and _kolom(koppeling).encode() not in html
    assert b'name="nieuw_uitgaand_wachtwoord"' in html


def test_admin_empty_keeps_new_replaces_and_clear_clears(client, koppeling):
    client.force_login(User.objects.create_superuser("root", password="x"))
    url = reverse("admin:stuffin_koppeling_change", args=[koppeling.pk])
    data = {
        "naam": "Parkeren", "applicatie": "PARK", "rol": "tsa", "gebruikersnaam": "park",
        "url": koppeling.url, "uitgaand_gebruikersnaam": "inningen", "actief": "on",
        "statuswijzigingen_versturen": "on",
        "tsa_codes-TOTAL_FORMS": "0", "tsa_codes-INITIAL_FORMS": "0",
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert Koppeling.objects.get(pk=koppeling.pk).uitgaand_wachtwoord == GEHEIM
    assert (
        client.post(url, {**data, "nieuw_uitgaand_wachtwoord": "nieuw-geheim"}).status_code == 302
    )
    assert Koppeling.objects.get(pk=koppeling.pk).uitgaand_wachtwoord == "nieuw-geheim"
    assert client.post(url, {**data, "uitgaand_wachtwoord_wissen": "on"}).status_code == 302
    assert Koppeling.objects.get(pk=koppeling.pk).uitgaand_wachtwoord == ""


def test_key_rotation_first_encrypts_all_decrypt(settings):
    oud = Fernet.generate_key().decode()
    nieuw = Fernet.generate_key().decode()
    settings.VERSLEUTELING_SLEUTELS = [oud]
    token = versleutel(GEHEIM)
    settings.VERSLEUTELING_SLEUTELS = [nieuw, oud]
    assert ontsleutel(token) == GEHEIM
    assert Fernet(nieuw.encode()).decrypt(versleutel(GEHEIM).encode()).decode() == GEHEIM
    settings.VERSLEUTELING_SLEUTELS = [nieuw]
    with pytest.raises(OntsleutelenMislukt):
        ontsleutel(token)


def test_development_key_is_derived_from_secret_key(settings):
    assert len(base64.urlsafe_b64decode(settings.VERSLEUTELING_SLEUTELS[0])) == 32


def test_data_migration_encrypts_existing_plaintext(koppeling):
    migratie = importlib.import_module("stuffin.migrations.0008_koppeling_uitgaand_versleuteld")
    Koppeling.objects.filter(pk=koppeling.pk).update(uitgaand_wachtwoord_versleuteld=GEHEIM)
    migratie._versleutelen(django_apps, None)
    assert GEHEIM not in _kolom(koppeling)
    assert Koppeling.objects.get(pk=koppeling.pk).uitgaand_wachtwoord == GEHEIM
    migratie._ontsleutelen(django_apps, None)
    assert _kolom(koppeling) == GEHEIM


def test_koppeling_command_stores_outbound_password_encrypted():
    call_command(
        "koppeling", "--applicatie", "BELAST", "--rol", "tsa", "--gebruikersnaam", "belast",
        "--wachtwoord", "inkomend-wachtwoord-123", "--uitgaand-gebruikersnaam", "inningen",
        "--uitgaand-wachtwoord", GEHEIM,
    )  # fmt: skip
    k = Koppeling.objects.get(applicatie="BELAST")
    assert k.uitgaand_wachtwoord == GEHEIM and GEHEIM not in _kolom(k)
