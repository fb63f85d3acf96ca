"""The one Celery app, configured from Django settings (namespace CELERY_).

See https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klimatfardplan.settings")

app = Celery("klimatfardplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
