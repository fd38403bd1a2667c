"""Settings for the Inningensysteem.

Everything that differs between a laptop and production comes from the environment
(django-environ). Without DATABASE_URL the product runs on a local SQLite file, without
CELERY_BROKER_URL Celery tasks run in-process, so the embedded default needs no services.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# "development" (default: the embedded quickstart) or "production".
OMGEVING = env.str("INNINGEN_OMGEVING", default="development")
IS_PRODUCTION = OMGEVING == "production"

INSECURE_SECRET_KEY = "django-insecure-inningen-development-only"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)

if IS_PRODUCTION:
    # Refuse to start rather than run production with development defaults.
    if SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("Production needs a SECRET_KEY of at least 32 characters.")
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to run with DEBUG on.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_celery_beat",
    "inningen",
    "stuffin",
    "verantwoording",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if "DATABASE_URL" not in env:
    # The embedded default: a local SQLite file in var/ (not in git, so create it here).
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'inningen.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when the dev server and a task write together.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "balie:zoeken"

SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: run tasks in-process so the embedded default needs no Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A worker that dies mid-task gives the message back, instead of losing it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# --- Brieven ---------------------------------------------------------------------------------
# Render letters to PDF by a worker right after they are made. Without a broker tasks would run
# in the web request (thousands of letters per run), so there they are rendered on first
# download instead.
BRIEVEN_RENDEREN_NA_COMMIT = env.bool("BRIEVEN_RENDEREN_NA_COMMIT", default=bool(CELERY_BROKER_URL))

# --- StUF ----------------------------------------------------------------------------------
# The product's own StUF identity: the ontvanger TSAs address, the zender of our messages.
STUF_ORGANISATIE = env.str("STUF_ORGANISATIE", default="")
STUF_APPLICATIE = env.str("STUF_APPLICATIE", default="INNINGEN")
STUF_ADMINISTRATIE = env.str("STUF_ADMINISTRATIE", default="")
# Largest accepted SOAP request body, in bytes (default 20 MB).
STUF_MAX_BODY_BYTES = env.int("STUF_MAX_BODY_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = STUF_MAX_BODY_BYTES
# Days inbound and outbound StUF messages are kept in the berichtenlog.
STUF_BERICHTENLOG_BEWAARTERMIJN_DAGEN = env.int(
    "STUF_BERICHTENLOG_BEWAARTERMIJN_DAGEN", default=400
)
# Header a TLS-terminating proxy sets with the client certificate's SHA-256 fingerprint.
STUF_CLIENT_CERT_HEADER = env.str(
    "STUF_CLIENT_CERT_HEADER", default="HTTP_X_SSL_CLIENT_FINGERPRINT"
)

# Outbox delivery to TSAs and the financiële administratie (seconds).
STUF_UITGAAND_CONNECT_TIMEOUT = env.float("STUF_UITGAAND_CONNECT_TIMEOUT", default=5.0)
STUF_UITGAAND_READ_TIMEOUT = env.float("STUF_UITGAAND_READ_TIMEOUT", default=30.0)
STUF_UITGAAND_BACKOFF_BASIS = env.float("STUF_UITGAAND_BACKOFF_BASIS", default=30.0)
STUF_UITGAAND_BACKOFF_MAX = env.float("STUF_UITGAAND_BACKOFF_MAX", default=3600.0)
# After this age a message that still fails to get through is marked dead (default 2 days).
STUF_UITGAAND_MAX_LEEFTIJD = env.float("STUF_UITGAAND_MAX_LEEFTIJD", default=2 * 24 * 3600.0)
# Changes for one koppeling that travel together in one Di01 (one HTTP request).
STUF_UITGAAND_BATCH = env.int("STUF_UITGAAND_BATCH", default=50)
# A send still "bezig" after this long lost its worker: the sweep offers it again.
STUF_UITGAAND_VASTGELOPEN_NA = env.float("STUF_UITGAAND_VASTGELOPEN_NA", default=600.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
