"""All kaderasi settings, read from the environment (see .env.example for every variable)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = BASE_DIR / "kaderasi"
DATA_DIR = Path(os.environ.get("KADERASI_DATA_DIR") or Path.cwd() / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "kaderasi.core.apps.KaderasiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "template_partials",
    "auditlog",
    "kaderasi.core",
    "kaderasi.regions",
    "kaderasi.accounts",
    "kaderasi.programmes",
    "kaderasi.cadres",
    "kaderasi.training",
    "kaderasi.care",
    "kaderasi.evaluation",
    "kaderasi.interop",
    "kaderasi.reports",
    "kaderasi.reminders",
    "kaderasi.sync",
    "kaderasi.privacy",
    "kaderasi.worker",
    "kaderasi.api",
    "kaderasi.offline",
    "kaderasi.web",
    "kaderasi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for pages and JSON, with Django's BREACH padding (kaderasi/web/compression.py).
    "kaderasi.web.compression.PageCompressionMiddleware",
    # ETag on pages, 304 when the phone's copy is current (kaderasi/core/conditional.py); inside
    # the compression (it digests the page as written) and outside everything that writes it.
    "kaderasi.core.conditional.PageETagMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'kaderasi.sqlite3'}",
        # A persistent connection spares every request (a phone's push) a new connection; it is
        # checked before reuse, so a restarted database server costs one failed ping, no error.
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer commits; the busy timeout makes a second writer wait
    # instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": envint("SQLITE_BUSY_TIMEOUT_SECONDS", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "id")
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("KADERASI_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "kaderasi"),
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kaderasi <noreply@localhost>")

# Security: production defaults; plain HTTP only when DEBUG is on or explicitly allowed.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = envlist("SILENCED_SYSTEM_CHECKS", "")

# Health data: the audit log masks identity numbers, and application logs never carry names,
# NIK or phone numbers (logs record public ids only).
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
# The audit log keeps an identifier's last four characters only (NIK, phone numbers).
AUDITLOG_MASK_CALLABLE = "kaderasi.core.field_crypto.mask"
# NIK and phone numbers are encrypted at rest with these Fernet keys (comma-separated, newest first;
# `kaderasi rotate-keys --new-key` makes one). The default is a published development key:
# `check --deploy` warns while it is in use (docs/privacy.md).
KADERASI_FIELD_KEYS = envlist("KADERASI_FIELD_KEYS", "a2FkZXJhc2ktZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWM=")

KADERASI_DEFAULT_PHONE_REGION = os.environ.get("KADERASI_DEFAULT_PHONE_REGION", "ID")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The login throttle: failures and lockouts (usernames and addresses masked), not every
        # routine step.
        "axes": {"level": "WARNING"},
        "matplotlib": {"level": "WARNING"},
    },
}

# --- Reminders (kaderasi.reminders): message channels, retries and the background worker ---
INSTALLED_APPS += ["django_tasks"]
# console (development), file ($KADERASI_DATA_DIR/outbox.jsonl), email, sms-http, whatsapp,
# or the dotted path of a kaderasi.reminders.channels.MessageChannel subclass. Unset: console in
# development, file otherwise (the console prints to logs; `check --deploy` warns about it).
KADERASI_MESSAGE_BACKEND = os.environ.get("KADERASI_MESSAGE_BACKEND") or (
    "console" if DEBUG else "file"
)
KADERASI_OUTBOX_PATH = Path(os.environ.get("KADERASI_OUTBOX_PATH") or DATA_DIR / "outbox.jsonl")
KADERASI_REMINDER_MAX_ATTEMPTS = envint("KADERASI_REMINDER_MAX_ATTEMPTS", 5)
KADERASI_REMINDER_RETRY_SECONDS = envint("KADERASI_REMINDER_RETRY_SECONDS", 60)
KADERASI_REMINDER_RETRY_MAX_SECONDS = envint("KADERASI_REMINDER_RETRY_MAX_SECONDS", 3600)
KADERASI_REMINDER_CLAIM_LEASE_SECONDS = envint("KADERASI_REMINDER_CLAIM_LEASE_SECONDS", 300)
KADERASI_REMINDER_CLAIM_BATCH = envint("KADERASI_REMINDER_CLAIM_BATCH", 20)
KADERASI_SMS_HTTP_URL = os.environ.get("KADERASI_SMS_HTTP_URL", "")
KADERASI_SMS_HTTP_STATUS_URL = os.environ.get("KADERASI_SMS_HTTP_STATUS_URL", "")
KADERASI_SMS_HTTP_USERNAME = os.environ.get("KADERASI_SMS_HTTP_USERNAME", "")
KADERASI_SMS_HTTP_PASSWORD = os.environ.get("KADERASI_SMS_HTTP_PASSWORD", "")
KADERASI_SMS_HTTP_TOKEN = os.environ.get("KADERASI_SMS_HTTP_TOKEN", "")
KADERASI_SMS_HTTP_SENDER = os.environ.get("KADERASI_SMS_HTTP_SENDER", "")
KADERASI_SMS_HTTP_IDEMPOTENT = envbool("KADERASI_SMS_HTTP_IDEMPOTENT", False)
KADERASI_SMS_HTTP_TIMEOUT_SECONDS = envint("KADERASI_SMS_HTTP_TIMEOUT_SECONDS", 10)
KADERASI_SMS_HTTP_INBOUND_SECRET = os.environ.get("KADERASI_SMS_HTTP_INBOUND_SECRET", "")
KADERASI_WHATSAPP_API_URL = os.environ.get(
    "KADERASI_WHATSAPP_API_URL", "https://graph.facebook.com/v21.0"
)
KADERASI_WHATSAPP_PHONE_NUMBER_ID = os.environ.get("KADERASI_WHATSAPP_PHONE_NUMBER_ID", "")
KADERASI_WHATSAPP_TOKEN = os.environ.get("KADERASI_WHATSAPP_TOKEN", "")
KADERASI_WHATSAPP_APP_SECRET = os.environ.get("KADERASI_WHATSAPP_APP_SECRET", "")
KADERASI_WHATSAPP_VERIFY_TOKEN = os.environ.get("KADERASI_WHATSAPP_VERIFY_TOKEN", "")
KADERASI_WHATSAPP_TIMEOUT_SECONDS = envint("KADERASI_WHATSAPP_TIMEOUT_SECONDS", 10)
# Background work: django-tasks' API on a Huey queue, stored in SQLite under the data directory,
# or in Redis when HUEY_URL=redis://… (several workers on several machines).
HUEY = {
    "name": os.environ.get("HUEY_NAME", "kaderasi"),
    "url": os.environ.get("HUEY_URL", ""),
    "filename": str(DATA_DIR / "huey.sqlite3"),
    "immediate": envbool("HUEY_IMMEDIATE", False),
}
# --- SATUSEHAT (interop/satusehat: FHIR resources sent by the worker; docs/fhir.md) ---
# Off unless enabled; illustrative (demo) programmes are never sent.
KADERASI_SATUSEHAT_ENABLED = envbool("KADERASI_SATUSEHAT_ENABLED", False)
KADERASI_SATUSEHAT_AUTH_URL = os.environ.get("KADERASI_SATUSEHAT_AUTH_URL", "")
KADERASI_SATUSEHAT_BASE_URL = os.environ.get("KADERASI_SATUSEHAT_BASE_URL", "")
KADERASI_SATUSEHAT_CLIENT_ID = os.environ.get("KADERASI_SATUSEHAT_CLIENT_ID", "")
KADERASI_SATUSEHAT_CLIENT_SECRET = os.environ.get("KADERASI_SATUSEHAT_CLIENT_SECRET", "")
KADERASI_SATUSEHAT_TIMEOUT_SECONDS = envint("KADERASI_SATUSEHAT_TIMEOUT_SECONDS", 20)
KADERASI_SATUSEHAT_MAX_ATTEMPTS = envint("KADERASI_SATUSEHAT_MAX_ATTEMPTS", 5)
KADERASI_SATUSEHAT_RETRY_SECONDS = envint("KADERASI_SATUSEHAT_RETRY_SECONDS", 60)
KADERASI_SATUSEHAT_CLAIM_LEASE_SECONDS = envint("KADERASI_SATUSEHAT_CLAIM_LEASE_SECONDS", 300)
KADERASI_SATUSEHAT_CLAIM_BATCH = envint("KADERASI_SATUSEHAT_CLAIM_BATCH", 50)
TASKS = {"default": {"BACKEND": "kaderasi.worker.task_backend.HueyTaskBackend"}}
# Long tasks (report exports) stamp their row every KADERASI_TASK_HEARTBEAT_SECONDS; a row whose
# stamp is older than KADERASI_TASK_STALE_SECONDS lost its worker and is queued again (once) or
# failed, when a worker starts and every minute (kaderasi/core/heartbeats.py).
KADERASI_TASK_HEARTBEAT_SECONDS = envint("KADERASI_TASK_HEARTBEAT_SECONDS", 10)
KADERASI_TASK_STALE_SECONDS = envint("KADERASI_TASK_STALE_SECONDS", 30)
# A web import (decision 0160) writes its heartbeat and counts more often, for its progress page.
KADERASI_IMPORT_PROGRESS_SECONDS = envint("KADERASI_IMPORT_PROGRESS_SECONDS", 2)
# --- api and offline (the sync API and the cadre's offline app) ---
# ninja in INSTALLED_APPS makes /api/v1/docs load Swagger UI from ninja's own static files (no CDN).
INSTALLED_APPS.append("ninja")
# Device tokens for the phone app: how long one lives.
KADERASI_API_TOKEN_DAYS = envint("KADERASI_API_TOKEN_DAYS", 90)
# --- the login throttle (kaderasi/accounts/login_throttle.py): one for the web login (where
# the admin login sends) and POST /api/v1/auth/token; django-axes counts failures in the
# database per username and client address together. After KADERASI_LOGIN_MAX_FAILURES wrong
# passwords that pair waits KADERASI_LOGIN_COOLOFF_SECONDS; each further
# KADERASI_LOGIN_MAX_FAILURES failures double the wait up to KADERASI_LOGIN_COOLOFF_MAX_SECONDS;
# a quiet KADERASI_LOGIN_FORGET_SECONDS forgets them.
INSTALLED_APPS.append("axes")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Permissions-Policy everywhere; Cache-Control: no-store on logged-in pages, downloads and the API.
MIDDLEWARE.append("kaderasi.web.security_headers.SecurityHeadersMiddleware")
# Content-Security-Policy (django-csp): scripts and style sheets from kaderasi itself, and inline
# ones only with the response's nonce (`request.csp_nonce`; htmx gets it for its indicator
# styles). Style attributes stay allowed (`style-src-attr`): a bar's width is one; they cannot run
# script. No frames, no plugins, no form posting elsewhere. See docs/security.md.
MIDDLEWARE.append("csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "media-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
}
# How many NIK or phone numbers one user may check against the registered mothers in an hour
# (registering a mother checks for a duplicate; kaderasi/accounts/lookup_limits.py).
KADERASI_IDENTITY_LOOKUPS_PER_HOUR = envint("KADERASI_IDENTITY_LOOKUPS_PER_HOUR", 30)
# Two-factor sign-in (TOTP, django-otp; kaderasi/accounts/two_factor.py): administrators and
# coordinators may turn it on; with KADERASI_TWO_FACTOR_REQUIRED they must.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "kaderasi.accounts.two_factor.TwoFactorGate",
)
KADERASI_TWO_FACTOR_REQUIRED = envbool("KADERASI_TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = "kaderasi"
KADERASI_LOGIN_MAX_FAILURES = envint("KADERASI_LOGIN_MAX_FAILURES", 5)
KADERASI_LOGIN_COOLOFF_SECONDS = envint("KADERASI_LOGIN_COOLOFF_SECONDS", 60)
KADERASI_LOGIN_COOLOFF_MAX_SECONDS = envint("KADERASI_LOGIN_COOLOFF_MAX_SECONDS", 30 * 60)
KADERASI_LOGIN_FORGET_SECONDS = envint("KADERASI_LOGIN_FORGET_SECONDS", 24 * 3600)
AXES_HANDLER = "kaderasi.accounts.login_throttle.ThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "kaderasi.accounts.login_throttle.failure_limit"
AXES_COOLOFF_TIME = "kaderasi.accounts.login_throttle.cool_off"
AXES_LOCKOUT_CALLABLE = "kaderasi.accounts.login_throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The client address is the connection's: a header a client can write would let it choose its
# own address. Behind a reverse proxy, name the header the proxy sets (e.g. HTTP_X_REAL_IP).
KADERASI_CLIENT_IP_HEADER = os.environ.get("KADERASI_CLIENT_IP_HEADER", "REMOTE_ADDR")
AXES_CLIENT_IP_CALLABLE = "kaderasi.accounts.login_throttle.client_address"
# No table of every successful login (names and addresses kept for ever): auditlog keeps changes.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Sync: records per push, mothers per pull page, and how far back each pull looks again so a
# change saved by a transaction that committed late (or on a host whose clock lags) is not missed.
KADERASI_SYNC_MAX_RECORDS = envint("KADERASI_SYNC_MAX_RECORDS", 500)
# Limits of a programme import, checked while the file is read (interop/workbook.py): rows of all
# sheets together, and what an .xlsx file may unpack to (a zip bomb is refused from its directory).
KADERASI_IMPORT_MAX_ROWS = envint("KADERASI_IMPORT_MAX_ROWS", 200_000)
KADERASI_IMPORT_MAX_UNCOMPRESSED_MB = envint("KADERASI_IMPORT_MAX_UNCOMPRESSED_MB", 200)
# How far in the future a record's time may lie (a phone's clock runs fast), on every interface.
KADERASI_CLOCK_TOLERANCE_MINUTES = envint("KADERASI_CLOCK_TOLERANCE_MINUTES", 5)
KADERASI_SYNC_PAGE_MOTHERS = envint("KADERASI_SYNC_PAGE_MOTHERS", 200)
KADERASI_SYNC_OVERLAP_SECONDS = envint("KADERASI_SYNC_OVERLAP_SECONDS", 120)
# Training (kaderasi.training): the largest training video a coordinator may upload. Phones on
# village data plans stream it with HTTP range requests; keep videos short and compressed.
KADERASI_TRAINING_VIDEO_MAX_MB = envint("KADERASI_TRAINING_VIDEO_MAX_MB", 300)
# --- Reports: the day-specific milk-volume references come from the evaluation app's table ---
KADERASI_REFERENCE_RANGES = (
    os.environ.get("KADERASI_REFERENCE_RANGES") or "kaderasi.evaluation.selectors.reference_ranges"
)
