"""The main navigation. Each entry names the policy action that shows it, so every role sees
exactly the pages it may open. Apps add their entries here (one list, one order)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.policy import AnyUser


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: str


NAVIGATION: list[NavItem] = [
    NavItem(_("Översikt"), "home", "home.view"),
    NavItem(_("Partner"), "partners:organisation_list", "partners.list_organisations"),
    NavItem(_("Min organisation"), "partners:my_organisations", "partners.view_own"),
    NavItem(_("Åtaganden"), "partners:commitment_matrix", "partners.view_matrix"),
    NavItem(_("Grupperingar"), "partners:grouping_list", "partners.view_groupings"),
    NavItem(_("Aktiviteter"), "activities:activity_list", "activities.list"),
    NavItem(_("Dashboard"), "activities:dashboard", "activities.view_dashboard"),
    NavItem(_("Träffar"), "activities:meeting_list", "activities.list_meetings"),
    NavItem(_("Rum"), "spaces:space_list", "spaces.list"),
    NavItem(_("Enkät"), "surveys:my_responses", "surveys.respond"),
    NavItem(_("Enkätomgångar"), "surveys:round_list", "surveys.manage"),
    NavItem(_("Uppföljning"), "surveys:followup", "surveys.view_followup"),
    NavItem(_("Rapporter"), "reporting:report_list", "reporting.list"),
    NavItem(_("Klimatfärdplanen"), "roadmap:challenge_list", "roadmap.view"),
    NavItem(_("Personuppgifter"), "audit:contact_list", "gdpr.manage"),  # issue 7: GDPR
    NavItem(_("Administration"), "admin:index", "admin.access"),
]


@cache
def _entries(urlconf: str | None, prefix: str) -> tuple[tuple[NavItem, str], ...]:
    """Every buildable entry with its URL: reversed once per URL configuration and script prefix,
    not on every page (the navigation is on every page, and reverse() is not cheap)."""
    entries = []
    for item in NAVIGATION:
        if item.action not in policy.RULES:
            continue  # the app that owns this entry is not built yet
        try:
            entries.append((item, reverse(item.url_name, urlconf=urlconf)))
        except NoReverseMatch:
            continue
    return tuple(entries)


def items_for(user: AnyUser, current_path: str = "") -> list[dict[str, object]]:
    """The entries this user may open, with their URLs and whether one is the current page."""
    result: list[dict[str, object]] = []
    entries = _entries(get_urlconf(), get_script_prefix())
    home = entries[0][1]
    for item, url in entries:
        if not policy.can(user, item.action):
            continue
        active = current_path == url if url == home else current_path.startswith(url)
        result.append({"label": str(item.label), "url": url, "active": active})
    return result
