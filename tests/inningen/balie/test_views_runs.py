"""The invorderaar's run screens: preview, approval (executed by the task), exports, scoping."""

import datetime as dt

import pytest
from django.urls import reverse

from inningen.betalingen.models import Afschrift
from inningen.choices import RunStatus
from inningen.invordering.models import Brief, Invorderingsrun, Invorderingsstap
from inningen.organisaties.models import Bankrekening
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken

pytestmark = pytest.mark.django_db


def _bevestigd(run, **extra) -> dict:
    """The confirmation form as the screen posts it (#19 finding 6)."""
    from inningen.invordering.services.invordering import run_kenmerk

    return {"kenmerk": run_kenmerk(run), "gecontroleerd": "on", **extra}


@pytest.fixture
def org(vandaag):
    organisatie = OrganisatieFactory(naam="Gemeente Proefstad")
    rekening = Bankrekening.objects.create(organisatie=organisatie, iban="NL91ABNA0417164300")
    Afschrift.objects.create(
        organisatie=organisatie,
        bankrekening=rekening,
        formaat="camt053",
        identificatie="A1",
        datum=vandaag,
        sha256="x" * 64,
        ingelezen_door="test",
    )
    return organisatie


@pytest.fixture
def invorderaar(org):
    roles_ensure()
    return gebruiker_maken("invorderaar", "invorderaar", org)


@pytest.fixture
def achterstallig(org, vandaag):
    return [
        vordering_maken(
            org,
            debiteur=DebiteurFactory(),
            vervaldatum=vandaag - dt.timedelta(days=30),
            factuurdatum=vandaag - dt.timedelta(days=60),
        )
        for _ in range(3)
    ]


def test_voorbeeld_goedkeuren_en_uitvoeren(
    client, invorderaar, org, achterstallig, vandaag, django_capture_on_commit_callbacks
):
    client.force_login(invorderaar)
    response = client.post(
        reverse("balie:runs"), {"organisatie": org.pk, "datum": vandaag.isoformat()}
    )
    run = Invorderingsrun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.VOORSTEL
    assert run.samenvatting["aantal"] == 3
    pagina = client.get(reverse("balie:run", args=[run.pk])).content.decode()
    assert "Herinnering" in pagina and "Controleren en goedkeuren" in pagina
    assert achterstallig[0].vorderingnummer in pagina
    assert not Invorderingsstap.objects.exists()  # a preview changes nothing
    lijst = client.get(reverse("balie:run_lijst", args=[run.pk]))
    assert lijst.content.decode("utf-8-sig").count("herinnering") == 3
    # Four eyes: who made the preview cannot approve it; a colleague can.
    response = client.post(
        reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run), follow=True
    )
    assert "Vier ogen" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.VOORSTEL
    client.force_login(gebruiker_maken("collega", "invorderaar", org))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run))
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD and run.uitgevoerd_door == "collega"
    assert Invorderingsstap.objects.filter(run=run).count() == 3
    assert Brief.objects.count() == 3
    # Approving twice does nothing, also once the second approval's commit has run.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run))
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD
    assert (Invorderingsrun.objects.count(), Invorderingsstap.objects.count()) == (1, 3)
    assert Brief.objects.count() == 3


def test_goedkeuren_met_oud_afschrift_vraagt_forceren(
    client, invorderaar, org, achterstallig, vandaag, django_capture_on_commit_callbacks
):
    Afschrift.objects.update(datum=vandaag - dt.timedelta(days=10))
    client.force_login(invorderaar)
    client.post(reverse("balie:runs"), {"organisatie": org.pk, "datum": vandaag.isoformat()})
    run = Invorderingsrun.objects.get()
    assert "bankafschrift" in run.melding
    client.force_login(gebruiker_maken("collega", "invorderaar", org))  # four eyes
    response = client.post(
        reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run), follow=True
    )
    assert "forceren" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.VOORSTEL
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run, forceer="1"))
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD and run.geforceerd


def test_andere_organisatie_ziet_run_niet(
    client, org, achterstallig, vandaag, django_capture_on_commit_callbacks
):
    roles_ensure()
    ander = gebruiker_maken("ander", "invorderaar", OrganisatieFactory())
    from inningen.invordering.services.invordering import invorderingsrun_propose

    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="test")
    client.force_login(ander)
    assert client.get(reverse("balie:run", args=[run.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run, forceer="1")
        )
    assert r.status_code == 404
    run.refresh_from_db()
    assert (run.status, run.uitgevoerd_door) == (RunStatus.VOORSTEL, "")
    assert not Invorderingsstap.objects.exists() and not Brief.objects.exists()


def test_baliemedewerker_mag_niet_goedkeuren(
    client, org, achterstallig, vandaag, django_capture_on_commit_callbacks
):
    roles_ensure()
    balie = gebruiker_maken("balie", "baliemedewerker", org)
    from inningen.invordering.services.invordering import invorderingsrun_propose

    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="test")
    client.force_login(balie)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run, forceer="1")
        )
    assert r.status_code == 403
    run.refresh_from_db()
    assert (run.status, run.uitgevoerd_door) == (RunStatus.VOORSTEL, "")
    assert not Invorderingsstap.objects.exists() and not Brief.objects.exists()


def test_overdrachtsbestand(client, invorderaar, org, vandaag):
    from inningen.invordering.models import Invorderingsinstelling
    from inningen.invordering.services.invordering import invorderingsrun_execute

    Invorderingsinstelling.objects.create(organisatie=org, herinnering_na_dagen=None)
    v = vordering_maken(
        org,
        debiteur=DebiteurFactory(),
        vervaldatum=vandaag - dt.timedelta(days=60),
        factuurdatum=vandaag - dt.timedelta(days=90),
    )
    invorderingsrun_execute(
        organisatie=org, datum=vandaag - dt.timedelta(days=20), door="t", forceer=True
    )
    resultaat = invorderingsrun_execute(organisatie=org, datum=vandaag, door="t")
    client.force_login(invorderaar)
    csv = client.get(reverse("balie:run_overdracht", args=[resultaat.run.pk])).content.decode(
        "utf-8-sig"
    )
    assert v.vorderingnummer in csv and "extern" in csv


def test_debiteur_en_vordering_tonen_invordering(client, invorderaar, org, vandaag):
    from inningen.invordering.models import Invorderingsinstelling
    from inningen.invordering.services.invordering import invorderingsrun_execute

    Invorderingsinstelling.objects.create(organisatie=org, herinnering_na_dagen=None)
    v = vordering_maken(
        org,
        debiteur=DebiteurFactory(),
        vervaldatum=vandaag - dt.timedelta(days=30),
        factuurdatum=vandaag - dt.timedelta(days=60),
        publiekrechtelijk=True,
    )
    invorderingsrun_execute(organisatie=org, datum=vandaag, door="t")
    brief = Brief.objects.get(vordering=v)
    client.force_login(invorderaar)
    pagina = client.get(reverse("balie:debiteur", args=[v.debiteur_id])).content.decode()
    assert 'id="invordering"' in pagina and "Aanmaning" in pagina
    assert reverse("balie:brief_pdf", args=[brief.pk]) in pagina  # correspondence
    assert 'id="regelingen"' in pagina and 'id="opschortingen"' in pagina
    pagina = client.get(reverse("balie:vordering", args=[v.pk])).content.decode()
    assert "Invorderingsstappen" in pagina and "Laatste stap" in pagina
    assert reverse("balie:brief_pdf", args=[brief.pk]) in pagina


def test_alleen_een_voorbeeld_van_vandaag_uitvoeren(
    client, invorderaar, org, achterstallig, vandaag
):
    # Letters take the run's date and their payment terms run from it: no backdating.
    client.force_login(invorderaar)
    gisteren = vandaag - dt.timedelta(days=1)
    client.post(reverse("balie:runs"), {"organisatie": org.pk, "datum": gisteren.isoformat()})
    run = Invorderingsrun.objects.get()
    client.force_login(gebruiker_maken("collega", "invorderaar", org))  # four eyes
    response = client.post(
        reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run), follow=True
    )
    assert "alleen een voorbeeld van vandaag" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.VOORSTEL and not Invorderingsstap.objects.exists()


def test_goedgekeurde_run_wordt_een_keer_uitgevoerd(org, achterstallig, vandaag):
    from inningen.invordering.services.invordering import (
        invorderingsrun_approve,
        invorderingsrun_approved_execute,
        invorderingsrun_propose,
    )

    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="t")
    invorderingsrun_approve(run=run, door="collega")  # task not run: on_commit never fires here
    assert Invorderingsrun.objects.get(pk=run.pk).status == RunStatus.GOEDGEKEURD
    invorderingsrun_approved_execute(run_id=run.pk)
    # A redelivered task finds the run taken and does nothing (no second pass).
    invorderingsrun_approved_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD and run.samenvatting["aantal"] == 3
    assert Invorderingsstap.objects.count() == 3


def test_overdrachtsbestand_veilig_en_gelogd(client, invorderaar, org, vandaag):
    from inningen.invordering.models import Invorderingsinstelling
    from inningen.invordering.services.invordering import invorderingsrun_execute
    from inningen.verwerkingen.models import Verwerking

    Invorderingsinstelling.objects.create(organisatie=org, herinnering_na_dagen=None)
    deb = DebiteurFactory(voorletters="", geslachtsnaam="=HYPERLINK(1)")
    vordering_maken(
        org, debiteur=deb, vervaldatum=vandaag - dt.timedelta(days=60),
        factuurdatum=vandaag - dt.timedelta(days=90),
    )  # fmt: skip
    invorderingsrun_execute(
        organisatie=org, datum=vandaag - dt.timedelta(days=20), door="t", forceer=True
    )
    resultaat = invorderingsrun_execute(organisatie=org, datum=vandaag, door="t")
    client.force_login(invorderaar)
    url = reverse("balie:run_overdracht", args=[resultaat.run.pk])
    csv = client.get(url).content.decode("utf-8-sig")
    assert ";=" not in csv  # no cell starts a formula
    assert Verwerking.objects.filter(
        debiteur=deb, activiteit__contains="overdrachtsbestand"
    ).exists()


def test_runlijst_download_wordt_gelogd(client, invorderaar, org, achterstallig, vandaag):
    """Finding 3: the run list names the debtors; its download (preview and executed run) is
    logged per debtor, as the hand-over file is."""
    from inningen.invordering.services.invordering import (
        invorderingsrun_execute,
        invorderingsrun_propose,
    )
    from inningen.verwerkingen.models import Verwerking

    client.force_login(invorderaar)
    voorstel = invorderingsrun_propose(organisatie=org, datum=vandaag, door="t")
    response = client.get(reverse("balie:run_lijst", args=[voorstel.pk]))
    assert response.status_code == 200
    gelogd = Verwerking.objects.filter(gebruiker=invorderaar, activiteit__contains="lijst")
    assert {v.debiteur_id for v in gelogd} == {v.debiteur_id for v in achterstallig}

    laatste = max(v.pk for v in gelogd)
    run = invorderingsrun_execute(organisatie=org, datum=vandaag, door="t", forceer=True).run
    assert client.get(reverse("balie:run_lijst", args=[run.pk])).status_code == 200
    gelogd = Verwerking.objects.filter(
        gebruiker=invorderaar, activiteit__contains="lijst", pk__gt=laatste
    )
    assert {v.debiteur_id for v in gelogd} == {v.debiteur_id for v in achterstallig}
    assert all(v.doel == "invordering" for v in gelogd)


# --- #19 finding 6: a confirmation that states what the run does, and sample letters --------


@pytest.fixture
def gemengd(org, vandaag):
    """Two public-law claims due for an aanmaning (with costs), one private claim for a
    herinnering, and one claim skipped because its debtor has a regeling-free block."""
    from inningen.invordering.models import Invorderingsinstelling

    Invorderingsinstelling.objects.create(organisatie=org, herinnering_na_dagen=None)
    oud = {"vervaldatum": vandaag - dt.timedelta(days=30),
           "factuurdatum": vandaag - dt.timedelta(days=60)}  # fmt: skip
    jansen = DebiteurFactory(geslachtsnaam="Jansen", voorletters="P.", geslachtsaanduiding="M")
    aanmaningen = [
        vordering_maken(org, debiteur=jansen, publiekrechtelijk=True, **oud),
        vordering_maken(org, debiteur=DebiteurFactory(), publiekrechtelijk=True, **oud),
    ]
    zonder = vordering_maken(org, debiteur=None, publiekrechtelijk=True, **oud)
    return {"aanmaningen": aanmaningen, "jansen": jansen, "zonder": zonder}


def _bevestiging(client, run):
    from lxml import html

    response = client.get(reverse("balie:run_bevestigen", args=[run.pk]))
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def test_bevestiging_noemt_aantallen_kosten_en_overgeslagen(
    client, invorderaar, org, gemengd, vandaag
):
    from inningen.invordering.services.invordering import invorderingsrun_propose, run_kenmerk
    from inningen.templatetags.inningen_format import euro

    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="collega")
    s = run.samenvatting
    assert s["per_stap"]["aanmaning"]["aantal"] == 2 and s["debiteuren"] == 2
    client.force_login(invorderaar)
    pagina = _bevestiging(client, run)
    rij = pagina.xpath("//table//tbody/tr[th[starts-with(normalize-space(), 'Aanmaning')]]")[0]
    cellen = [td.text_content().strip() for td in rij.xpath("td")]
    kosten = s["per_stap"]["aanmaning"]["kosten"]
    assert kosten > 0  # Kostenwet: an aanmaning costs something
    assert cellen[:5] == ["2", "2", "2", euro(kosten), euro(s["per_stap"]["aanmaning"]["rente"])]
    assert "Voorbeeld aanmaning" in cellen[5]
    gevolgen = pagina.get_element_by_id("gevolgen").text_content()
    assert "2 brieven" in " ".join(gevolgen.split()) and euro(s["kosten"]) in gevolgen
    overgeslagen = pagina.xpath("//section[@aria-labelledby='kop-overgeslagen']")[0]
    assert "1 × debiteur onbekend" in overgeslagen.text_content()
    # The form carries the fingerprint of exactly this preview, and an unticked checkbox.
    assert pagina.xpath("//input[@name='kenmerk']/@value") == [run_kenmerk(run)]
    vink = pagina.get_element_by_id("id_gecontroleerd")
    assert vink.get("type") == "checkbox" and vink.get("checked") is None
    assert pagina.xpath("//label[@for='id_gecontroleerd']")


def test_goedkeuren_zonder_bevestiging_geweigerd(
    client, invorderaar, org, achterstallig, vandaag, django_capture_on_commit_callbacks
):
    from inningen.invordering.services.invordering import invorderingsrun_propose

    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="collega")
    client.force_login(invorderaar)
    zonder_vink = {k: v for k, v in _bevestigd(run).items() if k != "gecontroleerd"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("balie:run_goedkeuren", args=[run.pk]), zonder_vink)
    assert response.status_code == 400
    assert "Vink aan dat u de aantallen" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("balie:run_goedkeuren", args=[run.pk]), {})
    assert response.status_code == 400
    run.refresh_from_db()
    assert run.status == RunStatus.VOORSTEL and not Invorderingsstap.objects.exists()
    assert not Brief.objects.exists()


def test_verouderd_voorbeeld_geweigerd(
    client, invorderaar, org, achterstallig, vandaag, django_capture_on_commit_callbacks
):
    from inningen.invordering.services.invordering import invorderingsrun_propose

    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="collega")
    gezien = _bevestigd(run)
    client.force_login(invorderaar)
    # The figures changed after the confirmation was opened: refused.
    Invorderingsrun.objects.filter(pk=run.pk).update(samenvatting={**run.samenvatting, "aantal": 4})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("balie:run_goedkeuren", args=[run.pk]), gezien, follow=True)
    assert "Het voorbeeld is gewijzigd" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.VOORSTEL
    # A newer preview replaced the one that was confirmed: refused, and it says so.
    Invorderingsrun.objects.filter(pk=run.pk).update(samenvatting=run.samenvatting)
    gezien = _bevestigd(Invorderingsrun.objects.get(pk=run.pk))
    nieuw = invorderingsrun_propose(organisatie=org, datum=vandaag, door="collega")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("balie:run_goedkeuren", args=[run.pk]), gezien, follow=True)
    assert "nieuwer voorbeeld" in response.content.decode()
    nieuw.refresh_from_db()
    assert nieuw.status == RunStatus.VOORSTEL and not Invorderingsstap.objects.exists()
    assert not Brief.objects.exists()


def test_voorbeeldbrief_per_stap(client, invorderaar, org, gemengd, vandaag):
    from lxml import html

    from inningen.invordering.services.invordering import invorderingsrun_propose
    from inningen.verwerkingen.models import Verwerking

    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="collega")
    client.force_login(invorderaar)
    url = reverse("balie:run_voorbeeldbrief", args=[run.pk, "aanmaning"])
    response = client.get(url, {"formaat": "html"})
    assert response.status_code == 200
    brief = html.fromstring(response.content.decode())
    tekst = " ".join(brief.text_content().split())
    assert "VOORBEELD" in tekst and "niet verzonden" in tekst
    assert "aanmaning" in tekst.lower() and "Geachte heer Jansen" in tekst
    assert "P. Jansen" in brief.xpath("//div[@class='adres']")[0].text_content()
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Not a letter that was sent: nothing stored, nothing changed; the display is logged.
    assert not Brief.objects.exists() and not Invorderingsstap.objects.exists()
    gelogd = Verwerking.objects.filter(gebruiker=invorderaar, activiteit__contains="voorbeeldbrief")
    assert gelogd.count() == 2 and {v.debiteur_id for v in gelogd} == {gemengd["jansen"].pk}
    # A step the preview does not take has no sample.
    leeg = reverse("balie:run_voorbeeldbrief", args=[run.pk, "dwangbevel"])
    assert client.get(leeg).status_code == 404


def test_voorbeeldbrief_niet_voor_baliemedewerker_of_andere_organisatie(
    client, org, gemengd, vandaag
):
    from inningen.invordering.services.invordering import invorderingsrun_propose

    roles_ensure()
    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="collega")
    url = reverse("balie:run_voorbeeldbrief", args=[run.pk, "aanmaning"])
    client.force_login(gebruiker_maken("balie", "baliemedewerker", org))
    assert client.get(url).status_code == 403
    client.force_login(gebruiker_maken("ander", "invorderaar", OrganisatieFactory()))
    assert client.get(url).status_code == 404
    assert client.get(reverse("balie:run_bevestigen", args=[run.pk])).status_code == 404


def test_voorbeeldbrief_slaat_geheim_adres_over(client, invorderaar, org, gemengd, vandaag):
    """A sample letter prints the address: a debtor under BRP geheimhouding is passed over for
    a user without that right (the next claim of the step is the sample)."""
    from lxml import html

    from inningen.debiteuren.models import Debiteur
    from inningen.invordering.services.invordering import invorderingsrun_propose

    Debiteur.objects.filter(pk=gemengd["jansen"].pk).update(geheimhouding=True)
    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="collega")
    client.force_login(invorderaar)
    assert not invorderaar.has_perm("inningen.bekijken_geheim_adres")
    url = reverse("balie:run_voorbeeldbrief", args=[run.pk, "aanmaning"])
    brief = html.fromstring(client.get(url, {"formaat": "html"}).content.decode())
    adres = brief.xpath("//div[@class='adres']")[0].text_content()
    assert "Jansen" not in adres and gemengd["aanmaningen"][1].debiteur.naam in adres
