"""Test settings: the real settings with a fast hasher and captured mail.

The database and the broker still come from the environment, so CI runs the same suite on
PostgreSQL and Redis while a laptop runs it on SQLite.
"""

from .settings import *  # noqa: F403
from .settings import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; tests/test_celery_worker.py drives a real worker instead.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
TASKS_IN_BACKGROUND_THREAD = False  # inline, so a test sees a task's effect when its request ends
STORAGES = {**STORAGES}  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "test-media"
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"
STORAGES["default"] = {
    **STORAGES["default"],
    "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/media/"},
}
STORAGES["private"] = {
    **STORAGES["private"],
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
}
