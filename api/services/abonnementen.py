"""Subscriptions of API clients to notifications (VNG Notificaties API shape)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from api.models import Abonnement, ApiClient
from stuffin.models import UitgaandBericht, UitgaandStatus


class CallbackGeweigerd(Exception):
    """The callback URL may not be used (an address inside our own network)."""


def _intern(adres: str) -> bool:
    ip = ipaddress.ip_address(adres)
    return not ip.is_global or ip.is_multicast


def callback_url_check(url: str) -> None:
    """Our server POSTs to the callback: it must not be made to call into our own network
    (the database, the cache, a cloud metadata service). Unless API_CALLBACK_INTERN_TOESTAAN
    (development, tests, a receiver in the same network on purpose), refuse a host that is or
    resolves to a loopback, private, link-local or otherwise non-public address."""
    if settings.API_CALLBACK_INTERN_TOESTAAN:
        return
    delen = urlsplit(url)
    if delen.scheme != "https":
        raise CallbackGeweigerd("De callback-URL moet https gebruiken.")
    host = delen.hostname or ""
    try:
        adressen = {info[4][0] for info in socket.getaddrinfo(host, delen.port or 443)}
    except (OSError, UnicodeError):
        raise CallbackGeweigerd(f"De host {host!r} van de callback-URL is onbekend.") from None
    if any(_intern(a.split("%")[0]) for a in adressen):
        raise CallbackGeweigerd(
            f"De host {host!r} van de callback-URL ligt in een intern netwerk; dat is niet "
            "toegestaan."
        )


@transaction.atomic
def abonnement_create(
    *, client: ApiClient, callback_url: str, auth: str, kanalen: list[str]
) -> Abonnement:
    abonnement = Abonnement(client=client, callback_url=callback_url, kanalen=sorted(set(kanalen)))
    abonnement.auth = auth
    abonnement.save()
    return abonnement


@transaction.atomic
def abonnement_delete(*, abonnement: Abonnement) -> None:
    """Ends the subscription. The row stays (the outbox refers to it); what was still waiting
    for it is cancelled, visibly, instead of being sent to a receiver that said stop."""
    Abonnement.objects.filter(pk=abonnement.pk).update(actief=False)
    UitgaandBericht.objects.filter(
        abonnement=abonnement, status__in=[UitgaandStatus.WACHTEND, UitgaandStatus.MISLUKT]
    ).update(status=UitgaandStatus.GEANNULEERD, laatste_fout="Abonnement beëindigd door de client")
