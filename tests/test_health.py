"""Health endpoints (issue #15, operation): /health/live and /health/ready."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

pytestmark = pytest.mark.django_db


def _beat_recent(seconden_geleden: int = 30) -> None:
    PeriodicTask.objects.filter(enabled=True).update(
        last_run_at=timezone.now() - timedelta(seconds=seconden_geleden)
    )


def test_live_needs_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_reports_every_check(client, settings):
    settings.CELERY_BROKER_URL = ""
    _beat_recent()
    response = client.get("/health/ready")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) == {"database", "cache", "broker", "beat"}
    assert {c["status"] for c in data["checks"].values()} == {"ok"}
    assert data["checks"]["broker"]["melding"].startswith("niet geconfigureerd")


def test_ready_without_authentication_and_not_logged_at_info(client, caplog, settings):
    settings.CELERY_BROKER_URL = ""
    _beat_recent()
    with caplog.at_level(logging.INFO):
        assert client.get("/health/ready").status_code == 200
        assert client.get("/health/live").status_code == 200
    assert [r for r in caplog.records if r.levelno >= logging.INFO] == []


def test_ready_503_when_broker_unreachable(client, settings, caplog):
    # Port 9 (discard) on localhost: connection refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    _beat_recent()
    response = client.get("/health/ready")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "fout"
    assert data["checks"]["broker"]["status"] == "fout"
    assert data["checks"]["database"]["status"] == "ok"
    # No host, port or credentials of the broker in the answer.
    assert "127.0.0.1" not in response.content.decode()
    assert any("broker" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_ready_503_when_beat_stopped(client, settings):
    settings.CELERY_BROKER_URL = ""
    settings.HEALTH_BEAT_MAX_STILTE_SECONDEN = 900
    _beat_recent(seconden_geleden=3600)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["status"] == "fout"
    assert "3600 s geleden" in response.json()["checks"]["beat"]["melding"]


def test_ready_503_when_beat_never_ran(client, settings):
    settings.CELERY_BROKER_URL = ""
    PeriodicTask.objects.update(last_run_at=None)
    schema = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="proef", task="proef", interval=schema)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["melding"] == "nog geen geplande taak uitgevoerd"


def test_ready_ignores_disabled_tasks(client, settings):
    settings.CELERY_BROKER_URL = ""
    _beat_recent()
    schema = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="uit", task="proef", interval=schema, enabled=False,
        last_run_at=timezone.now() - timedelta(days=30),
    )  # fmt: skip
    assert client.get("/health/ready").status_code == 200


def test_ready_503_when_database_fails(client, settings, monkeypatch):
    from django.db.utils import OperationalError

    from config import health

    def kapot():
        raise OperationalError("could not connect to server at db.example.nl")

    settings.CELERY_BROKER_URL = ""
    _beat_recent()
    monkeypatch.setitem(health.CHECKS, "database", kapot)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "status": "fout",
        "melding": "OperationalError",
        "ms": response.json()["checks"]["database"]["ms"],
    }
    assert "db.example.nl" not in response.content.decode()


@pytest.mark.services
def test_ready_with_real_broker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    _beat_recent()
    response = client.get("/health/ready")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"]["status"] == "ok"


def test_health_is_exempt_from_ssl_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/live").status_code == 200
    assert client.get("/inloggen/").status_code == 301
