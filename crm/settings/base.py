"""Settings shared by every environment. Values come from environment variables with safe defaults."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CRM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_filters",
    "django_tables2",
    "guardian",
    "csp",
    "axes",
    "django_celery_beat",
    "crm.apps.CoreConfig",
    "tiers.apps.TiersConfig",
    "parc.apps.ParcConfig",
    "ventes.apps.VentesConfig",
    "fidelite.apps.FideliteConfig",
    "synthese.apps.SyntheseConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crm.middleware.TenantScopeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

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
                "csp.context_processors.nonce",
                "crm.context_processors.tenancy",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL wins; without it an embedded PostgreSQL (pgserver) is started under var/pgdata.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
else:
    from crm.embedded_db import database_settings

    DATABASES = {"default": database_settings(VAR_DIR / "pgdata")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Row-level security (crm/rls.py): requests and tasks run as this role, which the tenant policies
# bind. In production DATABASE_URL logs in as it; where the login is the tables' owner (the
# embedded database, the test run), binding switches to it with SET LOCAL ROLE. Migrations run as
# the owner: DATABASE_MIGRATE_URL when set (crm/management/commands/migrate.py).
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "crm360_app")
DATABASE_MIGRATE_URL = os.environ.get("DATABASE_MIGRATE_URL", "")
# JIT compilation costs 1-2 s on list queries over 100k rows and never pays back for OLTP queries.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "crm360_test")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and rights ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "crm.rights.MembershipBackend",
    "crm.rights.MembershipObjectBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
GUARDIAN_ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Celery ---------------------------------------------------------------------------------------
# REDIS_URL set: tasks go to the Celery workers. Unset: they run in-process (eagerly).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "crm360")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Default schedules; django-celery-beat copies them into the database, where admins can change them.
CELERY_BEAT_SCHEDULE = {
    "exports-purge-daily": {"task": "crm.exports_purge", "schedule": crontab(hour=3, minute=15)},
    "signatures-expire-daily": {"task": "tiers.signatures_expire", "schedule": crontab(hour=3, minute=30)},
    # The VMM of the month just ended, for every tenant; chunks whose worker died are queued again.
    "vmm-monthly": {"task": "parc.vmm_monthly", "schedule": crontab(day_of_month=1, hour=2, minute=0)},
    "vmm-sweep": {"task": "parc.vmm_sweep", "schedule": crontab(minute="*/5")},
    # Loyalty points past their expiry month (idempotent: one "expired" entry per account and month).
    "loyalty-expire-monthly": {
        "task": "fidelite.points_expire_monthly",
        "schedule": crontab(day_of_month=1, hour=1, minute=30),
    },
}

# --- Exports --------------------------------------------------------------------------------------
EXPORT_EXPIRY_DAYS = 7

# --- Synthèse: map and portals ---------------------------------------------------------------------
# Tile server of the synthèse's map ({z}/{x}/{y} template, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png); empty: a plain background with the pin.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap")
# Customer portals shown in the synthèse header: (label, URL template with {code} and {pk}); none.
SYNTHESE_PORTAL_LINKS: list[tuple[str, str]] = []


def _origin(url: str) -> str | None:
    """The CSP source of a tile URL template (``{s}.tile.example`` → ``*.tile.example``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "s"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = "*" + parts.netloc[1:] if url.split("//", 1)[-1].startswith("{s}") else parts.netloc
    return f"{parts.scheme}://{host}"


# --- Security headers (the same in every settings module) ------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [_origin(MAP_TILE_URL)])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Our MembershipObjectBackend is guardian's backend, gated by the membership role.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]

# --- Tiers: geocoder of the sites ("Vérifier l'adresse"; tiers/geocoding.py) ---------------------
# Backend: "" (not configured: the action answers with a French message) or "ban" (the French
# national address API, Base Adresse Nationale). GEOCODER_URL is the API's root, without /search/.
GEOCODER_BACKEND = os.environ.get("GEOCODER_BACKEND", "")
GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://api-adresse.data.gouv.fr")
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "5"))
# Below this BAN score (0 to 1) the answer is too uncertain to be written on the site.
GEOCODER_MIN_SCORE = float(os.environ.get("GEOCODER_MIN_SCORE", "0.5"))
# --- End of tiers geocoder settings ---------------------------------------------------------------
# --- Tiers: company registry (SIRENE autofill; tiers/sirene.py) ------------------------------------
# Backend: "" (not configured: the lookups answer with a French message) or "insee" (INSEE's API
# Sirene 3.11). SIRENE_TOKEN is the API key of the application subscribed on portail-api.insee.fr,
# sent as the X-INSEE-Api-Key-Integration header.
SIRENE_BACKEND = os.environ.get("SIRENE_BACKEND", "")
SIRENE_BASE_URL = os.environ.get("SIRENE_BASE_URL", "https://api.insee.fr/api-sirene/3.11")
SIRENE_TOKEN = os.environ.get("SIRENE_TOKEN", "")
SIRENE_TIMEOUT = float(os.environ.get("SIRENE_TIMEOUT", "5"))
# --- End of tiers SIRENE settings -----------------------------------------------------------------

# --- Vault (customer secrets, tiers/vault.py) ------------------------------------------------------
# VAULT_KEYS: comma-separated Fernet keys, newest first. Secrets are encrypted with the first key
# and read with any; `manage.py rotate_vault_key` re-encrypts every secret with the first key.
# Without it, a key is derived from SECRET_KEY (fine for development; set it in production).
VAULT_KEYS = env_list("VAULT_KEYS", "")

# --- Tiers: the customer's shared records (documents, e-signatures) --------------------------------
# Largest uploaded document, in bytes; the type is checked by content (tiers/files.py).
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
# E-signature provider (tiers/signing.py): "" (not configured: a French message) or "local" (the
# in-app signing page reached by a token link). A request expires after SIGNATURE_EXPIRY_DAYS.
SIGNATURE_BACKEND = os.environ.get("SIGNATURE_BACKEND", "")
SIGNATURE_EXPIRY_DAYS = int(os.environ.get("SIGNATURE_EXPIRY_DAYS", "14"))
# Uploads: a file larger than ATTACHMENT_MAX_BYTES is dropped while it is received, never stored
# whole (tiers/files.py); below FILE_UPLOAD_MAX_MEMORY_SIZE a file stays in memory, above it goes
# to a temporary file; the other fields of a request are capped by DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_HANDLERS = [
    "tiers.files.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440))  # 2.5 MiB
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440))  # 2.5 MiB
