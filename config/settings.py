"""Settings for the Inningensysteem.

Everything that differs between a laptop and production comes from the environment
(django-environ). Without DATABASE_URL the product runs on a local SQLite file, without
CELERY_BROKER_URL Celery tasks run in-process, so the embedded default needs no services.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

from config.omgeving import omgeving_parse, productie_controleren, proxy_ssl_header_parse

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Omgeving, geheimen en beveiliging (issue #15) ------------------------------------------
# "development" (default: the embedded quickstart) or "production"; case-insensitive, the Dutch
# names too. Anything else is refused: a typo must never run production as development.
OMGEVING = omgeving_parse(env.str("INNINGEN_OMGEVING", default="development"))
IS_PRODUCTION = OMGEVING == "production"

INSECURE_SECRET_KEY = "django-insecure-inningen-development-only"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
# Production refuses weak secrets and missing services: see the last block of this file.

# HTTPS. Behind a TLS-terminating proxy that does not redirect itself, keep SECURE_SSL_REDIRECT
# on and set SECURE_PROXY_SSL_HEADER (e.g. "X-Forwarded-Proto: https"; only when the proxy
# always sets or strips that header). Health probes may use plain HTTP to the backend.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_PROXY_SSL_HEADER = proxy_ssl_header_parse(env.str("SECURE_PROXY_SSL_HEADER", default=""))
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if IS_PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preload binds the whole registrable domain (e.g. the municipality's) in browsers for good:
# the domain owner's decision, so off unless asked for; check --deploy's reminder is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: secure in production, never readable by scripts. SameSite Lax, not Strict: the SSO
# callback is a cross-site navigation that must carry the session.
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp): only this site's own scripts and styles, or inline ones
# with the per-request nonce (request.csp_nonce). Enforced in production; report-only in
# development, where Django's debug pages use inline styles.
CSP_ALLEEN_RAPPORTEREN = env.bool("INNINGEN_CSP_ALLEEN_RAPPORTEREN", default=not IS_PRODUCTION)
_csp_form_action = [csp_constants.SELF]
if env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default=""):
    # The SSO login form may continue to the identity provider.
    _oidc = urlsplit(env.str("OIDC_OP_AUTHORIZATION_ENDPOINT"))
    _csp_form_action.append(f"{_oidc.scheme}://{_oidc.netloc}")
_CSP = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF, csp_constants.NONCE],
        "style-src": [csp_constants.SELF, csp_constants.NONCE],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": _csp_form_action,
        "frame-ancestors": [csp_constants.NONE],
    }
}
if CSP_ALLEEN_RAPPORTEREN:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

INSTALLED_APPS = [
    "inningen.admin_basis.BeheerAdminConfig",  # django.contrib.admin with the role check
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "two_factor.plugins.webauthn",
    "mozilla_django_oidc",
    "toegang",
    "inningen",
    "stuffin",
    "verantwoording",
    "api",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "api.middleware.ApiVersieMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "inningen.middleware.NulTekenMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "toegang.middleware.SessieInactiefMiddleware",
    "toegang.middleware.MfaVerplichtMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "inningen.balie.context_processors.menu_tellingen",
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
LOGIN_REDIRECT_URL = "balie:start"

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
# A send still "bezig" after this long lost its worker: the sweep offers it again. Default twice
# a whole send (connect + read timeout), 70 s; a delivery task's time limit stays below it
# (issue #15: a crashed worker blocked its claims for 600 s).
STUF_UITGAAND_VASTGELOPEN_NA = env.float(
    "STUF_UITGAAND_VASTGELOPEN_NA",
    default=2 * (STUF_UITGAAND_CONNECT_TIMEOUT + STUF_UITGAAND_READ_TIMEOUT),
)

# --- Logging (issue #15) ---------------------------------------------------------------------
# One line per record on stderr, with the request id of the HTTP request it belongs to
# (config/logging.py, config/middleware.py). JSON lines in production, readable text otherwise.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if IS_PRODUCTION else "text").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: toegestaan / accepted: json, text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logging.RequestIdFilter"},
        "zonder_probes": {"()": "config.logging.ZonderProbesFilter"},
        # StUF faults (HTTP 500 by protocol) are answers, not server errors (issue #15).
        "stuf_fout": {"()": "stuffin.logfilters.StufFoutFilter"},
    },
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
    },
    "loggers": {
        # runserver's request lines: not one for every health probe.
        "django.server": {
            "handlers": ["console"],
            "filters": ["zonder_probes"],
            "propagate": False,
        },
        "django.request": {"filters": ["stuf_fout"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# Celery workers and beat log through the same handler (JSON in production) instead of
# replacing it with their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Health (issue #15) ----------------------------------------------------------------------
# /health/ready fails when no enabled interval/crontab task ran for this long (the outbox sweep
# runs every minute; django-celery-beat writes last_run_at at least every 3 minutes).
HEALTH_BEAT_MAX_STILTE_SECONDEN = env.int("HEALTH_BEAT_MAX_STILTE_SECONDEN", default=900)
# Per dependency (broker connect) in /health/ready.
HEALTH_TIMEOUT_SECONDEN = env.float("HEALTH_TIMEOUT_SECONDEN", default=2.0)

# --- Basisregistraties (issue #18): BRP (Haal Centraal BRP Personen Bevragen 2.x) and KvK -----
# Without a URL no lookups happen and everything works as before. See the README.
BRP_API_URL = env.str("BRP_API_URL", default="")
BRP_API_KEY = env.str("BRP_API_KEY", default="")
BRP_CLIENT_CERT = env.str("BRP_CLIENT_CERT", default="")
BRP_CLIENT_KEY = env.str("BRP_CLIENT_KEY", default="")
BRP_CA_BUNDLE = env.str("BRP_CA_BUNDLE", default="")
BRP_TIMEOUT = env.float("BRP_TIMEOUT", default=10.0)
# Balie lookups per user per minute: protects the BRP (and is a signal of browsing).
BRP_BALIE_MAX_PER_MINUUT = env.int("BRP_BALIE_MAX_PER_MINUUT", default=30)
KVK_API_URL = env.str("KVK_API_URL", default="")
KVK_API_KEY = env.str("KVK_API_KEY", default="")
KVK_CA_BUNDLE = env.str("KVK_CA_BUNDLE", default="")
KVK_TIMEOUT = env.float("KVK_TIMEOUT", default=10.0)
# Debtors whose addresses one task refreshes before an approved invorderingsrun (BRP ~500-800/s),
# so a large refresh is spread over several tasks within the task time limit.
INVORDERING_ADRESSEN_PER_TAAK = env.int("INVORDERING_ADRESSEN_PER_TAAK", default=20_000)
# An address checked this many hours ago counts as current for a run: the 06:30 preview task
# checks everyone, a preview or run later that day only who is new (keeps a preview in the web
# request short).
INVORDERING_ADRESSEN_ACTUEEL_UREN = env.int("INVORDERING_ADRESSEN_ACTUEEL_UREN", default=12)

# Messages live in the session, not in a (signed but readable) cookie: the admin shows a new API
# token once as a message.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- REST-API (issue #17): /api/v1/, NL API Design Rules ---------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.HeeftScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.paginering.Paginering",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problemen.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "PAGE_SIZE": 100,
    "COERCE_DECIMAL_TO_STRING": False,
}
# The API's public address (scheme, host, optional path prefix), for the resourceUrl of
# notifications sent from a task (there is no request to take it from).
INNINGEN_BASIS_URL = env.str("INNINGEN_BASIS_URL", default="http://127.0.0.1:8000").rstrip("/")
# API tokens: lockout per client IP after this many unknown tokens (like the StUF credentials).
API_AUTH_MAX_POGINGEN = env.int("API_AUTH_MAX_POGINGEN", default=10)
API_AUTH_BLOKKADE_SECONDEN = env.int("API_AUTH_BLOKKADE_SECONDEN", default=900)
API_VERSIE = "1.0.0"
# Callbacks of abonnementen to addresses inside our own network (loopback, private, link-local)
# and over plain http: fine in development and tests, refused in production (SSRF).
API_CALLBACK_INTERN_TOESTAAN = env.bool("API_CALLBACK_INTERN_TOESTAAN", default=not IS_PRODUCTION)
SPECTACULAR_SETTINGS = {
    "TITLE": "Inningen API",
    "DESCRIPTION": (
        "REST/JSON-API van het Inningensysteem (centraal debiteurenbeheer), de opvolger van de "
        "StUF-FIN-services Betalen en Invorderen 1.0: dezelfde diensten en dezelfde regels."
    ),
    "VERSION": API_VERSIE,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess",
    ],
    # The API provider (ADR /core/doc-openapi-contact): the organisation that runs this
    # installation. The defaults are example values; set them in production.
    "CONTACT": {
        "name": env.str("API_CONTACT_NAAM", default="Functioneel beheer Inningen"),
        "email": env.str("API_CONTACT_EMAIL", default="inningen@gemeente.example"),
        "url": env.str("API_CONTACT_URL", default="https://gemeente.example/inningen"),
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
}

# --- Toegang: inloggen, MFA, SSO, sessies en throttling (issue #15) --------------------------
# Django's cache holds the StUF/API lockout counters and verified StUF credentials. Several
# processes (gunicorn workers) must share it in production: set CACHE_URL (e.g.
# redis://127.0.0.1:6379/1). Without it each process has its own in-memory cache.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username+IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login lockout (django-axes): per combination of username and client IP, so an attacker cannot
# lock everyone out by trying their usernames from elsewhere. Unlock: manage.py axes_reset.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60  # hours, as a float
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "toegang/geblokkeerd.html"
AXES_HTTP_RESPONSE_CODE = 429

# StUF HTTP Basic (and later API credentials): lockout per username and client IP.
STUF_AUTH_MAX_POGINGEN = env.int("STUF_AUTH_MAX_POGINGEN", default=10)
STUF_AUTH_BLOKKADE_SECONDEN = env.int("STUF_AUTH_BLOKKADE_SECONDEN", default=900)

# Multi-factor authentication (django-two-factor-auth on django-otp): required for superusers,
# staff and beheerders when on; on by default in production only.
INNINGEN_MFA_VERPLICHT = env.bool("INNINGEN_MFA_VERPLICHT", default=IS_PRODUCTION)
TWO_FACTOR_LOGIN_TIMEOUT = 600
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
TWO_FACTOR_WEBAUTHN_RP_NAME = env.str("TWO_FACTOR_WEBAUTHN_RP_NAME", default="Inningen")
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Inningen")

# Staff sessions end after this many minutes without a request.
SESSIE_INACTIEF_MINUTEN = env.int("SESSIE_INACTIEF_MINUTEN", default=15)

# Single sign-on (OpenID Connect, mozilla-django-oidc): only when OIDC_RP_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_INGESCHAKELD = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
# Claim with the username, optional claims with role groups and organisations (RSINs).
OIDC_GEBRUIKERSNAAM_CLAIM = env.str("OIDC_GEBRUIKERSNAAM_CLAIM", default="preferred_username")
OIDC_GROEPEN_CLAIM = env.str("OIDC_GROEPEN_CLAIM", default="")
OIDC_GROEPEN_VERTALING = env.dict("OIDC_GROEPEN_VERTALING", default={})
OIDC_ORGANISATIES_CLAIM = env.str("OIDC_ORGANISATIES_CLAIM", default="")
# True: the identity provider already demands a second factor, so an SSO session counts as
# verified; otherwise SSO staff also verify a TOTP code here.
OIDC_MFA_DOOR_IDP = env.bool("OIDC_MFA_DOOR_IDP", default=False)
OIDC_USE_PKCE = True
LOGIN_REDIRECT_URL_FAILURE = "/inloggen/?sso=mislukt"
if OIDC_INGESCHAKELD:
    AUTHENTICATION_BACKENDS.append("toegang.oidc.OidcBackend")

# --- Versleuteling van uitgaande geheimen (issue #15) -----------------------------------------
# Fernet keys (comma-separated) for secrets stored encrypted at rest (the outbound password of a
# Koppeling; inningen/versleuteling.py). The first key encrypts, every key decrypts: rotate by
# putting a new key in front and keeping the old ones until every value was saved again.
# Development without the variable derives one key from SECRET_KEY; production requires the
# variable (refused with the other missing services, see the production checks).
VERSLEUTELING_SLEUTELS = env.list("INNINGEN_VERSLEUTELING_SLEUTELS", default=[])
if not VERSLEUTELING_SLEUTELS and not IS_PRODUCTION:
    import base64
    import hashlib

    VERSLEUTELING_SLEUTELS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(b"inningen-versleuteling:" + SECRET_KEY.encode()).digest()
        ).decode()
    ]

# --- Productie-eisen (issue #15): keep this block LAST, it checks the settings above. ---------
# Production refuses to start with a weak SECRET_KEY, DEBUG, or without the services it needs
# (PostgreSQL, broker, shared cache, hosts, encryption keys), listing every problem at once.
if IS_PRODUCTION:
    productie_controleren(globals(), env)
