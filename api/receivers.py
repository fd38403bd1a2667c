from django.dispatch import receiver

from api.services.notificaties import notificaties_enqueue
from inningen.grootboek.signals import vorderingstatussen_vastgelegd


@receiver(vorderingstatussen_vastgelegd)
def record_notificaties(sender, statussen, **kwargs):
    """Outbox rows for the REST abonnementen, in the transaction of the status change itself."""
    notificaties_enqueue(statussen=statussen)
