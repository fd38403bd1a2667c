"""API clients, their subscriptions (abonnementen) and idempotency keys."""

import hashlib
import secrets
import uuid

from django.db import models

from inningen.versleuteling import ontsleutel, versleutel


class Scope(models.TextChoices):
    VORDERINGEN_LEZEN = "vorderingen.lezen", "Vorderingen lezen"
    VORDERINGEN_AANMAKEN = "vorderingen.aanmaken", "Vorderingen aanmaken"
    DEBITEUREN_LEZEN = "debiteuren.lezen", "Debiteuren zoeken en lezen"
    ABONNEMENTEN_BEHEREN = "abonnementen.beheren", "Abonnementen beheren"
    VERANTWOORDINGEN_LEZEN = "verantwoordingen.lezen", "Verantwoordingen lezen"


TOKEN_PREFIX = "inn_"


def token_hash(token: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough to store them safely (no
    dictionary to guess from) and lets a request find its client with one indexed lookup."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiClient(models.Model):
    """A system that uses the REST API: a TSA, a portal, a schuldhulp tool, the finance system.

    It acts for one organisation; with TSA codes it may create claims with those codes and sees
    only claims with them; without TSA codes it reads all claims of its organisation (a portal)
    but creates none."""

    naam = models.CharField(max_length=200, unique=True)
    organisatie = models.ForeignKey(
        "inningen.Organisatie", on_delete=models.PROTECT, related_name="api_clients"
    )
    scopes = models.JSONField(default=list, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    token_begin = models.CharField("begin van het token", max_length=12, blank=True, editable=False)
    actief = models.BooleanField(default=True)
    ingetrokken_op = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "API-client"
        verbose_name_plural = "API-clients"
        ordering = ["naam"]

    def __str__(self):
        return self.naam

    # DRF treats request.user as an authenticated principal.
    is_authenticated = True
    is_anonymous = False

    def get_username(self) -> str:
        return f"api:{self.naam}"

    @property
    def tsa_code_set(self) -> frozenset[str]:
        cached = getattr(self, "_tsa_codes", None)
        if cached is None:
            cached = self._tsa_codes = frozenset(self.tsa_codes.values_list("code", flat=True))
        return cached

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ApiClientTsaCode(models.Model):
    """A TSA code of a client. One code may be held by several clients (also of other
    organisations) and by a StUF koppeling at the same time."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tsa_codes")
    code = models.CharField(max_length=200)

    class Meta:
        verbose_name = "TSA-code"
        verbose_name_plural = "TSA-codes"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["client", "code"], name="api_client_tsa_uniek")
        ]

    def __str__(self):
        return self.code


class Kanaal(models.TextChoices):
    VORDERINGSTATUSSEN = "vorderingstatussen", "Vorderingstatussen"


class Abonnement(models.Model):
    """A subscription (VNG Notificaties API shape): status changes of claims in the client's
    scope are POSTed to ``callback_url`` through the outbox."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="abonnementen")
    callback_url = models.URLField("callback-URL", max_length=500)
    # The Authorization header value the receiver expects: a credential, so encrypted at rest.
    auth_versleuteld = models.TextField(blank=True, editable=False)
    kanalen = models.JSONField(default=list)
    actief = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "abonnement"
        verbose_name_plural = "abonnementen"
        ordering = ["client", "created_at"]

    def __str__(self):
        return f"{self.client} → {self.callback_url}"

    @property
    def auth(self) -> str:
        return ontsleutel(self.auth_versleuteld) if self.auth_versleuteld else ""

    @auth.setter
    def auth(self, waarde: str) -> None:
        self.auth_versleuteld = versleutel(waarde) if waarde else ""


class Idempotentie(models.Model):
    """The answer to a request with an Idempotency-Key, replayed for a retry with the same key
    and body; stored in the transaction that created the claim."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    sleutel = models.CharField(max_length=255)
    verzoek_hash = models.CharField(max_length=64)
    http_status = models.PositiveSmallIntegerField()
    antwoord = models.JSONField()
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "idempotentiesleutel"
        verbose_name_plural = "idempotentiesleutels"
        constraints = [
            models.UniqueConstraint(fields=["client", "sleutel"], name="api_idempotentie_uniek")
        ]

    def __str__(self):
        return f"{self.client} {self.sleutel}"
