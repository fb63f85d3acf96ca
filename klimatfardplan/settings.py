"""Settings for Klimatfärdplan, driven by the environment (12-factor).

Every variable the app reads is declared in ``SCHEMA`` below with its type and default, and
mirrored in ``.env.example`` and the README. With nothing set the app runs the *embedded default*:
a SQLite file under ``var/`` and Celery tasks executed in-process, through the same task code.
``DJANGO_MODE=production`` switches on the hardening that ``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()  # lets admin.ModelAdmin[Model] and QuerySet[Model] work at run time

BASE_DIR = Path(__file__).resolve().parent.parent

SCHEMA: dict[str, tuple[type, Any]] = {
    "DJANGO_MODE": (str, "development"),  # development | production
    "DEBUG": (bool, None),  # default: True in development, False in production
    "SECRET_KEY": (str, ""),
    "ALLOWED_HOSTS": (list, ["localhost", "127.0.0.1", "[::1]", "testserver"]),
    "CSRF_TRUSTED_ORIGINS": (list, []),
    "DATABASE_URL": (str, ""),  # default: sqlite:///var/klimatfardplan.sqlite3
    "CONN_MAX_AGE": (int, 60),
    "CELERY_BROKER_URL": (str, ""),  # empty: run tasks in-process (embedded default)
    "CACHE_URL": (str, "locmemcache://"),
    "EMAIL_URL": (str, "consolemail://"),
    "DEFAULT_FROM_EMAIL": (str, "Umeå klimatfärdplan <klimatfardplan@umea.se>"),
    "VAR_DIR": (str, str(BASE_DIR / "var")),
    "SECURE_SSL_REDIRECT": (bool, True),  # production only; off when TLS ends elsewhere
    "SECURE_HSTS_SECONDS": (int, 31_536_000),
    "LOG_LEVEL": (str, "INFO"),
}

env = environ.Env(**SCHEMA)
if (BASE_DIR / ".env").exists():  # real environment variables win over the file
    env.read_env(str(BASE_DIR / ".env"))


def _config_error(variable: str, problem: str) -> SystemExit:
    """One clear line naming the variable, instead of a traceback from deep inside Django."""
    return SystemExit(f"Configuration error: {variable} {problem}")


_BOOLEANS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _read(variable: str) -> Any:
    if SCHEMA[variable][0] is bool and variable in env.ENVIRON:
        # django-environ reads any unknown word as False; a typo must not silently turn DEBUG off.
        raw = env.ENVIRON[variable].strip().lower()
        if raw not in _BOOLEANS:
            raise _config_error(variable, f"must be true or false, not {raw!r}.")
        return _BOOLEANS[raw]
    try:
        return env(variable)
    except (ValueError, TypeError, environ.ImproperlyConfigured) as exc:
        raise _config_error(variable, f"is malformed ({exc}).") from None


# Read every declared variable now, so a malformed one stops start-up whatever mode we run in.
for _variable in SCHEMA:
    _read(_variable)

MODE = _read("DJANGO_MODE")
if MODE not in ("development", "production"):
    raise _config_error("DJANGO_MODE", f"must be 'development' or 'production', not {MODE!r}.")
PRODUCTION = MODE == "production"

DEBUG = _read("DEBUG")
if DEBUG is None:
    DEBUG = not PRODUCTION

SECRET_KEY = _read("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise _config_error("SECRET_KEY", "must be set in production (50+ random characters).")
    SECRET_KEY = "dev-only-not-secret-" + "k" * 40

ALLOWED_HOSTS: list[str] = _read("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS: list[str] = _read("CSRF_TRUSTED_ORIGINS")

VAR_DIR = Path(_read("VAR_DIR"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"  # public uploads (logos)
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"  # declarations, survey evidence, reports: served by views
MEDIA_URL = "/media/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder before collectstatic
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

INSTALLED_APPS = [
    "accounts.apps.AccountsAdminConfig",  # replaces django.contrib.admin: the admin asks our policy
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "accounts",
    "roadmap",
    "partners",
    "activities",
    "surveys",
    "reporting",
    "spaces",
    "audit",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Default deny: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "klimatfardplan.urls"
WSGI_APPLICATION = "klimatfardplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

_database_url = _read("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'klimatfardplan.sqlite3'}"
if not _database_url.startswith(("postgres://", "postgresql://", "pgsql://", "sqlite://")):
    raise _config_error("DATABASE_URL", "must start with postgres:// or sqlite://.")
try:
    DATABASES = {"default": env.db_url_config(_database_url)}
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise _config_error("DATABASE_URL", f"is malformed ({exc}).") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions avoid "database is locked" upgrades under concurrent writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _read("CONN_MAX_AGE")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

try:
    CACHES = {"default": env.cache_url_config(_read("CACHE_URL"))}
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise _config_error("CACHE_URL", f"is malformed ({exc}).") from None

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's model backend for login; object rules live in accounts.policy.
    "accounts.backends.PolicyBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Files: public media through the default storage; private files get their own storage whose
# location is outside MEDIA_ROOT so that no URL maps to them (views stream them after a policy check).
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # the survey form has many fields

# Email: EMAIL_URL such as smtp+tls://user:password@smtp.example.org:587 (django-environ syntax).
try:
    vars().update(env.email_url_config(_read("EMAIL_URL")))
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise _config_error("EMAIL_URL", f"is malformed ({exc}).") from None
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = _read("CELERY_BROKER_URL")
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "memory://")):
    raise _config_error("CELERY_BROKER_URL", "must start with redis:// or rediss://.")
# Embedded default: no broker means tasks run in-process, synchronously, through the same code.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None  # job state lives in our own tables, not in Celery results
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent, so redelivery after a crash is safe
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker's task goes back to the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long PDF tasks: do not hoard work on one worker
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 300_000  # KiB; recycle on memory, not after N tasks
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# Redis re-delivers unacknowledged tasks after the visibility timeout; keep it above the time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Every minute: https://crontab.guru/#*_*_*_*_*
    "sweep-pending-emails": {"task": "outbox.tasks.sweep_pending_emails", "schedule": 60.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # absolute limit of a working day
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    # https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
    SECURE_SSL_REDIRECT = _read("SECURE_SSL_REDIRECT")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
    if not ALLOWED_HOSTS:
        raise _config_error("ALLOWED_HOSTS", "must list the host names the app is served on.")
