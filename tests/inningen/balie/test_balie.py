"""Balie and work lists (issue 7): roles, organisation scope, search, debtor position with a
bounded number of queries, claim detail, notes, verwerkingenlogging, formatting."""

import datetime as dt
import itertools

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.utils import timezone

from inningen.balie.selectors.zoeken import herken, zoek
from inningen.choices import Boekingsoort, Debiteursoort, VorderingStatus
from inningen.debiteuren.models import DebiteurRekening, Notitie
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.statussen import vordering_status_set
from inningen.organisaties.models import Medewerker
from inningen.organisaties.services.rollen import roles_ensure
from inningen.templatetags.inningen_format import datum, datumtijd, euro, procent
from inningen.verwerkingen.models import Verwerking, VerwerkingGeweigerd
from inningen.verwerkingen.services import verwerking_log
from tests.factories import (
    DebiteurFactory,
    OrganisatieFactory,
    elfproef_nummer,
    gebruiker_maken,
    vordering_maken,
)

pytestmark = pytest.mark.django_db


# --- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cent", "tekst"),
    [
        (0, "€ 0,00"),
        (5, "€ 0,05"),
        (123456, "€ 1.234,56"),
        (-1200, "-€ 12,00"),
        (100_000_000_01, "€ 100.000.000,01"),
        (-99, "-€ 0,99"),
        (None, ""),
    ],
)
def test_euro(cent, tekst):
    assert euro(cent) == tekst


def test_datum_en_procent():
    assert datum(dt.date(2026, 11, 22)) == "22-11-2026"
    moment = timezone.make_aware(dt.datetime(2026, 11, 22, 23, 30), dt.UTC)
    assert datumtijd(moment) == "23-11-2026 00:30"  # local time (Europe/Amsterdam)
    assert datum(None) == ""
    assert procent(2100) == "21%"
    assert procent(950) == "9,5%"


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def rollen():
    return roles_ensure()


@pytest.fixture
def org():
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def andere_org():
    return OrganisatieFactory(naam="Gemeente Elders")


@pytest.fixture
def balie(rollen, org):
    return gebruiker_maken("balie", "baliemedewerker", org)


@pytest.fixture
def invorderaar(rollen, org):
    return gebruiker_maken("invorderaar", "invorderaar", org)


@pytest.fixture
def oztuerk(org):
    deb = DebiteurFactory(
        geslachtsnaam="Öztürk", voorletters="H.", postcode="4101AB", huisnummer=12
    )
    DebiteurRekening.objects.create(debiteur=deb, iban="NL91ABNA0417164300")
    return deb


_teller = itertools.count(1)


def _vorderingen(org, deb, n, **kw):
    return [
        vordering_maken(org, debiteur=deb, vorderingnummer=f"V-{next(_teller):06d}", **kw)
        for _ in range(n)
    ]


# --- roles --------------------------------------------------------------------------------------


def test_roles_ensure_is_idempotent():
    eerst = roles_ensure()
    perms = {n: set(g.permissions.values_list("codename", flat=True)) for n, g in eerst.items()}
    tweede = roles_ensure()
    assert {n: g.pk for n, g in eerst.items()} == {n: g.pk for n, g in tweede.items()}
    assert perms == {
        n: set(g.permissions.values_list("codename", flat=True)) for n, g in tweede.items()
    }
    assert {"view_debiteur", "view_vordering", "add_notitie"} <= perms["baliemedewerker"]
    assert "change_vordering" not in perms["baliemedewerker"]
    assert {"change_vordering", "add_debiteur", "change_uitgaandbericht"} <= perms["invorderaar"]
    assert perms["privacyfunctionaris"] == {"raadplegen_verwerking"}
    for rol in ("baliemedewerker", "invorderaar", "beheerder"):
        assert "raadplegen_verwerking" not in perms[rol]


# --- access -------------------------------------------------------------------------------------


def test_login_required_and_login_page(client, oztuerk, org):
    _vorderingen(org, oztuerk, 1)
    r = client.get(f"/debiteuren/{oztuerk.pk}/")
    assert r.status_code == 302
    assert r["Location"].startswith("/inloggen/?next=")
    r = client.get("/inloggen/")
    assert r.status_code == 200
    assert 'for="id_username"' in r.content.decode()


def test_login_redirects_to_search(client, balie):
    r = client.post(
        "/inloggen/", {"username": "balie", "password": "geheim-wachtwoord-123"}, follow=True
    )
    assert r.redirect_chain[-1][0] == "/start/"  # the start page per role (#19), with search
    assert "Zoek een debiteur of vordering" in r.content.decode()


def test_user_without_role_gets_403(client, org, oztuerk):
    _vorderingen(org, oztuerk, 1)
    user = User.objects.create_user("niemand", password="x")
    Medewerker.objects.create(user=user).organisaties.add(org)
    client.force_login(user)
    assert client.get(f"/debiteuren/{oztuerk.pk}/").status_code == 403
    assert client.get("/").status_code == 403


def test_balie_cannot_see_other_organisations_debtor(client, balie, andere_org, org):
    vreemd = DebiteurFactory(geslachtsnaam="Vreemd")
    v = _vorderingen(andere_org, vreemd, 1)[0]
    client.force_login(balie)
    assert client.get(f"/debiteuren/{vreemd.pk}/").status_code == 404
    assert client.get(f"/vorderingen/{v.pk}/").status_code == 404
    for q in ("Vreemd", vreemd.bsn, v.vorderingnummer, v.betalingskenmerk):
        r = client.get("/", {"q": q})
        assert r.status_code == 200 and r.context["resultaat"].leeg
        assert f"/debiteuren/{vreemd.pk}/" not in r.content.decode()
    assert not Verwerking.objects.filter(debiteur=vreemd).exists()


def test_debtor_page_shows_only_own_organisations_claims(client, balie, org, andere_org, oztuerk):
    eigen = _vorderingen(org, oztuerk, 1)[0]
    vreemd = _vorderingen(andere_org, oztuerk, 1)[0]
    client.force_login(balie)
    html = client.get(f"/debiteuren/{oztuerk.pk}/").content.decode()
    assert eigen.vorderingnummer in html
    assert vreemd.vorderingnummer not in html
    assert "Gemeente Elders" not in html


def test_balie_has_no_work_lists(client, balie):
    client.force_login(balie)
    assert client.get("/werklijsten/zonder-debiteur/").status_code == 403
    assert client.get("/werklijsten/berichten/").status_code == 403
    html = client.get("/").content.decode()
    assert "Vorderingen zonder debiteur" not in html
    assert "Mislukte berichten" not in html
    assert "Werklijst betalingen" not in html


def test_invorderaar_navigation(client, invorderaar):
    client.force_login(invorderaar)
    html = client.get("/").content.decode()
    assert "Vorderingen zonder debiteur" in html and "Mislukte berichten" in html


# --- search -------------------------------------------------------------------------------------


def test_herken():
    bsn = elfproef_nummer()
    assert herken(bsn)[0] == "bsn_rsin"
    assert herken("12345678")[0] == "kvk"
    assert herken("1234 AB 12") == (
        "postcode",
        {"postcode": "1234AB", "huisnummer": 12, "toevoeging": ""},
    )
    assert herken("1234ab 12a")[1]["toevoeging"] == "A"
    assert herken("NL91 ABNA 0417 1643 00") == ("iban", {"iban": "NL91ABNA0417164300"})
    assert herken("Öztürk")[0] == "tekst"
    assert herken("1234 5678 9012 3456")[0] == "kenmerk"


def test_search_kinds(balie, org, oztuerk):
    v = _vorderingen(org, oztuerk, 2, factuurnummer="F-2026-0001")[0]
    nnp = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, bsn=None, rsin=elfproef_nummer(),
        kvk_nummer="30284513", statutaire_naam="Çelik Transport B.V.", geslachtsnaam="",
    )  # fmt: skip
    _vorderingen(org, nnp, 1)
    assert zoek(balie, "Ozturk").debiteuren == [oztuerk]
    assert zoek(balie, "öz").debiteuren == [oztuerk]
    assert zoek(balie, "celik transport").debiteuren == [nnp]
    assert zoek(balie, oztuerk.bsn).debiteuren == [oztuerk]
    assert zoek(balie, nnp.rsin).debiteuren == [nnp]
    assert zoek(balie, "30284513").debiteuren == [nnp]
    assert zoek(balie, "4101 AB 12").debiteuren == [oztuerk]
    assert zoek(balie, "4101AB12").debiteuren == [oztuerk]
    assert zoek(balie, "NL91ABNA0417164300").debiteuren == [oztuerk]
    assert zoek(balie, v.vorderingnummer).vorderingen == [v]
    assert zoek(balie, "F-2026-0001").vorderingen[0].factuurnummer == "F-2026-0001"
    assert zoek(balie, v.betalingskenmerk).vorderingen == [v]
    assert zoek(balie, "Jansen").leeg
    oztuerk.debiteurnummer = "DEB-42"
    oztuerk.save()
    assert zoek(balie, "DEB-42").debiteuren == [oztuerk]


def test_search_voorvoegsel_and_pagination(balie, org):
    deb = DebiteurFactory(geslachtsnaam="Heuvel", voorvoegsel_geslachtsnaam="van den")
    _vorderingen(org, deb, 1)
    assert zoek(balie, "van den Heuvel").debiteuren == [deb]
    for i in range(30):
        d = DebiteurFactory(geslachtsnaam=f"Bakker{i:02d}")
        _vorderingen(org, d, 1)
    eerste = zoek(balie, "bakker")
    assert len(eerste.debiteuren) == 25 and eerste.heeft_volgende
    tweede = zoek(balie, "bakker", pagina=2)
    assert len(tweede.debiteuren) == 5 and not tweede.heeft_volgende


def test_search_view_redirects_on_exact_identifier_and_logs(client, balie, org, oztuerk):
    _vorderingen(org, oztuerk, 1)
    client.force_login(balie)
    r = client.get("/", {"q": oztuerk.bsn})
    assert r.status_code == 302 and r["Location"] == f"/debiteuren/{oztuerk.pk}/"
    r = client.get("/", {"q": "ozturk"})
    assert "Öztürk" in r.content.decode()
    log = Verwerking.objects.get(debiteur=oztuerk)
    assert log.gebruikersnaam == "balie" and log.doel == "balie"
    assert log.activiteit.startswith("zoeken")


# --- debtor position ----------------------------------------------------------------------------


def _betaal(v, bedrag, soort=Boekingsoort.BETALING):
    boekingen_create(
        boekingen=[
            Boeking(
                organisatie=v.organisatie, vordering=v, soort=soort,
                boekdatum=timezone.localdate(), bedrag_incl_btw=-bedrag, bedrag_excl_btw=-bedrag,
                bedrag_btw=0, boekingssleutel="OMZ-001", omschrijving="Betaling via bank",
                door="test",
            )
        ]
    )  # fmt: skip


def test_debtor_page_content_and_log(client, balie, org, oztuerk):
    vandaag = timezone.localdate()
    oud = _vorderingen(
        org, oztuerk, 1,
        creatiedatum=vandaag - dt.timedelta(days=60),
        factuurdatum=vandaag - dt.timedelta(days=60),
        vervaldatum=vandaag - dt.timedelta(days=30),
    )[0]  # fmt: skip
    nieuw = _vorderingen(org, oztuerk, 1)[0]
    _betaal(nieuw, 2100)
    vordering_status_set(vordering=oud, status=VorderingStatus.INVORDERING, door="test",
                         opmerkingen="Aanmaning verstuurd")  # fmt: skip
    client.force_login(balie)
    r = client.get(f"/debiteuren/{oztuerk.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Öztürk" in html and oztuerk.bsn in html
    assert "€ 221,00" in html  # 121,00 + 100,00 open
    assert "achterstallig" in html
    assert "Aanmaning verstuurd" not in html  # the folded timeline is loaded on request (#19)
    assert "Betaling via bank" in html
    assert r.context["positie"].openstaand == 12100 + 10000
    assert r.context["positie"].achterstallig == 12100
    log = Verwerking.objects.get(debiteur=oztuerk)
    assert (log.gebruiker, log.activiteit) == (balie, "inzage debiteurpositie")
    assert "Aanmaning verstuurd" in client.get(f"/debiteuren/{oztuerk.pk}/?tijdlijn=ja").text


def test_debtor_page_queries_independent_of_claim_count(
    client, balie, org, oztuerk, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(balie)
    claims = _vorderingen(org, oztuerk, 3)
    for v in claims:
        _betaal(v, 1000)
        vordering_status_set(vordering=v, status=VorderingStatus.VERSTUURD, door="test")
    Notitie.objects.create(debiteur=oztuerk, organisatie=org, tekst="Belde", door_naam="x")
    client.get(f"/debiteuren/{oztuerk.pk}/")  # warm caches (content types, permissions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as klein:
        assert client.get(f"/debiteuren/{oztuerk.pk}/").status_code == 200
    for v in _vorderingen(org, oztuerk, 40):
        _betaal(v, 500)
        vordering_status_set(vordering=v, status=VorderingStatus.VERSTUURD, door="test")
    with django_assert_num_queries(len(klein.captured_queries)):
        client.get(f"/debiteuren/{oztuerk.pk}/")
    # Claims, ledger, statuses, steps, regelingen, opschortingen, letters, notes, outbox, …:
    # a fixed number, however many claims (+3 for the follow-up panel, #19).
    with django_assert_max_num_queries(28):
        client.get(f"/debiteuren/{oztuerk.pk}/")


def test_claim_detail(client, balie, org, oztuerk):
    v = _vorderingen(org, oztuerk, 1)[0]
    _betaal(v, 2100)
    client.force_login(balie)
    r = client.get(f"/vorderingen/{v.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Huur sportzaal" in html and "21%" in html
    assert "€ 100,00" in html  # saldo after the payment
    k = v.betalingskenmerk
    assert f"{k[:4]} {k[4:8]} {k[8:12]} {k[12:]}" in html
    assert Verwerking.objects.filter(vordering=v, activiteit="inzage vordering").exists()


# --- notes --------------------------------------------------------------------------------------


def test_note_added_and_scoped(client, balie, org, andere_org, oztuerk):
    v = _vorderingen(org, oztuerk, 1)[0]
    _vorderingen(andere_org, oztuerk, 1)
    Notitie.objects.create(debiteur=oztuerk, organisatie=andere_org, tekst="Geheim", door_naam="x")
    client.force_login(balie)
    r = client.post(
        f"/debiteuren/{oztuerk.pk}/notities/",
        {"tekst": "Belde over betalingsregeling", "organisatie": org.pk, "vordering": v.pk},
        follow=True,
    )
    html = r.content.decode()
    assert "Belde over betalingsregeling" in html and "Geheim" not in html
    notitie = Notitie.objects.get(tekst="Belde over betalingsregeling")
    assert (notitie.door, notitie.vordering, notitie.organisatie) == (balie, v, org)
    # Not for an organisation the user does not work for.
    r = client.post(
        f"/debiteuren/{oztuerk.pk}/notities/", {"tekst": "x", "organisatie": andere_org.pk}
    )
    assert r.status_code == 403
    assert sorted(Notitie.objects.values_list("tekst", flat=True)) == [
        "Belde over betalingsregeling",
        "Geheim",
    ]


# --- verwerkingenlogging ------------------------------------------------------------------------


def test_verwerking_only_via_service(balie, oztuerk):
    with pytest.raises(VerwerkingGeweigerd):
        Verwerking.objects.create(gebruikersnaam="x", debiteur=oztuerk, doel="d", activiteit="a")
    with pytest.raises(VerwerkingGeweigerd):
        Verwerking.objects.bulk_create(
            [Verwerking(gebruikersnaam="x", debiteur=oztuerk, doel="d", activiteit="a")]
        )
    (rij,) = verwerking_log(user=balie, debiteuren=[oztuerk], doel="balie", activiteit="inzage")
    with pytest.raises(VerwerkingGeweigerd):
        rij.save()
    with pytest.raises(VerwerkingGeweigerd):
        rij.delete()
    with pytest.raises(VerwerkingGeweigerd):
        Verwerking.objects.update(doel="anders")
    with pytest.raises(VerwerkingGeweigerd):
        Verwerking.objects.all().delete()
    assert list(Verwerking.objects.values_list("pk", "doel", "activiteit")) == [
        (rij.pk, "balie", "inzage")
    ]


def test_verwerking_not_logged_for_companies(balie):
    nnp = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, bsn=None, rsin=elfproef_nummer(),
        statutaire_naam="Bedrijf B.V.",
    )  # fmt: skip
    assert verwerking_log(user=balie, debiteuren=[nnp], doel="balie", activiteit="x") == []


def test_verwerking_admin_read_only_and_for_privacy_officer(client, rollen, balie, oztuerk):

    verwerking_log(user=balie, debiteuren=[oztuerk], doel="balie", activiteit="inzage")
    model_admin = admin.site._registry[Verwerking]
    superuser = User.objects.create_superuser("root", password="x")
    request = RequestFactory().get("/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)

    url = "/admin/inningen/verwerking/"
    balie.is_staff = True
    balie.save()
    client.force_login(balie)
    assert client.get(url).status_code == 403
    privacy = User.objects.create_user("privacy", password="x", is_staff=True)
    privacy.groups.add(rollen["privacyfunctionaris"])
    client.force_login(privacy)
    r = client.get(url, {"q": oztuerk.bsn})
    assert r.status_code == 200 and "inzage" in r.content.decode()
    assert client.get(f"{url}add/").status_code == 403


# --- work list: claims without a debtor ---------------------------------------------------------


def test_work_list_link_existing_debtor(client, invorderaar, org, andere_org, oztuerk):
    _vorderingen(org, oztuerk, 1)
    zonder = vordering_maken(org, vorderingnummer="ZONDER-1")
    vreemd = vordering_maken(andere_org, vorderingnummer="ZONDER-VREEMD")
    client.force_login(invorderaar)
    html = client.get("/werklijsten/zonder-debiteur/").content.decode()
    assert "ZONDER-1" in html and "ZONDER-VREEMD" not in html
    assert client.get(f"/werklijsten/zonder-debiteur/{vreemd.pk}/").status_code == 404
    r = client.post(
        f"/werklijsten/zonder-debiteur/{vreemd.pk}/",
        {"actie": "koppelen", "debiteur": oztuerk.pk},
    )
    assert r.status_code == 404
    vreemd.refresh_from_db()
    assert vreemd.debiteur is None
    r = client.get(f"/werklijsten/zonder-debiteur/{zonder.pk}/", {"q": "ozturk"})
    assert "Öztürk" in r.content.decode()
    r = client.post(
        f"/werklijsten/zonder-debiteur/{zonder.pk}/",
        {"actie": "koppelen", "debiteur": oztuerk.pk},
    )
    assert r.status_code == 302
    zonder.refresh_from_db()
    assert zonder.debiteur == oztuerk


def test_work_list_link_preselects_nobody_and_names_the_debtor(client, invorderaar, org, oztuerk):
    """Issue #19 finding 2: one click linked an invoice to the wrong namesake. No search result
    is pre-selected, and the confirmation names the debtor the claim went to."""
    naamgenoot = DebiteurFactory(geslachtsnaam="Öztürk", voorletters="A.", bsn=elfproef_nummer())
    _vorderingen(org, oztuerk, 1)
    _vorderingen(org, naamgenoot, 1)
    zonder = vordering_maken(org, vorderingnummer="ZONDER-3")
    client.force_login(invorderaar)
    url = f"/werklijsten/zonder-debiteur/{zonder.pk}/"
    html = client.get(url, {"q": "ozturk"}).content.decode()
    assert html.count('name="debiteur"') == 2
    assert "checked" not in html
    # Submitting without a choice links nothing.
    client.post(url, {"actie": "koppelen"})
    zonder.refresh_from_db()
    assert zonder.debiteur is None
    r = client.post(url, {"actie": "koppelen", "debiteur": naamgenoot.pk}, follow=True)
    zonder.refresh_from_db()
    assert zonder.debiteur == naamgenoot
    assert f"gekoppeld aan {naamgenoot}" in r.content.decode()


def test_work_list_create_debtor_validates_bsn(client, invorderaar, org):
    zonder = vordering_maken(org, vorderingnummer="ZONDER-2")
    client.force_login(invorderaar)
    url = f"/werklijsten/zonder-debiteur/{zonder.pk}/"
    r = client.post(url, {"actie": "aanmaken", "soort": "NPS", "identificatie": "123456789",
                          "geslachtsnaam": "Jansen"})  # fmt: skip
    assert r.status_code == 200 and "Geen geldig BSN" in r.content.decode()
    bsn = elfproef_nummer()
    r = client.post(url, {"actie": "aanmaken", "soort": "NPS", "identificatie": bsn,
                          "geslachtsnaam": "Jansen", "postcode": "1234 ab", "huisnummer": "5"})  # fmt: skip
    assert r.status_code == 302
    zonder.refresh_from_db()
    assert zonder.debiteur.bsn == bsn and zonder.debiteur.postcode == "1234AB"
    assert zonder.debiteur.zoeknaam == "jansen"


def test_balie_cannot_use_work_list(client, balie, org, oztuerk):
    zonder = vordering_maken(org)
    client.force_login(balie)
    # A complete, valid request: only the missing permission can refuse it.
    r = client.post(
        f"/werklijsten/zonder-debiteur/{zonder.pk}/", {"actie": "koppelen", "debiteur": oztuerk.pk}
    )
    assert r.status_code == 403
    assert Vordering.objects.get(pk=zonder.pk).debiteur is None


# --- work list: failed outgoing messages --------------------------------------------------------


def test_failed_messages_resend(client, invorderaar, org, andere_org, oztuerk):
    from stuffin.models import Koppeling, UitgaandBericht, UitgaandStatus

    koppeling = Koppeling.objects.create(
        applicatie="TSA", rol="tsa", gebruikersnaam="tsa-test", wachtwoord="x"
    )
    eigen = _vorderingen(org, oztuerk, 1)[0]
    vreemd = _vorderingen(andere_org, oztuerk, 1)[0]
    nu = timezone.now()
    mislukt = UitgaandBericht.objects.create(
        soort="statuswijziging", koppeling=koppeling, vordering=eigen, referentienummer="R1",
        status=UitgaandStatus.MISLUKT, volgende_poging=nu, foutcode="StUF055",
    )  # fmt: skip
    anders = UitgaandBericht.objects.create(
        soort="statuswijziging", koppeling=koppeling, vordering=vreemd, referentienummer="R2",
        status=UitgaandStatus.DOOD, volgende_poging=nu,
    )  # fmt: skip
    client.force_login(invorderaar)
    html = client.get("/werklijsten/berichten/").content.decode()
    assert "StUF055" in html and vreemd.vorderingnummer not in html
    r = client.post("/werklijsten/berichten/opnieuw/", {"bericht": [mislukt.pk, anders.pk]})
    assert r.status_code == 302
    mislukt.refresh_from_db()
    anders.refresh_from_db()
    assert mislukt.status == UitgaandStatus.WACHTEND
    assert anders.status == UitgaandStatus.DOOD  # another organisation's: untouched


def test_verwerking_update_refused_by_postgresql(postgresql, balie, oztuerk):
    from django.db import DatabaseError, transaction

    (rij,) = verwerking_log(user=balie, debiteuren=[oztuerk], doel="balie", activiteit="inzage")
    with (
        pytest.raises(DatabaseError, match="niet te wijzigen"),
        transaction.atomic(),
        postgresql.cursor() as cursor,
    ):
        cursor.execute("UPDATE inningen_verwerking SET doel = 'x' WHERE id = %s", [rij.pk])
    assert Verwerking.objects.get(pk=rij.pk).doel == "balie"


def test_debtor_page_escapes_tsa_data(client, balie, org, oztuerk):
    _vorderingen(org, oztuerk, 1, algemene_factuuromschrijving="<script>alert(1)</script>")
    client.force_login(balie)
    html = client.get(f"/debiteuren/{oztuerk.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_claim_page_shows_inbound_and_outbound_messages(client, balie, org, oztuerk):
    from django.urls import reverse

    from stuffin.models import Bericht, Richting

    (vordering,) = _vorderingen(org, oztuerk, 1)
    bericht = Bericht.objects.create(
        richting=Richting.IN,
        berichtsoort="Di01-verstrekVordering",
        referentienummer="REF-IN-42",
        antwoordsoort="Bv03",
        aantal_objecten=1,
    )
    bericht.vorderingen.add(vordering)
    client.force_login(balie)
    html = client.get(reverse("balie:vordering", args=[vordering.pk])).content.decode()
    assert "Berichten van de TSA" in html and "REF-IN-42" in html
    assert "Berichten aan de TSA" in html


# --- finding 9: NUL characters never reach the database ----------------------------------------


def test_nul_in_search_is_a_clear_400_not_a_500(client, balie):
    client.force_login(balie)
    response = client.get("/?q=%00abc")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_a_posted_form_is_refused(client, balie, org):
    deb = DebiteurFactory()
    vordering_maken(org, debiteur=deb)
    client.force_login(balie)
    response = client.post(
        f"/debiteuren/{deb.pk}/notities/",
        {"organisatie": org.pk, "tekst": "hallo\x00wereld"},
    )
    assert response.status_code == 400
    assert not Notitie.objects.exists()


def test_search_form_refuses_nul_without_the_middleware(client, balie, settings):
    """The form itself, too (defence in depth): a Dutch message, an empty result, no 500."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "NulTeken" not in m]
    client.force_login(balie)
    response = client.get("/", {"q": "\x00abc", "pagina": "x"})
    assert response.status_code == 200
    assert "Zoekopdracht niet uitgevoerd" in response.content.decode()
