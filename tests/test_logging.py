"""Request id per request and structured (JSON) log lines (issue #15, operation)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from config.logging import JsonFormatter, RequestIdFilter, ZonderProbesFilter, request_id_var
from config.middleware import RequestIdMiddleware

ROOT = Path(__file__).resolve().parent.parent


def _met_log(request_factory_kwargs: dict, caplog) -> tuple[HttpResponse, list]:
    def view(request):
        logging.getLogger("inningen.test").warning("in het verzoek")
        return HttpResponse("ok")

    request = RequestFactory().get("/", **request_factory_kwargs)
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="inningen.test"):
        response = RequestIdMiddleware(view)(request)
    return response, [r for r in caplog.records if r.name == "inningen.test"]


def test_proxy_request_id_is_echoed_and_logged(caplog):
    response, records = _met_log({"HTTP_X_REQUEST_ID": "abc-123.def"}, caplog)
    assert response["X-Request-ID"] == "abc-123.def"
    assert [r.request_id for r in records] == ["abc-123.def"]
    # Outside the request the id is gone again.
    assert request_id_var.get() == "-"


@pytest.mark.parametrize("header", [None, "", "a" * 129, "x y", "<script>", "id\nInjected: 1"])
def test_missing_or_invalid_request_id_is_generated(header, caplog):
    kwargs = {} if header is None else {"HTTP_X_REQUEST_ID": header}
    response, records = _met_log(kwargs, caplog)
    gegenereerd = response["X-Request-ID"]
    assert gegenereerd != header
    assert len(gegenereerd) == 32 and int(gegenereerd, 16) >= 0
    assert [r.request_id for r in records] == [gegenereerd]


@pytest.mark.django_db
def test_every_response_has_a_request_id(client):
    response = client.get("/inloggen/", HTTP_X_REQUEST_ID="lb-42")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-42"
    assert len(client.get("/inloggen/")["X-Request-ID"]) == 32


def test_json_formatter_writes_one_parsable_line():
    record = logging.makeLogRecord(
        {
            "name": "stuffin.views",
            "levelno": logging.WARNING,
            "levelname": "WARNING",
            "msg": 'Fout %s bij "%s"\nregel twee',
            "args": ("StUF055", "Di01"),
            "koppeling": "PARKEREN",
        }
    )
    token = request_id_var.set("req-7")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    try:
        raise ValueError("kapot")
    except ValueError:
        record.exc_info = sys.exc_info()
    regel = JsonFormatter().format(record)
    assert "\n" not in regel
    data = json.loads(regel)
    assert data["niveau"] == "WARNING"
    assert data["logger"] == "stuffin.views"
    assert data["bericht"] == 'Fout StUF055 bij "Di01"\nregel twee'
    assert data["request_id"] == "req-7"
    assert data["koppeling"] == "PARKEREN"
    assert "ValueError: kapot" in data["exceptie"]
    assert data["tijd"].endswith("+00:00")


def test_probe_request_lines_are_dropped():
    def record(path):
        return logging.makeLogRecord(
            {"msg": '"%s" %s %s', "args": (f"GET {path} HTTP/1.1", 200, 15)}
        )

    assert ZonderProbesFilter().filter(record("/health/live")) is False
    assert ZonderProbesFilter().filter(record("/admin/")) is True


def _logging_onder(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"INNINGEN_OMGEVING", "LOG_FORMAT"}}
    env.update(env_extra)
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('inningen.proef').warning('hallo %s', 'wereld')"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_log_format_json_gives_json_lines():
    result = _logging_onder({"LOG_FORMAT": "json"})
    assert result.returncode == 0, result.stderr
    regels = [json.loads(r) for r in result.stderr.splitlines() if r.strip()]
    proef = [r for r in regels if r["logger"] == "inningen.proef"]
    assert proef == [
        {
            "tijd": proef[0]["tijd"],
            "niveau": "WARNING",
            "logger": "inningen.proef",
            "bericht": "hallo wereld",
            "request_id": "-",
        }
    ]


def test_log_format_text_in_development():
    result = _logging_onder({})
    assert result.returncode == 0, result.stderr
    assert "WARNING inningen.proef [-] hallo wereld" in result.stderr


def test_unknown_log_format_is_refused():
    result = _logging_onder({"LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr
