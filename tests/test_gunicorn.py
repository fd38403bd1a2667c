"""gunicorn.conf.py (issue #15, operation): sane values, and a real gunicorn serving the app."""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"


def _conf(monkeypatch, **env) -> dict:
    for naam in ("GUNICORN_WORKERS", "WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(naam, raising=False)
    for naam, waarde in env.items():
        monkeypatch.setenv(naam, waarde)
    return runpy.run_path(str(CONF))


def test_defaults_are_sane(monkeypatch):
    conf = _conf(monkeypatch)
    assert conf["worker_class"] == "sync"
    assert 1 <= conf["workers"] <= 8
    # Well above a Di01 of 10,000 claims at the body limit (~2–10 s, docs/benchmarks.md).
    assert conf["timeout"] >= 60
    assert 30 <= conf["graceful_timeout"] <= conf["timeout"]
    assert conf["max_requests"] > 0 and 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert "{x-request-id}o" in conf["access_log_format"]


def test_environment_overrides(monkeypatch):
    conf = _conf(
        monkeypatch,
        GUNICORN_WORKERS="3",
        GUNICORN_BIND="0.0.0.0:9000",
        GUNICORN_TIMEOUT="300",
        GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.5",
    )
    assert (conf["workers"], conf["bind"], conf["timeout"]) == (3, ["0.0.0.0:9000"], 300)
    assert conf["forwarded_allow_ips"] == "10.0.0.5"
    assert _conf(monkeypatch, WEB_CONCURRENCY="5")["workers"] == 5


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as fout:
        return fout.code, dict(fout.headers), fout.read()


def test_gunicorn_serves_health_live(tmp_path):
    poort = _vrije_poort()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"INNINGEN_OMGEVING", "DATABASE_URL", "CELERY_BROKER_URL"}
    }
    env.update(GUNICORN_BIND=f"127.0.0.1:{poort}", GUNICORN_WORKERS="1")
    log = tmp_path / "gunicorn.log"
    with log.open("w") as uitvoer:
        proces = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONF), "config.wsgi"],
            cwd=ROOT, env=env, stdout=uitvoer, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            status = None
            while time.monotonic() < deadline and proces.poll() is None:
                try:
                    status, _, body = _get(f"http://127.0.0.1:{poort}/health/live")
                    break
                except OSError:
                    time.sleep(0.3)
            assert status == 200, log.read_text()
            assert body == b'{"status": "ok"}'
            status, _, _ = _get(f"http://127.0.0.1:{poort}/bestaat-niet", {"X-Request-ID": "gu-1"})
            assert status == 404
        finally:
            proces.terminate()
            proces.wait(timeout=30)
    uitvoer = log.read_text()
    # The access log has the request id, and no line for the probe.
    assert '"GET /bestaat-niet HTTP/1.1" 404' in uitvoer
    assert "request_id=gu-1" in uitvoer
    assert "/health/live" not in uitvoer
