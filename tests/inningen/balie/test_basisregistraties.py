"""Balie and basisregistraties (issue #18): BRP and Handelsregister lookups beside our data,
adopting the address, verwerkingenlogging with doelbinding, the rate limit, failures,
geheimhouding, the address history and the work list "adres in onderzoek". Over real HTTP
against the local fake."""

import itertools
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext

from inningen.balie.views.basisregistraties import DOEL_BRP, DOEL_KVK
from inningen.basisregistraties.brp import VELDEN_BALIE
from inningen.choices import Debiteursoort
from inningen.debiteuren.models import Adresbron, Adresstatus, Debiteur, DebiteurAdres
from inningen.organisaties.services.rollen import roles_ensure
from inningen.verwerkingen.models import Verwerking
from tests.factories import (
    DebiteurFactory,
    OrganisatieFactory,
    brief_maken,
    elfproef_nummer,
    gebruiker_maken,
    vordering_maken,
)

pytestmark = pytest.mark.django_db

VERHUISD = "999991280"
OVERLEDEN = "999993926"
GEHEIM = "999994785"
KVK_POSTBUS = "68750110"
_teller = itertools.count(1)


@pytest.fixture(autouse=True)
def _leeg_cache():
    cache.clear()  # the rate limit counts per user pk, which the next test may reuse
    yield
    cache.clear()


@pytest.fixture
def fake(basisregistraties_fake, settings):
    settings.BRP_API_URL = basisregistraties_fake.brp_url
    settings.BRP_API_KEY = basisregistraties_fake.brp_api_key
    settings.KVK_API_URL = basisregistraties_fake.kvk_url
    settings.KVK_API_KEY = basisregistraties_fake.kvk_api_key
    return basisregistraties_fake


@pytest.fixture
def org():
    roles_ensure()
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def andere_org():
    return OrganisatieFactory(naam="Gemeente Elders")


def _met_perm(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="inningen", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # no stale permission cache


@pytest.fixture
def balie(org):
    """A baliemedewerker who may also adopt addresses (the role gets that from the lead)."""
    return _met_perm(gebruiker_maken("balie", "baliemedewerker", org), "add_debiteuradres")


@pytest.fixture
def alleen_kijken(org):
    """May see the debtor and the BRP data, may not adopt an address (no role, only views)."""
    from django.contrib.auth.models import Permission

    gebruiker = gebruiker_maken("kijker", "", org)
    gebruiker.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="inningen", codename__startswith="view_")
    )
    return gebruiker.__class__.objects.get(pk=gebruiker.pk)


def _persoon(org, bsn, **velden):
    velden = {"straatnaam": "Oude Gracht", "huisnummer": 7, "postcode": "3511AA",
              "woonplaats": "Utrecht", "geslachtsnaam": "Burg", "voorletters": "J.", **velden}  # fmt: skip
    deb = DebiteurFactory(bsn=bsn, **velden)
    vordering_maken(org, debiteur=deb, vorderingnummer=f"V-BRP-{next(_teller):05d}")
    return deb


def _bedrijf(org, kvk_nummer):
    deb = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, bsn=None, rsin=elfproef_nummer(),
        kvk_nummer=kvk_nummer, statutaire_naam="Donald BV", geslachtsnaam="",
        straatnaam="Kerkstraat", huisnummer=1, postcode="1000AA", woonplaats="Rommeldam",
    )  # fmt: skip
    vordering_maken(org, debiteur=deb, vorderingnummer=f"V-KVK-{next(_teller):05d}")
    return deb


def _brp_logs(deb):
    return list(
        Verwerking.objects.filter(debiteur=deb, doel=DOEL_BRP)
        .order_by("pk")
        .values_list("activiteit", flat=True)
    )


# --- BRP raadplegen -----------------------------------------------------------------------------


def test_brp_page_shows_brp_beside_ours_with_differences(client, fake, balie, org):
    deb = _persoon(org, VERHUISD)
    client.force_login(balie)
    pagina = client.get(f"/debiteuren/{deb.pk}/").content.decode()
    assert f'href="/debiteuren/{deb.pk}/brp/"' in pagina and "BRP raadplegen" in pagina

    r = client.get(f"/debiteuren/{deb.pk}/brp/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Oude Gracht 7" in html  # ours
    assert "Haagse Reigerstraat 31 a-2" in html and "1628 HJ  HOORN" in html  # the BRP's
    assert "Geachte mevrouw Van der Burg" in html and "J. van der Burg" in html
    assert "wijkt af" in html
    assert "Overnemen uit de BRP" in html
    # One call, the balie's fields, the BSN only in the body.
    (verzoek,) = fake.brp_verzoeken()
    assert VERHUISD not in verzoek.pad + verzoek.query
    assert b'"fields"' in verzoek.body and b"verblijfplaats.verblijfadres" in verzoek.body
    assert set(VELDEN_BALIE) <= set(json.loads(verzoek.body)["fields"])
    assert _brp_logs(deb) == ["BRP raadplegen"]
    # Nothing is changed by looking.
    assert not DebiteurAdres.objects.filter(debiteur=deb).exists()


def test_same_address_shows_no_difference(client, fake, balie, org):
    deb = _persoon(
        org, "999990500", straatnaam="Jonkheer van Riemsdijkln", huisnummer=88,
        postcode="2583XL", woonplaats="'s-Gravenhage", geslachtsnaam="Prins", voorletters="P.",
    )  # fmt: skip
    client.force_login(balie)
    html = client.get(f"/debiteuren/{deb.pk}/brp/").content.decode()
    adresrij = html.split('<th scope="row">Adres</th>')[1].split("</tr>")[0]
    assert "gelijk" in adresrij and "wijkt af" not in adresrij


def test_adopt_refetches_and_creates_history_and_brief_adres(client, fake, balie, org):
    deb = _persoon(org, VERHUISD)
    client.force_login(balie)
    client.get(f"/debiteuren/{deb.pk}/brp/")
    # Address fields in the form are ignored: the service fetches again.
    r = client.post(f"/debiteuren/{deb.pk}/brp/", {"adresregel1": "Valse straat 1"})
    assert r.status_code == 302 and r.url.endswith(f"/debiteuren/{deb.pk}/#adressen")
    assert len(fake.brp_verzoeken()) == 2

    deb.refresh_from_db()
    adres = deb.brief_adres
    assert adres.bron == Adresbron.BRP
    assert adres.adresregels == ["Haagse Reigerstraat 31 a-2", "1628 HJ  HOORN"]
    assert adres.aanhef == "Geachte mevrouw Van der Burg"
    assert adres.aanschrijfwijze == "J. van der Burg"
    assert adres.door == "balie"
    assert deb.adresstatus == Adresstatus.IN_ORDE and deb.adres_gecontroleerd_op is not None
    assert _brp_logs(deb) == ["BRP raadplegen", "BRP raadplegen: adres overnemen"]

    # A letter sent to that address shows under it in the history, with its PDF link.
    brief = brief_maken(deb.vorderingen.get())
    brief.adres = adres
    brief.save(update_fields=["adres"])
    html = client.get(f"/debiteuren/{deb.pk}/").content.decode()
    assert "overgenomen" in html  # the success message
    historie = html.split('id="adressen"')[1].split("</section>")[0]
    assert "Haagse Reigerstraat 31 a-2" in historie and "briefadres" in historie
    assert "1 brief" in historie and f'href="/brieven/{brief.pk}/pdf/"' in historie
    assert "In orde" in html

    # Adopting again with the same BRP address adds no history row.
    client.post(f"/debiteuren/{deb.pk}/brp/")
    assert DebiteurAdres.objects.filter(debiteur=deb).count() == 1


def test_not_found_is_logged_and_can_be_recorded(client, fake, balie, org):
    deb = _persoon(org, elfproef_nummer())
    client.force_login(balie)
    r = client.get(f"/debiteuren/{deb.pk}/brp/")
    assert r.status_code == 200
    assert "De BRP kent dit BSN niet" in r.content.decode()
    assert _brp_logs(deb) == ["BRP raadplegen: niet gevonden"]
    client.post(f"/debiteuren/{deb.pk}/brp/")
    deb.refresh_from_db()
    assert deb.adresstatus == Adresstatus.NIET_IN_BRP and deb.brief_adres is None


def test_rate_limit_per_user(client, fake, balie, org, settings):
    settings.BRP_BALIE_MAX_PER_MINUUT = 2
    deb = _persoon(org, VERHUISD)
    client.force_login(balie)
    assert client.get(f"/debiteuren/{deb.pk}/brp/").status_code == 200
    assert client.get(f"/debiteuren/{deb.pk}/brp/").status_code == 200
    r = client.get(f"/debiteuren/{deb.pk}/brp/")
    assert r.status_code == 429
    assert "maximum van 2 opvragingen per minuut" in r.content.decode()
    assert client.post(f"/debiteuren/{deb.pk}/brp/").status_code == 429
    assert len(fake.brp_verzoeken()) == 2
    assert len(_brp_logs(deb)) == 2
    assert not DebiteurAdres.objects.exists()


@pytest.mark.parametrize(("modus", "tekst"), [("down", "niet bereikbaar"), ("kapot", "JSON")])
def test_brp_failure_shows_message_and_changes_nothing(client, fake, balie, org, modus, tekst):
    deb = _persoon(org, VERHUISD)
    fake.modus = modus
    client.force_login(balie)
    for r in (client.get(f"/debiteuren/{deb.pk}/brp/"), client.post(f"/debiteuren/{deb.pk}/brp/")):
        html = r.content.decode()
        assert r.status_code == 502
        assert tekst in html and "Er is niets gewijzigd." in html
        assert "Traceback" not in html and fake.brp_api_key not in html and VERHUISD not in html
    deb.refresh_from_db()
    assert deb.brief_adres is None and deb.adresstatus == "" and deb.adres_gecontroleerd_op is None
    assert not DebiteurAdres.objects.exists()
    # The BSN did go to the BRP: the attempts are logged.
    assert _brp_logs(deb) == [
        "BRP raadplegen: mislukt",
        "BRP raadplegen voor overnemen: mislukt",
    ]


def test_not_configured_hides_button_and_asks_nothing(client, fake, balie, org, settings):
    settings.BRP_API_URL = ""
    deb = _persoon(org, VERHUISD)
    client.force_login(balie)
    assert "BRP raadplegen" not in client.get(f"/debiteuren/{deb.pk}/").content.decode()
    r = client.get(f"/debiteuren/{deb.pk}/brp/")
    assert r.status_code == 200
    assert "geen koppeling met de BRP" in r.content.decode()
    assert client.post(f"/debiteuren/{deb.pk}/brp/").status_code == 200
    assert fake.verzoeken == [] and _brp_logs(deb) == []


def test_adopting_needs_permission(client, fake, alleen_kijken, org):
    deb = _persoon(org, VERHUISD)
    client.force_login(alleen_kijken)
    r = client.get(f"/debiteuren/{deb.pk}/brp/")
    assert r.status_code == 200 and "Overnemen uit de BRP" not in r.content.decode()
    assert client.post(f"/debiteuren/{deb.pk}/brp/").status_code == 403
    assert not DebiteurAdres.objects.exists()


def test_other_organisations_debtor_is_not_found(client, fake, balie, andere_org):
    deb = _persoon(andere_org, VERHUISD)
    client.force_login(balie)
    assert client.get(f"/debiteuren/{deb.pk}/brp/").status_code == 404
    assert client.post(f"/debiteuren/{deb.pk}/brp/").status_code == 404
    assert fake.verzoeken == []


# --- geheimhouding ------------------------------------------------------------------------------


def test_geheimhouding_masked_without_permission(client, fake, balie, org):
    deb = _persoon(org, GEHEIM)
    client.force_login(balie)
    html = client.get(f"/debiteuren/{deb.pk}/brp/").content.decode()
    assert "Adres afgeschermd (geheimhouding BRP)" in html
    assert "Laan v Meerdervoort" not in html and "Oude Gracht" not in html
    client.post(f"/debiteuren/{deb.pk}/brp/")
    deb.refresh_from_db()
    assert deb.geheimhouding and deb.brief_adres.geheim  # letters still use it

    html = client.get(f"/debiteuren/{deb.pk}/").content.decode()
    assert "Adres afgeschermd (geheimhouding BRP)" in html
    assert "Laan v Meerdervoort" not in html and "Oude Gracht" not in html

    gemachtigd = _met_perm(balie, "bekijken_geheim_adres")
    client.force_login(gemachtigd)
    html = client.get(f"/debiteuren/{deb.pk}/").content.decode()
    assert "Adres afgeschermd" not in html
    assert "Laan v Meerdervoort 1055" in html and "Oude Gracht 7" in html
    html = client.get(f"/debiteuren/{deb.pk}/brp/").content.decode()
    assert "Adres afgeschermd" not in html and "Laan v Meerdervoort 1055" in html


# --- Handelsregister ----------------------------------------------------------------------------


def test_kvk_page_and_adopt(client, fake, balie, org):
    deb = _bedrijf(org, KVK_POSTBUS)
    client.force_login(balie)
    assert "Handelsregister raadplegen" in client.get(f"/debiteuren/{deb.pk}/").content.decode()
    r = client.get(f"/debiteuren/{deb.pk}/handelsregister/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Test BV Donald" in html and "Postbus 200" in html and "1000 AE  ROMMELDAM" in html
    assert "Kerkstraat 1" in html and "wijkt af" in html
    r = client.post(f"/debiteuren/{deb.pk}/handelsregister/")
    assert r.status_code == 302
    deb.refresh_from_db()
    assert deb.brief_adres.bron == Adresbron.KVK
    assert deb.brief_adres.aanschrijfwijze == "Test BV Donald"
    assert deb.brief_adres.adresregels == ["Postbus 200", "1000 AE  ROMMELDAM"]
    # A company is no natural person: verwerking_log keeps nothing for it.
    assert not Verwerking.objects.filter(doel=DOEL_KVK).exists()
    # The BRP page is only for persons.
    assert client.get(f"/debiteuren/{deb.pk}/brp/").status_code == 302


def test_kvk_unknown_number(client, fake, balie, org):
    deb = _bedrijf(org, "12345678")
    client.force_login(balie)
    r = client.get(f"/debiteuren/{deb.pk}/handelsregister/")
    assert r.status_code == 200 and "kent KvK-nummer 12345678 niet" in r.content.decode()
    client.post(f"/debiteuren/{deb.pk}/handelsregister/")
    deb.refresh_from_db()
    assert deb.brief_adres is None


# --- work list and history ----------------------------------------------------------------------


def test_work_list_shows_deceased_of_own_organisation_only(client, fake, balie, org, andere_org):
    overleden = _persoon(org, OVERLEDEN, geslachtsnaam="Leemstra", voorletters="P.P.")
    client.force_login(balie)
    client.get(f"/debiteuren/{overleden.pk}/brp/")
    r = client.post(f"/debiteuren/{overleden.pk}/brp/")
    overleden.refresh_from_db()
    assert overleden.adresstatus == Adresstatus.OVERLEDEN and overleden.brief_adres is None
    elders = _persoon(andere_org, elfproef_nummer(), geslachtsnaam="Elders")
    Debiteur.objects.filter(pk=elders.pk).update(adresstatus=Adresstatus.OVERLEDEN)

    r = client.get("/werklijsten/adres-in-onderzoek/")
    html = r.content.decode()
    assert r.status_code == 200
    assert overleden.vorderingen.get().vorderingnummer in html and "Overleden" in html
    assert elders.vorderingen.get().vorderingnummer not in html and "Elders" not in html
    assert 'href="/werklijsten/adres-in-onderzoek/"' in html  # the menu link
    assert Verwerking.objects.filter(
        debiteur=overleden, activiteit="werklijst adres in onderzoek getoond"
    ).exists()
    debiteurpagina = client.get(f"/debiteuren/{overleden.pk}/").content.decode()
    assert "label-achterstallig" in debiteurpagina and "Overleden" in debiteurpagina


def test_debtor_page_history_queries_do_not_grow(client, fake, balie, org):
    deb = _persoon(org, VERHUISD)
    vordering = deb.vorderingen.get()

    def adres_met_brief(i):
        adres = DebiteurAdres.objects.create(
            debiteur=deb, bron=Adresbron.BRP, adresregels=[f"Straat {i}", "1234 AB  PLAATS"]
        )
        brief = brief_maken(vordering)
        brief.adres = adres
        brief.save(update_fields=["adres"])
        Debiteur.objects.filter(pk=deb.pk).update(brief_adres=adres)

    adres_met_brief(1)
    client.force_login(balie)
    from django.db import connection

    client.get(f"/debiteuren/{deb.pk}/")
    with CaptureQueriesContext(connection) as een:
        client.get(f"/debiteuren/{deb.pk}/")
    for i in range(2, 8):
        adres_met_brief(i)
    with CaptureQueriesContext(connection) as zeven:
        html = client.get(f"/debiteuren/{deb.pk}/").content.decode()
    assert len(zeven.captured_queries) == len(een.captured_queries)
    assert "Straat 7" in html and "Straat 1" in html


def test_letter_to_a_secret_address_needs_the_permission(client, fake, balie, org):
    """A letter's PDF prints the address: with geheimhouding only for who may see it."""
    from tests.factories import brief_maken

    deb = _persoon(org, GEHEIM)
    client.force_login(balie)
    client.post(f"/debiteuren/{deb.pk}/brp/")
    deb.refresh_from_db()
    vordering = deb.vorderingen.get()
    brief = brief_maken(vordering)
    brief.adres = deb.brief_adres
    brief.save(update_fields=["adres"])

    response = client.get(f"/brieven/{brief.pk}/pdf/")
    assert response.status_code == 403
    assert "geheimhouding" in response.content.decode()

    client.force_login(_met_perm(balie, "bekijken_geheim_adres"))
    response = client.get(f"/brieven/{brief.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
