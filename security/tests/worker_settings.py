"""Settings for the Celery worker subprocesses of test_faults.py: the real settings with a short
Redis visibility timeout (so a killed worker's task comes back within seconds) and a mail
backend that can be slowed down and counts deliveries in files."""

from klimatfardplan.settings import *  # noqa: F403
from klimatfardplan.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "visibility_timeout": 5}
EMAIL_BACKEND = "security.tests.slow_mail.EmailBackend"
