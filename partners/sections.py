"""The registry of sections on an organisation's page.

Each entry of ``ORGANISATION_SECTIONS`` is the dotted path of a function
``(organisation, user) -> dict | None``. A function returns ``None`` when it has nothing to show
to this user, or ``{"title": ..., "template": ..., "context": {...}}``; the partner page renders
each returned section inside a ``<section>`` with
``{% include section.template with organisation=organisation section=section data=section.context %}``
so a section template reads its values as ``{{ data.some_key }}`` (and ``{{ section.title }}``).
The page's h1 is the organisation's name and each section template should start with an ``h2``.

Other apps (activities, surveys, reports) append their own entries, e.g. in ``AppConfig.ready``::

    from partners.sections import ORGANISATION_SECTIONS
    ORGANISATION_SECTIONS.append("activities.sections.organisation_activities")

A path that cannot be imported, or a function that is not callable, is logged and skipped, so a
half-built app never breaks the partner page. Errors *inside* a section function are not
swallowed: they are bugs that tests should see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from partners.models import Organisation

logger = logging.getLogger(__name__)

SectionFunction = Callable[["Organisation", Any], "dict[str, Any] | None"]

ORGANISATION_SECTIONS: list[str] = []

# A function ``(organisation) -> bool`` telling whether the organisation attended an intro
# meeting (activities app, issue 4). The onboarding checklist shows "not recorded" when absent.
INTRO_MEETING_CHECK = "activities.selectors.attended_intro_meeting"


def _load(path: str) -> SectionFunction | None:
    try:
        function = import_string(path)
    except ImportError:
        logger.warning("Organisation section %s cannot be imported; skipped.", path)
        return None
    if not callable(function):
        logger.warning("Organisation section %s is not callable; skipped.", path)
        return None
    return function  # type: ignore[no-any-return]


def sections_for(organisation: Organisation, user: Any) -> list[dict[str, Any]]:
    """The extra sections to show on ``organisation``'s page to ``user``, in registry order."""
    sections: list[dict[str, Any]] = []
    for path in ORGANISATION_SECTIONS:
        function = _load(path)
        if function is None:
            continue
        section = function(organisation, user)
        if section and section.get("template"):
            section.setdefault("context", {})
            section.setdefault("title", "")
            sections.append(section)
    return sections


def attended_intro_meeting(organisation: Organisation) -> bool | None:
    """True/False from the activities app, or None while it does not provide the check."""
    function = _load(INTRO_MEETING_CHECK)
    if function is None:
        return None
    return bool(function(organisation))  # type: ignore[call-arg]
