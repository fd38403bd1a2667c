import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, melding",
    [
        ({"INNINGEN_OMGEVING": "production"}, "SECRET_KEY"),
        ({"INNINGEN_OMGEVING": "production", "SECRET_KEY": "x" * 50, "DEBUG": "true"}, "DEBUG"),
    ],
)
def test_production_refuses_insecure_defaults(env, melding):
    result = _start(env)
    assert result.returncode != 0
    assert melding in result.stderr


def test_production_starts_with_proper_settings():
    result = _start(
        {
            "INNINGEN_OMGEVING": "production",
            "SECRET_KEY": "s" * 50,
            "ALLOWED_HOSTS": "inningen.example.nl",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr


def test_development_defaults_need_no_services():
    from django.conf import settings

    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.CELERY_BROKER_URL)
