import os
import socket
from urllib.parse import urlparse

import pytest


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, url: str | None) -> None:
    """Skip with a visible reason on a laptop without the service; fail in CI, where
    INNINGEN_REQUIRE_SERVICES=1 says the service must be there."""
    required = os.environ.get("INNINGEN_REQUIRE_SERVICES") == "1"
    if url and _reachable(url):
        return
    reason = f"{name} niet beschikbaar ({url or 'niet geconfigureerd'})"
    if required:
        pytest.fail(f"{reason}, maar INNINGEN_REQUIRE_SERVICES=1")
    pytest.skip(reason)


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    require_service("Redis", url)
    return url


@pytest.fixture
def postgresql(db, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        require_service("PostgreSQL", None)
    return connection


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Unit tests run tasks in-process; tests with a real worker override this."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture
def vandaag():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Live-server threads must not keep connections open, or the test database cannot be dropped.
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
