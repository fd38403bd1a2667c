from django.db import models

from inningen.choices import MachtigingStatus
from inningen.debiteuren.models.debiteur import Debiteur
from inningen.organisaties.models.organisatie import Organisatie
from inningen.validators import validate_iban


class Machtiging(models.Model):
    """A SEPA direct-debit mandate (automatische incasso) of a debtor for one organisation."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="machtigingen"
    )
    debiteur = models.ForeignKey(
        Debiteur, on_delete=models.PROTECT, related_name="machtigingen", null=True, blank=True
    )
    kenmerk = models.CharField("machtigingskenmerk", max_length=35)
    afgiftedatum = models.DateField()
    iban = models.CharField("IBAN", max_length=34, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True)
    status = models.CharField(
        max_length=12, choices=MachtigingStatus.choices, default=MachtigingStatus.ACTIEF
    )
    eerste_incasso = models.DateField(null=True, blank=True)
    laatste_incasso = models.DateField(null=True, blank=True)
    # Storno's in a row under this mandate; two suspend it. Reset once a collection has stood
    # for the 8-week reversal period (services/incasso.py).
    opeenvolgende_stornos = models.PositiveSmallIntegerField("opeenvolgende storno's", default=0)
    opmerking = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "machtiging"
        verbose_name_plural = "machtigingen"
        ordering = ["-afgiftedatum", "pk"]

    def __str__(self):
        return f"{self.kenmerk} ({self.iban})"

    @property
    def verloopdatum(self):
        """SEPA rulebook: a mandate unused for 36 months after its last collection expires."""
        basis = self.laatste_incasso or self.afgiftedatum
        if basis is None:
            return None
        jaar, maand = basis.year + 3, basis.month
        dag = min(basis.day, 28 if maand == 2 else 30 if maand in (4, 6, 9, 11) else 31)
        return basis.replace(year=jaar, day=dag)
