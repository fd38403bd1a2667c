"""A cheap lockout for machine credentials (StUF HTTP Basic, API tokens).

Failed attempts are counted per key (e.g. username and client IP) in Django's cache; after
``limiet`` failures within ``venster`` seconds the key is locked until the window ends. The check
costs one cache read and no password hash, so a locked-out attacker cannot keep the server busy
hashing. The cache must be shared between processes in production (CACHE_URL).
"""

import hashlib
import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.core.cache import cache


class TeVeelPogingen(Exception):
    """Too many failed attempts: refuse without checking the credentials."""

    def __init__(self, retry_after: int):
        super().__init__(f"Te veel mislukte pogingen; opnieuw over {retry_after} s.")
        self.retry_after = retry_after


def client_ip(request) -> str:
    """The client address, determined as for the login lockout (AXES_CLIENT_IP_CALLABLE, else
    REMOTE_ADDR), so both lockouts see the same address behind a proxy."""
    return get_client_ip_address(request) or ""


@dataclass(frozen=True)
class Throttle:
    naam: str
    limiet: int
    venster: int  # seconds

    def _sleutels(self, sleutel: str) -> tuple[str, str]:
        # Hashed: usernames can hold anything, cache keys cannot.
        digest = hashlib.sha256(sleutel.encode("utf-8", "surrogatepass")).hexdigest()
        basis = f"toegang:throttle:{self.naam}:{digest}"
        return f"{basis}:aantal", f"{basis}:tot"

    def controleren(self, sleutel: str) -> None:
        """Raise TeVeelPogingen while ``sleutel`` is locked out."""
        key_aantal, key_tot = self._sleutels(sleutel)
        stand = cache.get_many([key_aantal, key_tot])
        tot = stand.get(key_tot) or 0
        nu = time.time()
        if stand.get(key_aantal, 0) >= self.limiet and tot > nu:
            raise TeVeelPogingen(max(1, int(tot - nu) + 1))

    def mislukt(self, sleutel: str) -> int:
        """Count a failed attempt. The window starts at the first failure; counting is atomic
        (cache add/incr), so parallel attempts cannot slip past the limit. Returns the count."""
        key_aantal, key_tot = self._sleutels(sleutel)
        cache.add(key_tot, time.time() + self.venster, timeout=self.venster)
        cache.add(key_aantal, 0, timeout=self.venster)
        try:
            return cache.incr(key_aantal)
        except ValueError:  # expired between add and incr
            cache.set(key_aantal, 1, timeout=self.venster)
            return 1

    def gelukt(self, sleutel: str) -> None:
        cache.delete_many(self._sleutels(sleutel))
