"""System checks for mail: without SITE_URL, production mails would link to a guessed host."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

logger = logging.getLogger("outbox")

SITE_URL_MISSING = (
    "SITE_URL is not set: links in mails (survey reminders, invitations, space notifications) "
    "fall back to https://<first of ALLOWED_HOSTS>."
)
SITE_URL_HINT = "Set SITE_URL to the address people open, e.g. https://klimatfardplan.umea.se."


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``manage.py check --deploy``: SITE_URL must be set, and over https."""
    site_url = str(getattr(settings, "SITE_URL", "") or "")
    if not site_url:
        return [CheckWarning(SITE_URL_MISSING, hint=SITE_URL_HINT, id="outbox.W001")]
    if not site_url.startswith("https://"):
        return [
            CheckWarning(
                f"SITE_URL ({site_url}) is not https: links in mails would go over plain HTTP.",
                hint=SITE_URL_HINT,
                id="outbox.W002",
            )
        ]
    return []


def warn_at_start_up() -> None:
    """One log line when a production process starts without SITE_URL (AppConfig.ready)."""
    if getattr(settings, "PRODUCTION", False) and not getattr(settings, "SITE_URL", ""):
        logger.warning("%s %s", SITE_URL_MISSING, SITE_URL_HINT)
