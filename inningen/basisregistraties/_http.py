"""The HTTP part both clients share: one session, bounded retries, no threads.

Messages never contain the API key, the request body (BSNs) or the full URL; only the host.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

# Statuses a gateway returns when the source is briefly unavailable or overloaded; the request is
# a query without side effects, so asking again is safe.
HERHAALBARE_STATUSSEN = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class HttpInstellingen:
    timeout: tuple[float, float] = (3.05, 10.0)
    # Two retries: a third failure in a row is an outage, not a hiccup.
    max_pogingen: int = 3
    wachttijd: float = 0.2


def maak_sessie(
    session: requests.Session | None,
    cert: tuple[str, str] | str | None,
    verify: str | bool | None,
) -> requests.Session:
    sessie = session or requests.Session()
    if cert:
        # Mutual TLS: production gateways identify the municipality by its PKIoverheid certificate.
        sessie.cert = cert
    if verify not in (None, ""):
        # The KvK and many BRP gateways use the Staat der Nederlanden Private Root, not in certifi.
        sessie.verify = verify
    return sessie


def host_van(url: str) -> str:
    return urlsplit(url).netloc or url


def timeout_uit(waarde) -> tuple[float, float]:
    """Settings may give one number (read timeout) or a (connect, read) pair."""
    if isinstance(waarde, list | tuple):
        connect, read = (float(w) for w in waarde)
        return connect, read
    read = float(waarde)
    return min(3.05, read), read


def verstuur(
    doe_verzoek: Callable[[], requests.Response],
    instellingen: HttpInstellingen,
    bij_storing: Callable[[str], Exception],
) -> requests.Response:
    """Run the request, retrying connection errors, timeouts and HERHAALBARE_STATUSSEN.

    Returns the last response (also a 4xx/5xx that is not retried); raises bij_storing(reason)
    when every attempt failed on the network or with a retryable status.
    """
    reden = ""
    for poging in range(1, instellingen.max_pogingen + 1):
        try:
            antwoord = doe_verzoek()
        except requests.Timeout:
            reden = "time-out"
        except requests.ConnectionError:
            reden = "geen verbinding"
        else:
            if antwoord.status_code not in HERHAALBARE_STATUSSEN:
                return antwoord
            reden = f"HTTP {antwoord.status_code}"
        if poging < instellingen.max_pogingen:
            time.sleep(instellingen.wachttijd * poging)
    raise bij_storing(f"{reden} na {instellingen.max_pogingen} pogingen")
