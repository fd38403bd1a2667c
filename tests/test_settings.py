"""The settings module under a given environment, loaded in a subprocess (a fresh interpreter:
settings are read once per process)."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Everything the settings read that a developer's shell (or CI) may have set.
_GEWIST = {
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "INNINGEN_OMGEVING",
    "INNINGEN_VERSLEUTELING_SLEUTELS",
    "INNINGEN_MFA_VERPLICHT",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "LOG_FORMAT",
}

STERKE_SLEUTEL = "k7#Vq2!pLz9@Xw4$Rt8^Nb3&Hm6*Jc1(Gd5)Fs0-Ya7=Ue2+Io9"


def _fernet_sleutel() -> str:
    return base64.urlsafe_b64encode(b"0123456789abcdef0123456789abcdef").decode()


def productie_env(**extra) -> dict:
    """A complete production environment (no service is contacted by `check`)."""
    env = {
        "INNINGEN_OMGEVING": "production",
        "SECRET_KEY": STERKE_SLEUTEL,
        "ALLOWED_HOSTS": "inningen.example.nl",
        "DATABASE_URL": "postgres://inningen:geheim@db.example.nl:5432/inningen",
        "CELERY_BROKER_URL": "redis://redis.example.nl:6379/0",
        "CACHE_URL": "redis://redis.example.nl:6379/1",
        "INNINGEN_VERSLEUTELING_SLEUTELS": _fernet_sleutel(),
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def _start(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _GEWIST}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ("check",))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _instelling(env_extra: dict, expressie: str) -> str:
    """The value of a settings expression under the given environment."""
    env = {k: v for k, v in os.environ.items() if k not in _GEWIST}
    env.update(env_extra)
    result = subprocess.run(
        [sys.executable, "-c", f"from config import settings as s; print(repr({expressie}))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    "env, melding",
    [
        ({"INNINGEN_OMGEVING": "production"}, "SECRET_KEY"),
        (productie_env(DEBUG="true"), "DEBUG"),
    ],
)
def test_production_refuses_insecure_defaults(env, melding):
    result = _start(env)
    assert result.returncode != 0
    assert melding in result.stderr


@pytest.mark.parametrize("waarde", ["Production", "PRODUCTION", " production\n", "productie"])
def test_omgeving_is_parsed_case_insensitively(waarde):
    """Finding 6: `Production` used to run silently as development."""
    assert _instelling(productie_env(INNINGEN_OMGEVING=waarde), "s.IS_PRODUCTION") == "True"
    # And so it gets the production refusals, not development defaults.
    result = _start({"INNINGEN_OMGEVING": waarde})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("waarde", ["Development", " ontwikkeling "])
def test_omgeving_development_aliases(waarde):
    assert _instelling({"INNINGEN_OMGEVING": waarde}, "s.OMGEVING") == "'development'"


@pytest.mark.parametrize("waarde", ["prod", "staging", "productionn", ""])
def test_unknown_omgeving_is_refused(waarde):
    result = _start({"INNINGEN_OMGEVING": waarde})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "INNINGEN_OMGEVING" in result.stderr
    assert "development" in result.stderr and "production" in result.stderr


@pytest.mark.parametrize(
    "sleutel",
    [
        "django-insecure-inningen-development-only",
        "x" * 50,
        "s" * 80,
        "changeme" * 8,
        "ab" * 40,
        "django-insecure-" + STERKE_SLEUTEL,
        "Kort!1aB",
        "CHANGEME-" + STERKE_SLEUTEL,
    ],
)
def test_production_refuses_weak_secret_key(sleutel):
    result = _start(productie_env(SECRET_KEY=sleutel))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_lists_every_missing_service_at_once():
    result = _start(
        {
            "INNINGEN_OMGEVING": "production",
            "SECRET_KEY": STERKE_SLEUTEL,
            "CACHE_URL": "locmemcache://",
        }
    )
    assert result.returncode != 0
    for naam in (
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "ALLOWED_HOSTS",
        "CACHE_URL",
        "INNINGEN_VERSLEUTELING_SLEUTELS",
    ):
        assert naam in result.stderr, naam
    assert "SECRET_KEY" not in result.stderr


@pytest.mark.parametrize(
    "ontbreekt, melding",
    [
        ({"DATABASE_URL": "sqlite:////tmp/inningen.sqlite3"}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"CACHE_URL": None}, "CACHE_URL"),
        ({"CACHE_URL": "locmemcache://"}, "CACHE_URL"),
        ({"CACHE_URL": "dummycache://"}, "CACHE_URL"),
        ({"INNINGEN_VERSLEUTELING_SLEUTELS": None}, "INNINGEN_VERSLEUTELING_SLEUTELS"),
    ],
)
def test_production_refuses_missing_service(ontbreekt, melding):
    result = _start(productie_env(**ontbreekt))
    assert result.returncode != 0
    assert melding in result.stderr


def test_production_starts_with_proper_settings():
    result = _start(productie_env())
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_in_production():
    result = _start(productie_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_security_headers_and_cookies():
    waarden = _instelling(
        productie_env(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"),
        "(s.SECURE_HSTS_SECONDS >= 365 * 24 * 3600, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER,"
        " s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE, s.DEBUG,"
        " 'CONTENT_SECURITY_POLICY' in dir(s), 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE)",
    )
    assert waarden == (
        "(True, True, False, True, ('HTTP_X_FORWARDED_PROTO', 'https'),"
        " True, True, 'Lax', True, True, 'Lax', False, True, True)"
    )


def test_ssl_redirect_can_be_switched_off_behind_a_proxy():
    assert _instelling(productie_env(SECURE_SSL_REDIRECT="false"), "s.SECURE_SSL_REDIRECT") == (
        "False"
    )


def test_malformed_proxy_ssl_header_is_refused():
    result = _start(productie_env(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"))
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr


def test_development_defaults_need_no_services():
    from django.conf import settings

    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.CELERY_BROKER_URL)
