"""One settings module, driven by the environment.

SQLite in the current directory by default; PostgreSQL (or any other database) when
DATABASE_URL says so. Secrets come from the environment or from a file named by the
matching *_FILE variable, never from the code: in production (TIPTRACKER_ENV=production)
the app refuses to start without them.
"""

import hashlib
import ipaddress
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, or from the file that NAME_FILE points at."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


ENVIRONMENT = env("TIPTRACKER_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "development-only-secret-not-for-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY") or _DEV_SECRET
if PRODUCTION and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production.")

# The lived-experience route's field encryption keys (tiptracker/lib/crypto.py): never in the
# database or the code. Checked when the web app starts (cli serve, wsgi.py).
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS") or ""

ALLOWED_HOSTS = (env("ALLOWED_HOSTS") or "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in (env("CSRF_TRUSTED_ORIGINS") or "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tasks",
    "django_tasks_db",
    "auditlog",
    "tiptracker.background",
    "tiptracker.accounts",
    "tiptracker.partnerships",
    "tiptracker.workforce",
    "tiptracker.training",
    "tiptracker.imports",
    "tiptracker.plan",
    "tiptracker.resources",
    "tiptracker.network",
    "tiptracker.funding",
    "tiptracker.engagement",
    "tiptracker.feedback",
    "tiptracker.lived",
    "tiptracker.improvement",
    "tiptracker.indicators",
    "tiptracker.reporting",
    "tiptracker.sso",
]

MIDDLEWARE = [
    # First, so that whatever the others log carries the request's id (tiptracker/ops/logs.py).
    "tiptracker.ops.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tiptracker.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Who changed what (django-auditlog): the signed-in user becomes the actor of the changes
    # a request makes; the API sets its token's user the same way (api.views).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tiptracker.middleware.LoginRequiredMiddleware",
    "tiptracker.middleware.SecondFactorMiddleware",
    "tiptracker.middleware.BusyDatabaseMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tiptracker.urls"
WSGI_APPLICATION = "tiptracker.wsgi.application"

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
                "tiptracker.partnerships.context_processors.partnership",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{Path.cwd() / 'tiptracker.sqlite3'}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE") or 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while an import writes; the timeout makes a writer wait for
    # another instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every cache key carries the installation's prefix, so that two installations sharing a
# host (the file cache) or a Redis server never read each other's counters or progress. By
# default it is derived from the database the installation uses.
_DB = DATABASES["default"]
CACHE_KEY_PREFIX = (
    env("CACHE_KEY_PREFIX")
    or hashlib.sha256(
        f"{_DB['ENGINE']}|{_DB.get('HOST', '')}|{_DB.get('PORT', '')}|{_DB['NAME']}".encode()
    ).hexdigest()[:16]
)
_REDIS_URL = env("REDIS_URL")
CACHES: dict[str, dict[str, object]]
if _REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # An unreachable Redis host fails a request (and /readyz) in seconds, not minutes.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # Import progress is shared between the worker and the web process through the cache:
    # without Redis, a file cache on this machine does that job.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR")
            or str(Path(tempfile.gettempdir()) / f"tiptracker-cache-{CACHE_KEY_PREFIX}"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Django's default of 300 entries holds little more than one survey results page's
            # charts (over 200 at 20 courses): past it, each new chart deletes a third of the
            # cache, and pages redraw their charts on every visit (bench/bench_feedback.py).
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Background work (Django's tasks API, the django-tasks backport): every job the web app
# leaves for later (large imports, e-mails, the scheduled passes in tiptracker/background)
# is a task. The database backend is the embedded default, on SQLite or PostgreSQL; an
# installation with several machines may run the queue on Redis instead (RQ, through
# django-tasks-rq): TASKS_BACKEND=rq with REDIS_URL. `tiptracker worker` runs the tasks.
TASKS_BACKEND = env("TASKS_BACKEND") or "database"
if TASKS_BACKEND not in ("database", "rq"):
    raise ImproperlyConfigured(
        f"TASKS_BACKEND: '{TASKS_BACKEND}' is not a task backend (use database or rq)"
    )
if TASKS_BACKEND == "rq" and not _REDIS_URL:
    raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (the Redis server RQ uses)")
_TASK_QUEUES = ["default", "mail"]
_TASK_BACKEND: dict[str, object] = (
    {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": _TASK_QUEUES}
    if TASKS_BACKEND == "database"
    else {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": _TASK_QUEUES}
)
# E-mails have their own alias (the same kind of backend) so that the tests may deliver them
# at once while imports and scheduled work still go through the queue.
TASKS: dict[str, dict[str, object]] = {"default": _TASK_BACKEND, "mail": dict(_TASK_BACKEND)}
# RQ stops a job after its queue's timeout: a large import may take many minutes.
RQ_QUEUES: dict[str, dict[str, Any]] = {
    queue: {"URL": _REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 6 * 60 * 60}
    for queue in _TASK_QUEUES
}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (tiptracker/sso): only the sign-in callback calls it, with a provider.
    "tiptracker.sso.backends.ProviderBackend",
]
# A forgotten password's link works once, for two hours.
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
# The history of edited records (django-auditlog, tiptracker/lib/history.py). No IP addresses:
# who changed a record is the signed-in member; an address would be personal data for nothing.
AUDITLOG_DISABLE_REMOTE_ADDR = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this much inactivity: every request pushes the expiry forward.
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS") or 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "tiptracker.accounts.sessions"  # a busy database never fails an expiry push
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one address,
# that pair waits out the cool-off; it is never a permanent lock.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES") or 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# How many proxies in front of the app set X-Forwarded-For (0: none, use the connection).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT") or 0)
AXES_CLIENT_IP_CALLABLE = "tiptracker.accounts.client_ip.client_ip"

# Single sign-on with OpenID Connect (mozilla-django-oidc; tiptracker/sso). The provider's
# endpoints, client ID and secret are per provider, in the database (the secret encrypted):
# these are the installation-wide choices. Seconds to wait for a provider before saying it is
# not answering (and offering the password form).
SSO_TIMEOUT_SECONDS = float(env("SSO_TIMEOUT_SECONDS") or 5)
OIDC_TIMEOUT = SSO_TIMEOUT_SECONDS
OIDC_RP_SCOPES = "openid email"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_REDIRECT_FIELD_NAME = "next"
# Sign-ins started and not finished that one browser keeps (each a state, nonce and verifier).
OIDC_MAX_STATES = 10

# Messages live in the session (server side), not in a cookie: one of them carries a new
# member's first password.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the package's static folders: no collectstatic step for a user.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH") or str(Path.cwd() / "sent-mail")
EMAIL_HOST = env("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(env("EMAIL_PORT") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL") or "TIP Tracker <no-reply@tiptracker.invalid>"
# The address people reach the site at, for links in e-mails sent with no request to hand
# (the weekly plan digest from `send-due`).
SITE_URL = (env("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

# Imports: the largest file accepted, and the size above which a web upload is handled by
# the worker (with progress shown) instead of inside the request.
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES") or 50 * 1024 * 1024)
# On SQLite an import holds the one write lock from start to end, so the rows of one file
# are limited (0: no limit). Measured (bench/bench_sqlite_writes.py): another change waits at
# most 4.2 s beside a 100,000-row import and 7.2 s beside 200,000 on an idle machine; one
# fails beside 1,000,000 (it waits out the 30 s busy timeout). 100,000 leaves room for a
# machine three times slower.
SQLITE_IMPORT_MAX_ROWS = int(env("SQLITE_IMPORT_MAX_ROWS") or 100_000)
# A figure drawn from fewer people or responses than this is shown as "fewer than N"
# (tiptracker/lib/suppression.py).
SMALL_NUMBER_THRESHOLD = int(env("SMALL_NUMBER_THRESHOLD") or 5)
# Days a lived-experience route record is kept after it ends (closed, declined or withdrawn)
# before `tiptracker purge` erases it: two years unless the partner's records schedule says
# otherwise (docs/data-protection.md).
LIVED_RETENTION_DAYS = int(env("LIVED_RETENTION_DAYS") or 730)
# Days a record may stay before consent without a step (someone who stopped replying) before
# `tiptracker purge` closes it, starting its retention period.
LIVED_IDLE_CLOSE_DAYS = int(env("LIVED_IDLE_CLOSE_DAYS") or 365)
# The coordinators' workspace stays open this many minutes after their last request there;
# then they confirm their password and second factor again.
LIVED_UNLOCK_MINUTES = int(env("LIVED_UNLOCK_MINUTES") or 15)
# Expressions of interest accepted from one address to one partnership in each window (an
# hour; the page needs no login), and from an address in one of the networks listed as
# shared (an office or a health board's network behind one address, comma-separated, e.g.
# "10.0.0.0/8,2001:db8::/32"): a whole office may take part, a script may not flood it.
LIVED_INTEREST_PER_HOUR = int(env("LIVED_INTEREST_PER_HOUR") or 10)
LIVED_INTEREST_SHARED_PER_HOUR = int(env("LIVED_INTEREST_SHARED_PER_HOUR") or 300)
LIVED_INTEREST_SHARED_NETWORKS = env("LIVED_INTEREST_SHARED_NETWORKS") or ""
LIVED_INTEREST_WINDOW_SECONDS = int(env("LIVED_INTEREST_WINDOW_SECONDS") or 60 * 60)
for _network in LIVED_INTEREST_SHARED_NETWORKS.split(","):
    try:
        ipaddress.ip_network(_network.strip() or "0.0.0.0/32", strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"LIVED_INTEREST_SHARED_NETWORKS: '{_network.strip()}' is not a network "
            "(write them like 10.0.0.0/8, separated by commas)"
        ) from None
# Second factor (django-otp TOTP): after n wrong codes in a row the next try waits
# factor * 2^(n-1) seconds; the name authenticator apps show.
OTP_TOTP_THROTTLE_FACTOR = int(env("OTP_TOTP_THROTTLE_FACTOR") or 2)
OTP_TOTP_ISSUER = "TIP Tracker"
# The admin site may list authenticator devices (to remove a lost one) but never shows keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Days after a survey invitation that reminders go, while there is no answer.
SURVEY_REMINDER_DAYS = env("SURVEY_REMINDER_DAYS") or "7,14"
IMPORT_INLINE_MAX_BYTES = int(env("IMPORT_INLINE_MAX_BYTES") or 512 * 1024)
# Resources: the largest file a resource in the library may carry (kept in the database).
RESOURCE_MAX_BYTES = int(env("RESOURCE_MAX_BYTES") or 10 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tiptracker.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    # Every operation documents its error answers (tiptracker/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "tiptracker.api.schema.ApiSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in as well as out: one body format to document and check (anything else is a 415).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "tiptracker.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TIP Tracker API",
    "DESCRIPTION": "Workforce, training and coverage for trauma-informed practice. Every endpoint is scoped to the partnerships the caller belongs to.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tiptracker.api.schema.what_requests_may_hold",
    ],
}

# Logs go to stderr, each line with the id of the request it was made in (ops/logs.py): one
# JSON object per line (LOG_FORMAT=json, the default in production, for a log collector) or
# plain text (the default elsewhere, for a person at a terminal).
LOG_FORMAT = env("LOG_FORMAT") or ("json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT: '{LOG_FORMAT}' is not a log format (use json or text)")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tiptracker.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "tiptracker.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL") or "WARNING"},
    # gunicorn's access log (ACCESS_LOG=1) in the same format, with the response's request id.
    "loggers": {"gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
