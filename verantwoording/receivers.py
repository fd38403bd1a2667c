from django.db.models.signals import post_save
from django.dispatch import receiver

from inningen.organisaties.models import Organisatie
from verantwoording.models import VerantwoordingInstelling
from verantwoording.services.planning import planning_sync


@receiver(post_save, sender=Organisatie)
def ensure_instelling(sender, instance, created, **kwargs):
    """Every organisation accounts monthly by default, until an administrator changes it."""
    if created:
        instelling, _ = VerantwoordingInstelling.objects.get_or_create(organisatie=instance)
        planning_sync(instelling=instelling)
