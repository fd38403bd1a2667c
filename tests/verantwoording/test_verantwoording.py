import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from inningen.choices import Boekingsoort
from inningen.grootboek.models import Boeking
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.organisaties.models import Medewerker
from stuffin.models import UitgaandBericht, UitgaandStatus
from stuffin.services.koppelingen import koppeling_upsert
from stuffin.stuf.xml import proces_schema, schema_fouten
from tests.factories import OrganisatieFactory, vordering_maken
from tests.stuffin.conftest import NS
from tests.stuffin.tsa_server import TestTsa
from verantwoording.models import (
    Boekingssleutel,
    FinancieleVerantwoording,
    OnbekendeCode,
    VerantwoordeBoeking,
    VerantwoordingInstelling,
)
from verantwoording.services.aansluiting import aansluiting_compute
from verantwoording.services.verantwoordingen import (
    OngemapteCodes,
    VerantwoordingFout,
    verantwoording_create,
)


def betaling(vordering, cent, datum):
    return Boeking(
        organisatie=vordering.organisatie,
        vordering=vordering,
        soort=Boekingsoort.BETALING,
        boekdatum=datum,
        bedrag_incl_btw=-cent,
        bedrag_excl_btw=-cent,
        bedrag_btw=0,
        boekingssleutel="BETALING",
        door="test",
    )


@pytest.mark.django_db
def test_condenses_per_boekingssleutel_numbers_and_periods():
    org = OrganisatieFactory()
    v1 = vordering_maken(org)
    vordering_maken(org)
    boekingen_create(boekingen=[betaling(v1, 5000, v1.creatiedatum)])
    Boekingssleutel.objects.create(
        organisatie=org,
        vorderingcode="OMZ-001",
        soort=Boekingsoort.OPGELEGD,
        boekingssleutel="8100.100",
    )
    Boekingssleutel.objects.create(
        organisatie=org, soort=Boekingsoort.BETALING, boekingssleutel="1100.BANK"
    )
    vandaag = v1.creatiedatum
    fvw = verantwoording_create(organisatie=org, tot=vandaag, door="test")
    assert fvw.verantwoordingsnummer == 1 and fvw.begindatum == fvw.einddatum == vandaag
    regels = {
        r.boekingssleutel: (r.bedrag_incl_btw, r.bedrag_excl_btw, r.bedrag_btw, r.aantal_boekingen)
        for r in fvw.regels.all()
    }
    assert regels == {"8100.100": (24200, 20000, 4200, 2), "1100.BANK": (-5000, -5000, 0, 1)}
    assert (
        VerantwoordeBoeking.objects.filter(verantwoording=fvw).count()
        == Boeking.objects.count()
        == 3
    )
    # Nothing new: no second verantwoording; a later date with new boekingen: number 2, contiguous.
    assert (
        verantwoording_create(organisatie=org, tot=vandaag + datetime.timedelta(days=1), door="t")
        is None
    )
    boekingen_create(boekingen=[betaling(v1, 100, vandaag + datetime.timedelta(days=3))])
    fvw2 = verantwoording_create(
        organisatie=org, tot=vandaag + datetime.timedelta(days=5), door="test"
    )
    assert fvw2.verantwoordingsnummer == 2
    assert fvw2.begindatum == vandaag + datetime.timedelta(
        days=1
    )  # contiguous: the empty run left no gap
    with pytest.raises(VerantwoordingFout, match="verantwoord t/m"):
        verantwoording_create(organisatie=org, tot=vandaag, door="test")


@pytest.mark.django_db
def test_late_boeking_goes_into_next_period():
    org = OrganisatieFactory()
    v = vordering_maken(org)
    vandaag = v.creatiedatum
    eerste = verantwoording_create(organisatie=org, tot=vandaag, door="test")
    # Booked afterwards on a date inside the closed period.
    boekingen_create(boekingen=[betaling(v, 700, vandaag - datetime.timedelta(days=2))])
    tweede = verantwoording_create(
        organisatie=org, tot=vandaag + datetime.timedelta(days=1), door="test"
    )
    assert tweede.begindatum == eerste.einddatum + datetime.timedelta(days=1)
    assert {r.boekingssleutel: r.bedrag_incl_btw for r in tweede.regels.all()} == {"BETALING": -700}


@pytest.mark.django_db
def test_unmapped_code_passes_through_or_stops_everything():
    org = OrganisatieFactory()
    v = vordering_maken(org)
    instelling = VerantwoordingInstelling.objects.get(organisatie=org)
    instelling.onbekende_code = OnbekendeCode.STOPPEN
    instelling.save()
    with pytest.raises(OngemapteCodes) as exc:
        verantwoording_create(organisatie=org, tot=v.creatiedatum, door="test")
    assert exc.value.ontbrekend == [("OMZ-001", "opgelegd")]
    assert (
        not FinancieleVerantwoording.objects.exists() and not VerantwoordeBoeking.objects.exists()
    )
    instelling.onbekende_code = OnbekendeCode.DOORGEVEN
    instelling.save()
    fvw = verantwoording_create(organisatie=org, tot=v.creatiedatum, door="test")
    assert [r.boekingssleutel for r in fvw.regels.all()] == ["OMZ-001"]


@pytest.mark.django_db
def test_command_reports_and_fails_with_clear_message(capsys):
    org = OrganisatieFactory()
    v = vordering_maken(org)
    call_command("verantwoording", organisatie=org.rsin, tot=v.creatiedatum)
    out = capsys.readouterr().out
    assert "verantwoording 1" in out and "geen financiële koppeling" in out
    with pytest.raises(CommandError, match="Onbekende organisatie"):
        call_command("verantwoording", organisatie="111222333")


@pytest.mark.django_db
def test_every_organisation_has_a_beat_entry_following_its_frequency():
    org = OrganisatieFactory()
    taak = PeriodicTask.objects.get(name=f"Financiële verantwoording {org.rsin}")
    assert (
        taak.crontab.day_of_month == "1"
        and taak.task == "verantwoording.tasks.verantwoording_maken"
    )
    from verantwoording.services.planning import instelling_save

    instelling = org.verantwoording_instelling
    instelling.frequentie = "week"
    instelling_save(instelling=instelling)
    taak.refresh_from_db()
    assert (taak.crontab.day_of_week, taak.crontab.day_of_month) == ("1", "*")


@pytest.mark.django_db
def test_exports_csv_and_xlsx_scoped_to_the_user(client, django_user_model):
    org, andere = OrganisatieFactory(), OrganisatieFactory()
    v = vordering_maken(org)
    fvw = verantwoording_create(organisatie=org, tot=v.creatiedatum, door="test")
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("fin", password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_financieleverantwoording"))
    Medewerker.objects.create(user=user).organisaties.add(andere)
    client.force_login(user)
    assert client.get(reverse("verantwoording:export", args=[fvw.pk, "csv"])).status_code == 404
    user.medewerker.organisaties.add(org)
    response = client.get(reverse("verantwoording:export", args=[fvw.pk, "csv"]))
    assert response.status_code == 200
    tekst = response.content.decode("utf-8-sig")
    assert "OMZ-001;1;100,00;21,00;121,00" in tekst and "totaal;1;100,00;21,00;121,00" in tekst
    response = client.get(reverse("verantwoording:export", args=[fvw.pk, "xlsx"]))
    ws = load_workbook(io.BytesIO(response.content)).active
    rijen = [[c.value for c in r] for r in ws.iter_rows()]
    assert ["OMZ-001", 1, 100, 21, 121] in [
        [r[0], r[1], *(float(x) for x in r[2:5])] if r[0] == "OMZ-001" else r for r in rijen
    ]


@pytest.mark.django_db
def test_reconciliation_closes_to_the_cent():
    org = OrganisatieFactory()
    v1, v2 = vordering_maken(org), vordering_maken(org)
    boekingen_create(
        boekingen=[betaling(v1, 12100, v1.creatiedatum), betaling(v2, 99, v2.creatiedatum)]
    )
    a = aansluiting_compute(organisatie=org, begindatum=v1.creatiedatum, einddatum=v1.creatiedatum)
    assert (a.beginsaldo, a.opgelegd, a.ontvangen, a.correcties, a.eindsaldo) == (
        0,
        24200,
        12199,
        0,
        12001,
    )
    assert a.sluit and a.sluit_met_vorderingen and a.openstaand_vorderingen == 12001


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_never_take_a_boeking_twice(postgresql):
    org = OrganisatieFactory()
    for _ in range(30):
        vordering_maken(org)
    tot = Boeking.objects.first().boekdatum
    resultaten, fouten = [], []

    def run():
        try:
            resultaten.append(verantwoording_create(organisatie=org, tot=tot, door="parallel"))
        except Exception as exc:
            fouten.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gemaakt = [r for r in resultaten if r is not None]
    assert len(gemaakt) == 1, (resultaten, fouten)
    assert all(isinstance(f, VerantwoordingFout) for f in fouten)
    assert VerantwoordeBoeking.objects.count() == Boeking.objects.count() == 30


@pytest.mark.django_db(transaction=True)
def test_sent_to_finance_fo03_is_kept_and_resendable():
    """Compliance scenarios 7 and 8: a valid message; a Fo03 answer is recorded and resendable."""
    server = TestTsa("fo03").start()
    try:
        org = OrganisatieFactory()
        koppeling_upsert(
            applicatie="FINADM",
            rol="financiele-administratie",
            gebruikersnaam="fin",
            wachtwoord="financieel-wachtwoord",
            url=server.url,
            vorderende_organisaties=[org.rsin],
        )
        v = vordering_maken(org)
        fvw = verantwoording_create(organisatie=org, tot=v.creatiedatum, door="test")
        bericht = UitgaandBericht.objects.get(verantwoording=fvw)
        assert (bericht.status, bericht.foutcode) == (UitgaandStatus.MISLUKT, "StUF058")
        element = server.bodies()[0]
        assert schema_fouten(element, proces_schema()) == []
        assert (
            server.received[0]["soapaction"]
            .strip('"')
            .endswith("Di01-verstrekFinancieleVerantwoording")
        )
        obj = element.find("FIN:fvwLk01/FIN:object", NS)
        assert obj.findtext("FIN:verantwoordingsnummer", namespaces=NS) == "1"
        assert obj.findtext("FIN:boeking/FIN:boekingsleutel", namespaces=NS) == "OMZ-001"
        from stuffin.services.uitgaand import uitgaand_resend

        uitgaand_resend(berichten=UitgaandBericht.objects.filter(pk=bericht.pk))
        bericht.refresh_from_db()
        assert bericht.status == UitgaandStatus.AFGELEVERD
        assert server.received[0]["body"] == server.received[1]["body"]  # the very same message
    finally:
        server.stop()


@pytest.mark.django_db
def test_reconciliation_balances_on_the_demo_data():
    import datetime as dt

    from django.utils import timezone

    from inningen.demo.services import demo_load
    from inningen.organisaties.models import Organisatie

    demo_load(n_debiteuren=60, n_vorderingen=300)
    vandaag = timezone.localdate()
    assert Organisatie.objects.count() == 3
    for organisatie in Organisatie.objects.all():
        eerste = Boeking.objects.filter(organisatie=organisatie).order_by("boekdatum").first()
        assert eerste is not None, organisatie  # every demo organisation is checked
        a = aansluiting_compute(
            organisatie=organisatie, begindatum=eerste.boekdatum, einddatum=vandaag
        )
        assert a.sluit, a
        assert a.sluit_met_vorderingen, a
        # And a month in the middle: its begin balance is everything before it.
        midden = aansluiting_compute(
            organisatie=organisatie,
            begindatum=vandaag - dt.timedelta(days=60),
            einddatum=vandaag - dt.timedelta(days=30),
        )
        assert midden.sluit


@pytest.mark.django_db
def test_planned_run_accounts_last_complete_period_once():
    from verantwoording.services.verantwoordingen import verantwoording_scheduled
    from verantwoording.tasks import verantwoording_maken

    org = OrganisatieFactory()
    v = vordering_maken(org)
    instelling = org.verantwoording_instelling
    instelling.frequentie = "dag"
    instelling.save()
    morgen = v.creatiedatum + datetime.timedelta(days=1)
    assert verantwoording_scheduled(organisatie=org, vandaag=morgen) == "verantwoording 1"
    fvw = FinancieleVerantwoording.objects.get()
    assert (fvw.begindatum, fvw.einddatum) == (v.creatiedatum, v.creatiedatum)
    al = f"al verantwoord t/m {v.creatiedatum:%d-%m-%Y}"
    assert verantwoording_scheduled(organisatie=org, vandaag=morgen) == al
    # The task only looks the organisation up and runs the same service (eager here): today's
    # last complete day (yesterday) is accounted for already, so nothing new.
    assert verantwoording_maken.delay(org.pk).get() == al
    assert FinancieleVerantwoording.objects.get() == fvw
    assert VerantwoordeBoeking.objects.count() == Boeking.objects.count() == 1
