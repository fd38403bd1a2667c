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


@pytest.fixture(autouse=True)
def _lege_cache():
    """Each test starts with an empty cache: the menu counts (#19) are cached per user pk, and
    SQLite hands the same pk to the next test's user."""
    from django.core.cache import cache

    cache.clear()
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


class WorkerProcess:
    """A real `celery worker` subprocess on the machine's Redis, on the test database."""

    def __init__(self, broker: str, env_extra: dict):
        from django.db import connection

        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": broker,
            **env_extra,
        }
        self.process = None

    def start(self, concurrency: int = 1) -> "WorkerProcess":
        import subprocess
        import sys
        from pathlib import Path

        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING",
             "--pool=prefork", f"--concurrency={concurrency}", "--without-heartbeat",
             "--without-mingle", "--without-gossip"],
            cwd=Path(__file__).resolve().parent.parent, env=self.env,
        )  # fmt: skip
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and children), as a crash would."""
        import signal
        import subprocess

        if self.process and self.process.poll() is None:
            subprocess.run(["pkill", "-KILL", "-P", str(self.process.pid)], check=False)
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except Exception:
                self.kill()


def _drop_broker_pools(app) -> None:
    """Forget the connection and producer pools built for another broker (Celery caches both;
    without this a task published earlier in the run keeps going to the default broker). kombu
    keeps the pools per broker URL, so nothing needs closing."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker_factory(redis_url, postgresql):
    """Start real workers; the test process sends its tasks to the same Redis database."""
    import redis

    from config.celery import app

    broker = redis_url.rsplit("/", 1)[0] + "/13"
    redis.Redis.from_url(broker).flushdb()
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = broker
    app.conf.task_always_eager = False
    _drop_broker_pools(app)
    workers = []

    def start(concurrency: int = 1, **env_extra) -> WorkerProcess:
        worker = WorkerProcess(broker, {k: str(v) for k, v in env_extra.items()}).start(concurrency)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.broker_url, app.conf.task_always_eager = previous
    _drop_broker_pools(app)


def wait_for(predicate, timeout: float = 60, interval: float = 0.2) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
