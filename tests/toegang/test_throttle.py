"""toegang.throttle: the generic lockout for machine credentials (StUF now, API tokens later)."""

import pytest
from django.core.cache import cache

from toegang.throttle import TeVeelPogingen, Throttle


def test_locks_after_limit_and_reports_retry_after():
    t = Throttle("test", limiet=3, venster=60)
    for _ in range(3):
        t.controleren("a")
        t.mislukt("a")
    with pytest.raises(TeVeelPogingen) as exc:
        t.controleren("a")
    assert 1 <= exc.value.retry_after <= 61
    t.controleren("b")  # other keys are not affected
    t.gelukt("a")
    t.controleren("a")


def test_keys_with_odd_characters():
    t = Throttle("test", limiet=1, venster=60)
    sleutel = "gebruiker met spaties\0\u00e9\ud800:10.0.0.1"
    t.mislukt(sleutel)
    with pytest.raises(TeVeelPogingen):
        t.controleren(sleutel)


@pytest.mark.services
def test_counts_in_a_shared_redis_cache(redis_url, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "test-toegang",
        }
    }
    cache.clear()
    t = Throttle("redis", limiet=2, venster=30)
    assert t.mislukt("x") == 1
    assert t.mislukt("x") == 2
    with pytest.raises(TeVeelPogingen):
        t.controleren("x")
    cache.clear()
