"""Settings for Klimatfärdplan, driven by the environment (12-factor).

Every variable the app reads is declared in ``SCHEMA`` below with its type and default, and
mirrored in ``.env.example`` and the README. With nothing set the app runs the *embedded default*:
a SQLite file under ``var/`` and Celery tasks executed in-process, through the same task code.
``DJANGO_MODE=production`` switches on the hardening that ``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
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
    "TRUSTED_PROXY_COUNT": (int, None),  # default: 0 in development, 1 in production
    "SITE_URL": (
        str,
        "",
    ),  # base of links in mails, e.g. https://klimatfardplan.umea.se (dev: 127.0.0.1:8000)
    "LOCALE_DIR": (
        str,
        str(BASE_DIR / "locale"),
    ),  # tests extract into a copy to check it is current
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
# Widgets render through the project's template engine, so a widget's template can live with the
# other shared components (templates/components/widgets/, see klimatfardplan/choices.py).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

INSTALLED_APPS = [
    "accounts.apps.AccountsAdminConfig",  # replaces django.contrib.admin: the admin asks our policy
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",  # issue 7: two-factor login (TOTP) for office staff and the admin site
    "django_otp.plugins.otp_totp",
    "axes",  # issue 7: lockout after repeated login failures
    "accounts",
    "roadmap",
    "partners",
    "activities",
    "surveys",
    "reporting",
    "spaces",
    "audit",
    "outbox",
    "security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # issue 7: Content-Security-Policy on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "klimatfardplan.middleware.SwedishFirstLocaleMiddleware",  # Swedish unless English is chosen
    "django.middleware.common.CommonMiddleware",
    # Issue 15: 413 for an oversized upload, judged from Content-Length before CSRF reads the body.
    "klimatfardplan.middleware.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # issue 7: request.user.is_verified()
    # Default deny: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Issue 7: session idle/absolute lifetime, TOTP for office staff, no caching, audit actor.
    "security.middleware.SessionLifetimeMiddleware",
    "security.middleware.TwoFactorRequiredMiddleware",
    "security.middleware.NoStoreMiddleware",
    "audit.middleware.ActingUserMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
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
            "libraries": {
                "numbers": "klimatfardplan.number_tags",  # issue 17: one way to write numbers
            },
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
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Issue 19: a Redis outage is a cache miss, never a 500 (Django's own backend raises), and a
    # Redis that hangs answers within a second. Sessions and lockouts live in the database.
    CACHES["default"]["BACKEND"] = "klimatfardplan.cache.TolerantRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
    )

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Issue 7: django-axes first, so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
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
LOCALE_PATHS = [Path(_read("LOCALE_DIR"))]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Spaces (issue 15, point 8): the "stop these mails" link in a space's mail works this many days
# after the mail was sent; after that the page asks the reader to log in and change the setting.
SPACES_UNSUBSCRIBE_LINK_DAYS = 60

# Activities (issue 4): a planned or ongoing activity without a status update for this many days is
# flagged "not updated" on the dashboard, separately from its follow-up signal.
ACTIVITY_STALE_DAYS = 60

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
# Issue 15, point 6: the one upload limit. No form accepts a file above UPLOAD_MAX_FILE_BYTES (the
# partner import takes less); a request may carry one such file plus the form's other fields. A
# larger Content-Length is refused with 413 before the body is read (klimatfardplan.uploads), and
# the reverse proxy is given the same request limit (README: client_max_body_size 11m).
UPLOAD_MAX_FILE_BYTES = 10 * 1024 * 1024
UPLOAD_MAX_REQUEST_BYTES = UPLOAD_MAX_FILE_BYTES + 1024 * 1024
SPACES_MAX_FILE_BYTES = UPLOAD_MAX_FILE_BYTES  # post attachments (spaces.files)
PARTNERS_DECLARATION_MAX_BYTES = UPLOAD_MAX_FILE_BYTES  # signed declarations (partners.validators)
FILE_UPLOAD_HANDLERS = [
    "klimatfardplan.uploads.RequestSizeLimitHandler",  # first: judges Content-Length, reads nothing
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # the survey form has many fields

# Email: EMAIL_URL such as smtp+tls://user:password@smtp.example.org:587 (django-environ syntax).
try:
    vars().update(env.email_url_config(_read("EMAIL_URL")))
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise _config_error("EMAIL_URL", f"is malformed ({exc}).") from None
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL")
# Links in mails must be absolute, and a request's Host header must never decide where a password
# link points: mails take their base from here (outbox.mail.site_url). Production warns when it is
# missing (outbox.checks, `check --deploy`, and a log line at start-up).
SITE_URL = _read("SITE_URL").rstrip("/") or ("" if PRODUCTION else "http://127.0.0.1:8000")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise _config_error("SITE_URL", f"must start with https:// (or http://), not {SITE_URL!r}.")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = _read("CELERY_BROKER_URL")
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "memory://")):
    raise _config_error("CELERY_BROKER_URL", "must start with redis:// or rediss://.")
# Embedded default: no broker means tasks run in-process, synchronously, through the same code.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# ... and a task published by a web request runs in a background thread after the response
# starts, so no request waits for a report (issue 20 point 6; klimatfardplan/queue.py).
TASKS_IN_BACKGROUND_THREAD = CELERY_TASK_ALWAYS_EAGER
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
    # Reports (issue 6, issue 20 point 6), every 20 s: publish report jobs saved while Redis was
    # down or lost from it, and re-run jobs whose worker's 30 s lease expired (within a minute).
    "sweep-report-jobs": {"task": "reporting.tasks.sweep_report_jobs", "schedule": 20.0},
    # Surveys (issue 5): reminders before the deadline, daily 08:00: https://crontab.guru/#0_8_*_*_*
    "survey-reminders": {
        "task": "surveys.tasks.send_survey_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
    # Follow-up figures, every 10 min (they expire after 15): recomputed by a worker before a
    # reader would have to wait for them. https://crontab.guru/#*/10_*_*_*_*
    "warm-followup-figures": {
        "task": "surveys.tasks.warm_followup_figures",
        "schedule": crontab(minute="*/10"),
    },
    # Spaces (issue 8): weekly digests, Mondays 07:00: https://crontab.guru/#0_7_*_*_1
    "spaces-weekly-digests": {
        "task": "spaces.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
    # Spaces for new groupings and working groups, every 10 min: https://crontab.guru/#*/10_*_*_*_*
    "spaces-ensure-spaces": {
        "task": "spaces.tasks.ensure_spaces",
        "schedule": crontab(minute="*/10"),
    },
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
        # Issue 7: django-axes logs every reset at INFO; our security.auth logger records logins.
        "axes": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # absolute limit of a working day
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Issue 7: login security and headers (see ../shared/security.md SEC-2, SEC-7, SEC-8, SEC-10).
SESSION_IDLE_TIMEOUT = 30 * 60  # seconds without a request before the session ends (NIST AAL2)
SESSION_ABSOLUTE_TIMEOUT = SESSION_COOKIE_AGE  # seconds after login, whatever the activity
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)  # never None: a permanent lock lets anyone lock out staff
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.lockout.lockout_response"
# Reverse proxies in front of the app whose X-Forwarded-For entries are believed (0: the header
# is ignored, it is the client's own text). The client address of the lockout and of the reset
# limit comes from security.client_ip, since django-ipware (which the AXES_IPWARE_* settings
# configure) is not installed.
_trusted_proxies = _read("TRUSTED_PROXY_COUNT")
TRUSTED_PROXY_COUNT: int = (
    (1 if PRODUCTION else 0) if _trusted_proxies is None else _trusted_proxies
)
if TRUSTED_PROXY_COUNT < 0:
    raise _config_error("TRUSTED_PROXY_COUNT", "must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "security.client_ip.client_ip"
OTP_TOTP_ISSUER = "Umeå klimatfärdplan"
# The admin never shows a TOTP device's key or QR code: whoever sees it holds that second factor
# (and django-otp's config/qrcode admin views answered 500 for an unknown id).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# https://django-csp.readthedocs.io/en/latest/configuration.html (django-csp 4: dict based).
# No inline script or style anywhere: templates load static/js and static/css only.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
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
    # Issue 7: __Host- cookies are bound to this host, HTTPS and path / (ASVS 3.3.3).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if not ALLOWED_HOSTS:
        raise _config_error("ALLOWED_HOSTS", "must list the host names the app is served on.")
