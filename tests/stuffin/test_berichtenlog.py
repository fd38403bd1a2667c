import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from stuffin.models import Bericht, Richting
from stuffin.services.berichtenlog import berichtenlog_prune

pytestmark = pytest.mark.django_db


def test_prune_keeps_messages_within_retention(settings):
    settings.STUF_BERICHTENLOG_BEWAARTERMIJN_DAGEN = 30
    oud = Bericht.objects.create(richting=Richting.IN)
    recent = Bericht.objects.create(richting=Richting.UIT)
    Bericht.objects.filter(pk=oud.pk).update(tijdstip=timezone.now() - datetime.timedelta(days=31))
    assert berichtenlog_prune() == 1
    assert list(Bericht.objects.all()) == [recent]


def test_command_reports_count(capsys):
    Bericht.objects.create(richting=Richting.IN)
    call_command("berichtenlog_opschonen", dagen=0)
    assert "1 bericht(en) verwijderd" in capsys.readouterr().out
