"""Benchmark settings: production-like (DEBUG off, cached templates) on a throw-away database
named after DATABASE_URL's (``<name>_bench``), created and dropped by ``python -m bench``."""

from klimatfardplan.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
DATABASES["default"]["TEST"] = {"NAME": f"{DATABASES['default']['NAME']}_bench"}  # noqa: F405
