import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stuffin.models import Bericht


@transaction.atomic
def berichtenlog_prune(*, nu=None, dagen: int | None = None) -> int:
    """Delete logged messages older than the retention setting; returns how many went."""
    dagen = settings.STUF_BERICHTENLOG_BEWAARTERMIJN_DAGEN if dagen is None else dagen
    grens = (nu or timezone.now()) - datetime.timedelta(days=dagen)
    deleted, _ = Bericht.objects.filter(tijdstip__lt=grens).delete()
    return deleted
