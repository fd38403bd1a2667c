"""Importing a bank statement in the background (#16, "Import in the background"): the upload
stores the file and answers at once, a task imports it all or nothing, the status page shows
progress and the result, a sweep recovers lost work; the command stays synchronous with a
progress bar."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone
from lxml import html

from inningen.betalingen.models import Afschrift, Afschriftimport, Betaling, ImportStatus
from inningen.betalingen.services import afschriftimport as service
from inningen.betalingen.services.afschriftimport import (
    AlInWachtrij,
    afschriftimport_create,
    afschriftimport_run,
    afschriftimport_sweep,
)
from inningen.betalingen.tasks import afschrift_importeren
from inningen.grootboek.models import Boeking
from inningen.management.commands.importeer_afschrift import Voortgangsbalk
from inningen.organisaties.models import Bankrekening, Medewerker
from tests.conftest import wait_for
from tests.factories import OrganisatieFactory, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053
from tests.test_csp import _inline_fouten

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
ANDER_ORG_IBAN = "NL27ABNA0123456789"
DEB_IBAN = "NL20INGB0001234567"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def org():
    o = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=o, iban=ORG_IBAN)
    return o


@pytest.fixture
def ander_org():
    o = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=o, iban=ANDER_ORG_IBAN)
    return o


def _gebruiker(naam, *organisaties, rechten=("import_afschrift", "view_betaling")):
    user = User.objects.create_user(naam, password="x")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="inningen", codename__in=rechten)
    )
    Medewerker.objects.create(user=user).organisaties.add(*organisaties)
    return user


@pytest.fixture
def invorderaar(org):
    return _gebruiker("inv", org)


@pytest.fixture
def client_inv(client, invorderaar):
    client.force_login(invorderaar)
    return client


@pytest.fixture
def met_broker(monkeypatch):
    """As with a real broker: queueing does not run the task; the test runs what was queued
    when it wants (``wachtrij``: the queued import ids). The test's transaction never commits,
    so what would run after the commit runs at once."""
    from config.celery import app

    app.conf.task_always_eager = False
    wachtrij = []
    monkeypatch.setattr(afschrift_importeren, "delay", lambda pk: wachtrij.append(pk))
    monkeypatch.setattr(service, "na_commit", lambda inplannen, wat: inplannen())
    yield wachtrij
    app.conf.task_always_eager = True


def _bestand(v=None, ident="AFS-1", iban=ORG_IBAN, bedrag=250):
    posten = [{"bedrag": bedrag, "tekst": "onbekend", "iban": DEB_IBAN}]
    if v is not None:
        posten.insert(0, {"bedrag": v.openstaand_bedrag, "kenmerk": v.betalingskenmerk})
    return camt053(iban, posten, ident=ident)


def _upload(client, inhoud, naam="afschrift.xml", follow=False):
    return client.post(
        "/betalingen/afschrift/", {"bestand": SimpleUploadedFile(naam, inhoud)}, follow=follow
    )


def _niets_ingelezen():
    return (
        not Afschrift.objects.exists()
        and not Betaling.objects.exists()
        and not Boeking.objects.filter(betaling__isnull=False).exists()
    )


# --- upload answers at once, the task imports ----------------------------------------------------


def test_upload_antwoordt_direct_en_de_taak_leest_in(client_inv, org, met_broker):
    v = vordering_maken(org)
    with_callbacks = _upload(client_inv, _bestand(v))
    imp = Afschriftimport.objects.get()
    assert with_callbacks.status_code == 302
    assert with_callbacks["Location"] == f"/betalingen/afschrift/import/{imp.pk}/"
    # Answered without importing: the file is stored and queued, nothing booked yet.
    assert (imp.status, imp.bestandsnaam, imp.door) == (
        ImportStatus.WACHTRIJ,
        "afschrift.xml",
        "inv",
    )
    with imp.bestand.open("rb") as f:
        assert f.read() == _bestand(v) and len(imp.sha256) == 64
    pad = Path(imp.bestand.path)
    assert "afschrift" not in pad.name  # a random name, the user's name only in bestandsnaam
    assert _niets_ingelezen()
    pagina = client_inv.get(f"/betalingen/afschrift/import/{imp.pk}/").content.decode()
    assert "In de wachtrij" in pagina
    assert met_broker == [imp.pk]

    assert afschrift_importeren.apply(args=[imp.pk]).get() == ImportStatus.KLAAR
    imp.refresh_from_db()
    assert imp.status == ImportStatus.KLAAR and imp.organisatie == org
    assert (imp.verwerkt, imp.totaal) == (2, 2)
    assert "2 posten: 1 gematcht, 1 ongematcht" in imp.samenvatting
    assert imp.bestand.name == "" and not pad.exists()  # the facts are in Afschrift/Betaling now
    assert Betaling.objects.count() == 2
    boom = html.fromstring(client_inv.get(f"/betalingen/afschrift/import/{imp.pk}/").content)
    assert boom.xpath("string(//*[@id='import-status'])") == "Ingelezen"
    assert "1 gematcht" in boom.xpath("string(//*[@id='import-samenvatting'])")
    assert boom.xpath("//*[@id='import-voortgang'][@hidden]")


def test_taak_is_idempotent(client_inv, org, met_broker):
    v = vordering_maken(org)
    _upload(client_inv, _bestand(v))
    imp = Afschriftimport.objects.get()
    afschrift_importeren.apply(args=[imp.pk])
    # A redelivered message (acks_late) or a second queueing changes nothing.
    assert afschrift_importeren.apply(args=[imp.pk]).get() == ImportStatus.KLAAR
    assert Betaling.objects.count() == 2 and Afschrift.objects.count() == 1
    assert Afschriftimport.objects.get().pogingen == 1


def test_zonder_broker_leest_de_upload_direct_in(client_inv, org):
    """The embedded default (no broker, tasks in-process): the upload still imports."""
    v = vordering_maken(org)
    r = _upload(client_inv, _bestand(v), follow=True)
    assert "1 gematcht, 1 ongematcht" in r.content.decode()
    assert Afschriftimport.objects.get().status == ImportStatus.KLAAR
    assert Betaling.objects.count() == 2


def test_json_status_voor_de_poller(client_inv, org, met_broker):
    _upload(client_inv, _bestand())
    imp = Afschriftimport.objects.get()
    Afschriftimport.objects.filter(pk=imp.pk).update(
        status=ImportStatus.BEZIG, verwerkt=250, totaal=1000
    )
    r = client_inv.get(f"/betalingen/afschrift/import/{imp.pk}/status/")
    assert r["Cache-Control"] == "no-store"
    assert r.json() == {
        "status": "bezig",
        "status_tekst": "Bezig met inlezen",
        "afgelopen": False,
        "verwerkt": 250,
        "totaal": 1000,
        "procent": 25,
        "voortgang_tekst": "250 van 1000 posten",
        "samenvatting": "",
        "foutmelding": "",
    }
    boom = html.fromstring(client_inv.get(f"/betalingen/afschrift/import/{imp.pk}/").content)
    assert boom.xpath("//progress[@id='import-balk']/@value") == ["25"]
    assert boom.xpath("string(//*[@id='import-posten'])") == "250 van 1000 posten"
    Afschriftimport.objects.filter(pk=imp.pk).update(verwerkt=0, totaal=0)  # still parsing
    assert client_inv.get(f"/betalingen/afschrift/import/{imp.pk}/status/").json()[
        "voortgang_tekst"
    ] == ("Het bestand wordt gelezen en gecontroleerd.")
    assert boom.xpath("//label[@for='import-balk']")
    assert boom.xpath("//script/@src") == ["/static/inningen/afschriftimport.js"]
    assert Path("inningen/static/inningen/afschriftimport.js").exists()


def test_schermen_zonder_inline_code(client_inv, org, met_broker):
    _upload(client_inv, _bestand())
    imp = Afschriftimport.objects.get()
    for pagina in ("/betalingen/afschrift/", f"/betalingen/afschrift/import/{imp.pk}/"):
        r = client_inv.get(pagina)
        nonce = re.search(r"'nonce-([^']+)'", r["Content-Security-Policy-Report-Only"])
        assert _inline_fouten(r.content.decode(), nonce and nonce.group(1)) == [], pagina


# --- failures: a clear Dutch message, nothing changed --------------------------------------------


def test_mislukte_import_meldt_duidelijk_en_verandert_niets(client_inv, org):
    r = _upload(client_inv, b"<Document><kapot", follow=True)
    imp = Afschriftimport.objects.get()
    assert imp.status == ImportStatus.MISLUKT
    assert imp.foutmelding.startswith("Geweigerd, niets ingelezen: ")
    fout = html.fromstring(r.content).xpath("string(//*[@id='import-fout'])")
    assert fout == imp.foutmelding
    assert "Traceback" not in r.content.decode() and "lxml" not in fout
    assert imp.bestand.name == ""
    assert _niets_ingelezen()


def test_rekening_van_andere_organisatie_geweigerd(client_inv, org, ander_org):
    _upload(client_inv, _bestand(iban=ANDER_ORG_IBAN))
    imp = Afschriftimport.objects.get()
    assert imp.status == ImportStatus.MISLUKT
    assert "organisatie waarvoor u niet werkt" in imp.foutmelding
    assert _niets_ingelezen()


def test_leeg_bestand_direct_geweigerd(client_inv, org):
    r = _upload(client_inv, b"  \n")
    assert r.status_code == 200
    assert "Het bestand is leeg" in r.content.decode()
    assert not Afschriftimport.objects.exists()


def test_onverwachte_fout_eerst_opnieuw_dan_mislukt(client_inv, org, met_broker, monkeypatch):
    v = vordering_maken(org)
    _upload(client_inv, _bestand(v))
    imp = Afschriftimport.objects.get()

    def stuk(**kwargs):
        Afschrift.objects.create(
            organisatie=org,
            bankrekening=Bankrekening.objects.get(organisatie=org),
            formaat="camt053",
            identificatie="half",
            sha256="x",
            ingelezen_door="x",
        )
        raise RuntimeError("database weg")

    monkeypatch.setattr(service, "afschrift_import", stuk)
    with pytest.raises(RuntimeError):
        afschriftimport_run(import_id=imp.pk, laatste_poging=False)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.WACHTRIJ  # for Celery's retry
    assert afschriftimport_run(import_id=imp.pk, laatste_poging=True) == ImportStatus.MISLUKT
    imp.refresh_from_db()
    assert "technische fout" in imp.foutmelding and "database weg" not in imp.foutmelding
    assert imp.pogingen == 2
    assert _niets_ingelezen()


def test_bestand_weg_geeft_duidelijke_melding(client_inv, org, met_broker):
    _upload(client_inv, _bestand())
    imp = Afschriftimport.objects.get()
    Path(imp.bestand.path).unlink()  # e.g. a worker without the shared media storage
    assert afschriftimport_run(import_id=imp.pk) == ImportStatus.MISLUKT
    assert Afschriftimport.objects.get().foutmelding == service.MELDING_BESTAND_WEG
    assert _niets_ingelezen()


def test_recht_ingetrokken_voor_de_taak_draait(client_inv, org, invorderaar, met_broker):
    _upload(client_inv, _bestand())
    invorderaar.user_permissions.clear()
    imp = Afschriftimport.objects.get()
    assert afschriftimport_run(import_id=imp.pk) == ImportStatus.MISLUKT
    assert "mag geen afschriften" in Afschriftimport.objects.get().foutmelding
    assert _niets_ingelezen()


# --- the same file twice -------------------------------------------------------------------------


def test_zelfde_bestand_in_de_wachtrij_niet_twee_keer(client_inv, org, met_broker):
    v = vordering_maken(org)
    eerste = _upload(client_inv, _bestand(v))
    tweede = _upload(client_inv, _bestand(v), follow=True)
    assert Afschriftimport.objects.count() == 1
    imp = Afschriftimport.objects.get()
    assert tweede.redirect_chain[-1][0] == eerste["Location"]
    assert "al in de wachtrij" in tweede.content.decode()
    for pk in met_broker:
        afschrift_importeren.apply(args=[pk])
    assert Betaling.objects.count() == 2 and imp.pk == met_broker[0]
    # Once done, the same file may be offered again: the import then reports "al ingelezen".
    _upload(client_inv, _bestand(v))
    tweede_imp = Afschriftimport.objects.exclude(pk=imp.pk).get()
    afschrift_importeren.apply(args=[tweede_imp.pk])
    tweede_imp.refresh_from_db()
    assert tweede_imp.status == ImportStatus.KLAAR
    assert tweede_imp.samenvatting.startswith("Al ingelezen")
    assert Betaling.objects.count() == 2


def test_gelijktijdige_upload_stuit_op_de_database(org, invorderaar, met_broker, monkeypatch):
    """Two requests that both passed the check: the partial unique index decides."""
    afschriftimport_create(bestand=_bestand(), bestandsnaam="a.xml", user=invorderaar)
    echt = service._actieve_import
    antwoorden = iter([None])  # the second request's check ran before the first one's insert
    monkeypatch.setattr(service, "_actieve_import", lambda sha: next(antwoorden, None) or echt(sha))
    with pytest.raises(AlInWachtrij) as fout:
        afschriftimport_create(bestand=_bestand(), bestandsnaam="b.xml", user=invorderaar)
    assert fout.value.bestaand.bestandsnaam == "a.xml"
    assert Afschriftimport.objects.count() == 1


# --- scope and permission ------------------------------------------------------------------------


def test_alleen_importen_van_eigen_organisaties(client, org, ander_org, met_broker):
    eigen = _gebruiker("eigen", org)
    ander = _gebruiker("ander", ander_org)
    client.force_login(eigen)
    _upload(client, _bestand())
    imp = Afschriftimport.objects.get()
    client.force_login(ander)
    # Organisation not known yet (queued): only the uploader sees it.
    assert client.get(f"/betalingen/afschrift/import/{imp.pk}/").status_code == 404
    assert client.get(f"/betalingen/afschrift/import/{imp.pk}/status/").status_code == 404
    assert "afschrift.xml" not in client.get("/betalingen/afschrift/").content.decode()
    afschrift_importeren.apply(args=[imp.pk])
    assert client.get(f"/betalingen/afschrift/import/{imp.pk}/").status_code == 404
    # A colleague of the same organisation sees it once its organisation is known.
    collega = _gebruiker("collega", org)
    client.force_login(collega)
    assert client.get(f"/betalingen/afschrift/import/{imp.pk}/").status_code == 200
    assert "afschrift.xml" in client.get("/betalingen/afschrift/").content.decode()


def test_recht_import_afschrift_vereist(client, org, met_broker, invorderaar):
    client.force_login(invorderaar)
    _upload(client, _bestand())
    imp = Afschriftimport.objects.get()
    kijker = _gebruiker("kijker", org, rechten=("view_betaling",))
    client.force_login(kijker)
    assert client.get("/betalingen/afschrift/").status_code == 403
    assert client.get(f"/betalingen/afschrift/import/{imp.pk}/").status_code == 403
    assert client.get(f"/betalingen/afschrift/import/{imp.pk}/status/").status_code == 403
    client.logout()
    assert client.get(f"/betalingen/afschrift/import/{imp.pk}/status/").status_code == 302


# --- the sweep -----------------------------------------------------------------------------------


def test_sweep_biedt_vastgelopen_import_opnieuw_aan(client_inv, org, met_broker):
    v = vordering_maken(org)
    _upload(client_inv, _bestand(v))
    imp = Afschriftimport.objects.get()
    oud = timezone.now() - timezone.timedelta(hours=2)
    # A worker took it and was killed: 'bezig', no heartbeat since, nothing committed.
    Afschriftimport.objects.filter(pk=imp.pk).update(
        status=ImportStatus.BEZIG, bijgewerkt=oud, ingepland=oud, verwerkt=10, totaal=20
    )
    met_broker.clear()
    assert afschriftimport_sweep() == 1
    assert met_broker == [imp.pk]
    imp.refresh_from_db()
    assert imp.status == ImportStatus.WACHTRIJ and imp.verwerkt == 0
    afschrift_importeren.apply(args=[imp.pk])
    assert Afschriftimport.objects.get().status == ImportStatus.KLAAR
    assert Betaling.objects.count() == 2


def test_sweep_laat_lopende_en_verse_imports_met_rust(client_inv, org, met_broker):
    _upload(client_inv, _bestand(ident="A"))
    _upload(client_inv, _bestand(ident="B", bedrag=300))
    bezig, _wachtend = Afschriftimport.objects.order_by("pk")
    Afschriftimport.objects.filter(pk=bezig.pk).update(
        status=ImportStatus.BEZIG, bijgewerkt=timezone.now()
    )
    met_broker.clear()
    assert afschriftimport_sweep() == 0
    assert met_broker == []
    assert Afschriftimport.objects.get(pk=bezig.pk).status == ImportStatus.BEZIG


def test_sweep_plant_verloren_wachtrij_opnieuw_in(client_inv, org, met_broker):
    _upload(client_inv, _bestand())
    imp = Afschriftimport.objects.get()
    Afschriftimport.objects.filter(pk=imp.pk).update(
        ingepland=timezone.now() - timezone.timedelta(minutes=10)
    )
    met_broker.clear()
    assert afschriftimport_sweep() == 1
    assert met_broker == [imp.pk]
    # Just queued again: not again on the next pass.
    assert afschriftimport_sweep() == 0


def test_sweep_staat_in_het_beat_schema():
    from django_celery_beat.models import PeriodicTask

    sweep = PeriodicTask.objects.get(task="inningen.tasks.afschriftimport_opruimen")
    assert (sweep.enabled, sweep.interval.every, sweep.interval.period) == (True, 60, "seconds")
    from config.celery import app

    app.loader.import_default_modules()
    assert {
        "inningen.tasks.afschriftimport_opruimen",
        "inningen.tasks.afschrift_importeren",
    } <= set(app.tasks)
    assert app.tasks["inningen.tasks.afschrift_importeren"].acks_late is True


# --- progress outside the import's transaction (PostgreSQL) --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_voortgang_zichtbaar_terwijl_de_import_loopt(postgresql, monkeypatch):
    """Progress is written by another connection than the import's transaction: another
    session (the status page) sees it while the import has committed nothing yet."""
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=ORG_IBAN)
    user = _gebruiker("inv", org)
    monkeypatch.setattr(service, "VOORTGANG_INTERVAL", 0)
    echt = service.afschrift_import
    gezien = []
    buiten = connections.create_connection("default")

    def meekijken(**kwargs):
        def spion(done, totaal):
            kwargs["voortgang"](done, totaal)
            with buiten.cursor() as cursor:
                cursor.execute(
                    "SELECT i.status, i.verwerkt, i.totaal, "
                    "(SELECT count(*) FROM inningen_afschrift) "
                    "FROM inningen_afschriftimport i",
                )
                gezien.append(cursor.fetchone())

        return echt(**{**kwargs, "voortgang": spion})

    monkeypatch.setattr(service, "afschrift_import", meekijken)
    try:
        imp = afschriftimport_create(bestand=_bestand(), bestandsnaam="a.xml", user=user)
    finally:
        buiten.close()
    assert gezien[0] == ("bezig", 0, 1, 0)
    assert gezien[-1] == ("bezig", 1, 1, 0)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.KLAAR and Afschrift.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_voortgang_blijft_na_mislukte_import_en_niets_ingelezen(postgresql, monkeypatch):
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=ORG_IBAN)
    user = _gebruiker("inv", org)
    monkeypatch.setattr(service, "VOORTGANG_INTERVAL", 0)
    echt = service.afschrift_import

    def halverwege_stuk(**kwargs):
        def voortgang(done, totaal):
            kwargs["voortgang"](done, totaal)
            if done == totaal:
                raise service.AfschriftFout("Post 2: bedrag ontbreekt.")

        return echt(**{**kwargs, "voortgang": voortgang})

    monkeypatch.setattr(service, "afschrift_import", halverwege_stuk)
    imp = afschriftimport_create(bestand=_bestand(), bestandsnaam="a.xml", user=user)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.MISLUKT
    assert imp.foutmelding == "Geweigerd, niets ingelezen: Post 2: bedrag ontbreekt."
    assert (imp.verwerkt, imp.totaal) == (1, 1)  # written outside, not rolled back
    assert _niets_ingelezen()


# --- the command ---------------------------------------------------------------------------------


def test_commando_voortgang_als_regels_zonder_terminal(org, tmp_path):
    v = vordering_maken(org)
    pad = tmp_path / "afschrift.xml"
    pad.write_bytes(_bestand(v))
    uit, fout = io.StringIO(), io.StringIO()
    call_command("importeer_afschrift", str(pad), "--door", "cron", stdout=uit, stderr=fout)
    assert "2 posten: 1 gematcht" in uit.getvalue()
    regels = fout.getvalue().splitlines()
    assert (
        regels[0] == "voortgang: 0% (0/2 posten)" and regels[-1] == "voortgang: 100% (2/2 posten)"
    )
    assert "\r" not in fout.getvalue()
    assert Boeking.objects.filter(betaling__isnull=False, door="cron").exists()


def test_voortgangsbalk_op_een_terminal():
    from django.core.management.base import OutputWrapper

    buf = io.StringIO()
    balk = Voortgangsbalk(OutputWrapper(buf), terminal=True)
    balk(0, 50_000)
    balk(25_000, 50_000)  # within 0.2 s: not redrawn
    balk(50_000, 50_000)
    tekst = buf.getvalue()
    assert tekst.startswith("\r[" + "-" * 30 + "]   0% 0/50000 posten")
    assert "\r[" + "#" * 30 + "] 100% 50000/50000 posten\n" in tekst
    assert "25000" not in tekst


def test_commando_exitstatus_bij_geweigerd_bestand(org, tmp_path):
    kapot = tmp_path / "kapot.xml"
    kapot.write_bytes(b"<x")
    with pytest.raises(CommandError, match="geweigerd, niets ingelezen"):
        call_command("importeer_afschrift", str(kapot))


@pytest.mark.django_db(transaction=True)
def test_commando_exitstatus_als_proces(tmp_path, postgresql):
    """Exit status of the real process: 1 on a refused file, a message without traceback."""
    kapot = tmp_path / "kapot.xml"
    kapot.write_bytes(b"<x")
    db = connections["default"].settings_dict
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PATH": "/usr/bin:/bin",
    }
    r = subprocess.run(
        [sys.executable, "manage.py", "importeer_afschrift", str(kapot)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        timeout=120,
    )
    assert r.returncode == 1
    assert "geweigerd, niets ingelezen" in r.stderr and "Traceback" not in r.stderr


# --- a real worker (Redis, PostgreSQL) -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sweep_neemt_geen_import_over_die_een_worker_vasthoudt(postgresql, met_broker):
    """A slow worker (no heartbeat for long, e.g. while parsing a huge file) still holds its
    import's advisory lock: the sweep leaves it alone; once the lock is gone it takes over."""
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=ORG_IBAN)
    imp = afschriftimport_create(
        bestand=_bestand(), bestandsnaam="a.xml", user=_gebruiker("i", org)
    )
    oud = timezone.now() - timezone.timedelta(hours=1)
    Afschriftimport.objects.filter(pk=imp.pk).update(
        status=ImportStatus.BEZIG, bijgewerkt=oud, ingepland=oud
    )
    worker = connections.create_connection("default")
    try:
        with worker.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [service._SLOT, imp.pk])
            assert afschriftimport_sweep() == 0
            assert Afschriftimport.objects.get().status == ImportStatus.BEZIG
            # And a second run of the task does not import it meanwhile.
            Afschriftimport.objects.filter(pk=imp.pk).update(status=ImportStatus.WACHTRIJ)
            assert afschriftimport_run(import_id=imp.pk) == ImportStatus.BEZIG
            assert not Afschrift.objects.exists()
            Afschriftimport.objects.filter(pk=imp.pk).update(
                status=ImportStatus.BEZIG, bijgewerkt=oud
            )
            cursor.execute("ROLLBACK")  # the worker died: its lock is gone
    finally:
        worker.close()
    met_broker.clear()
    assert afschriftimport_sweep() == 1 and met_broker == [imp.pk]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_echte_worker_leest_in_en_sweep_herstelt_verloren_werk(celery_worker_factory, media):
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=ORG_IBAN)
    user = _gebruiker("inv", org)
    v = vordering_maken(org)
    celery_worker_factory(MEDIA_ROOT=media)
    imp = afschriftimport_create(bestand=_bestand(v), bestandsnaam="a.xml", user=user)
    assert Afschriftimport.objects.get(pk=imp.pk).status in (ImportStatus.WACHTRIJ, "bezig")

    def klaar(pk):
        return lambda: Afschriftimport.objects.get(pk=pk).status == ImportStatus.KLAAR

    assert wait_for(klaar(imp.pk), timeout=60), Afschriftimport.objects.get(pk=imp.pk).foutmelding
    assert Betaling.objects.count() == 2
    # A worker killed mid-import leaves 'bezig' (its transaction rolled back); the sweep offers
    # it again and a worker imports it.
    tweede = afschriftimport_create(
        bestand=_bestand(ident="AFS-2", bedrag=300), bestandsnaam="b.xml", user=user
    )
    assert wait_for(klaar(tweede.pk), timeout=60)
    Afschriftimport.objects.filter(pk=tweede.pk).update(status=ImportStatus.MISLUKT)
    oud = timezone.now() - timezone.timedelta(hours=1)
    derde = Afschriftimport(
        geupload_door=user,
        door="inv",
        bestandsnaam="c.xml",
        sha256="c" * 64,
        status=ImportStatus.BEZIG,
        bijgewerkt=oud,
        ingepland=oud,
    )
    derde.bestand.save("c", ContentFile(_bestand(ident="AFS-3", bedrag=400)))
    afschrift_importeren_opruimen()
    assert wait_for(klaar(derde.pk), timeout=60)
    assert Afschrift.objects.count() == 3


def afschrift_importeren_opruimen():
    from inningen.betalingen.tasks import afschriftimport_opruimen

    afschriftimport_opruimen.delay()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_gedood_midden_in_import_sweep_en_nieuwe_worker_ronden_af(
    celery_worker_factory, media, monkeypatch
):
    """A real worker SIGKILLed while its import's transaction is open: nothing of it is
    committed, its progress was visible meanwhile, the sweep offers it again once the lock is
    gone, and a new worker imports it exactly once."""
    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban=ORG_IBAN)
    user = _gebruiker("inv", org)
    n = 20_000
    inhoud = camt053(
        ORG_IBAN,
        [{"bedrag": 100 + i, "tekst": f"onbekend {i}", "iban": DEB_IBAN} for i in range(n)],
        ident="GROOT",
    )
    worker = celery_worker_factory(MEDIA_ROOT=media)
    imp = afschriftimport_create(bestand=inhoud, bestandsnaam="groot.xml", user=user)

    def bezig_met_voortgang():
        rij = Afschriftimport.objects.get(pk=imp.pk)
        return rij.status == ImportStatus.BEZIG and rij.totaal == n

    assert wait_for(bezig_met_voortgang, timeout=120, interval=0.05), (
        Afschriftimport.objects.values("status", "verwerkt", "totaal", "foutmelding").get(pk=imp.pk)
    )
    worker.kill()
    rij = Afschriftimport.objects.get(pk=imp.pk)
    assert rij.status == ImportStatus.BEZIG and rij.totaal == n
    assert not Afschrift.objects.exists() and not Betaling.objects.exists()

    monkeypatch.setattr(service, "VASTGELOPEN_NA", 0)
    monkeypatch.setattr(afschrift_importeren, "delay", lambda pk: None)  # queued below
    # PostgreSQL ends the dead worker's session (and its advisory lock) shortly after the kill.
    assert wait_for(lambda: afschriftimport_sweep() == 1, timeout=30, interval=0.5)
    assert Afschriftimport.objects.get(pk=imp.pk).status == ImportStatus.WACHTRIJ
    monkeypatch.undo()
    celery_worker_factory(MEDIA_ROOT=media)
    afschrift_importeren.delay(imp.pk)
    assert wait_for(
        lambda: Afschriftimport.objects.get(pk=imp.pk).status == ImportStatus.KLAAR, timeout=120
    ), Afschriftimport.objects.get(pk=imp.pk).foutmelding
    assert Afschrift.objects.count() == 1 and Betaling.objects.count() == n
    assert Afschriftimport.objects.get(pk=imp.pk).pogingen == 2
