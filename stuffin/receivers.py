from django.dispatch import receiver

from inningen.grootboek.signals import vorderingstatussen_vastgelegd
from stuffin.services.uitgaand import statuswijzigingen_enqueue


@receiver(vorderingstatussen_vastgelegd)
def record_statuswijzigingen(sender, statussen, **kwargs):
    """Outbox rows for the TSAs, in the transaction of the status change itself."""
    statuswijzigingen_enqueue(statussen=statussen)
