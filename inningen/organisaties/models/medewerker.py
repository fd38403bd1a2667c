from django.conf import settings
from django.db import models

from inningen.organisaties.models.organisatie import Organisatie


class Medewerker(models.Model):
    """Which organisations of the samenwerkingsverband a user may see and act for.

    The role (baliemedewerker, invorderaar, beheerder) is a Django group.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medewerker"
    )
    organisaties = models.ManyToManyField(Organisatie, related_name="medewerkers", blank=True)

    class Meta:
        verbose_name = "medewerker"
        verbose_name_plural = "medewerkers"

    def __str__(self):
        return str(self.user)
