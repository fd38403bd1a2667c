"""Verwerkingenlogging (BIO/AVG): who looked at which natural person's data, when and why.

Append-only. Rows are written only by ``inningen.verwerkingen.services.verwerking_log``; the
model, its queryset and (on PostgreSQL) a trigger refuse every change. Reading is reserved for
the privacy officer (permission ``inningen.raadplegen_verwerking``); there are deliberately no
add/change/delete/view permissions.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class VerwerkingGeweigerd(Exception):
    """Something other than verwerking_log tried to write or change the log."""


class VerwerkingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise VerwerkingGeweigerd("De verwerkingenlogging is niet te wijzigen.")

    def bulk_update(self, *args, **kwargs):
        raise VerwerkingGeweigerd("De verwerkingenlogging is niet te wijzigen.")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not all(getattr(o, "_via_verwerking_log", False) for o in objs):
            raise VerwerkingGeweigerd("Alleen verwerking_log() schrijft in de verwerkingenlogging.")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        raise VerwerkingGeweigerd("De verwerkingenlogging is niet te wijzigen.")


class Verwerking(models.Model):
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # Kept as text too: the log must stay readable when an account is renamed.
    gebruikersnaam = models.CharField(max_length=150)
    wanneer = models.DateTimeField(default=timezone.now, db_index=True)
    # Whose data was shown: a debtor, or (``betrokkene``) the counterparty of a bank entry who is
    # no debtor (yet): name and account as the statement gives them, so the privacy officer can
    # still answer an inzageverzoek about that person.
    debiteur = models.ForeignKey(
        "inningen.Debiteur",
        on_delete=models.PROTECT,
        related_name="verwerkingen",
        null=True,
        blank=True,
    )
    betrokkene = models.CharField(
        max_length=200, blank=True, help_text="Tegenpartij zonder debiteur: naam en IBAN."
    )
    vordering = models.ForeignKey(
        "inningen.Vordering", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    doel = models.CharField(max_length=100, help_text="Doel/proces, bv. 'balie'.")
    activiteit = models.CharField(max_length=200, help_text="Bv. 'inzage debiteurpositie'.")

    objects = VerwerkingQuerySet.as_manager()

    class Meta:
        verbose_name = "verwerking (logging)"
        verbose_name_plural = "verwerkingenlogging"
        ordering = ["-wanneer", "-pk"]
        default_permissions = ()
        permissions = [("raadplegen_verwerking", "Mag de verwerkingenlogging raadplegen")]
        indexes = [models.Index(fields=["debiteur", "wanneer"], name="verwerking_debiteur_tijd")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debiteur__isnull=False) | ~models.Q(betrokkene=""),
                name="verwerking_debiteur_of_betrokkene",
            )
        ]

    def __str__(self):
        return f"{self.wanneer:%d-%m-%Y %H:%M} {self.gebruikersnaam}: {self.activiteit}"

    def save(self, *args, **kwargs):
        if not (self._state.adding and getattr(self, "_via_verwerking_log", False)):
            raise VerwerkingGeweigerd("Alleen verwerking_log() schrijft in de verwerkingenlogging.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VerwerkingGeweigerd("De verwerkingenlogging is niet te wijzigen.")
