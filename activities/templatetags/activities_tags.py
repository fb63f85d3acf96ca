"""Badges of the activities app as simple tags.

They render the same markup as ``activities/_signal_badge.html`` and
``components/_status_badge.html``, but without a template render per call: the activity list
shows three badges on each of its 25 rows, and 75 includes cost more than the rest of the page
(each include copies the whole template context)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from activities.models import Signal

register = template.Library()

_SIGNAL_MARK = {Signal.ON_TRACK: "●", Signal.AT_RISK: "▲", Signal.LATE: "■"}


@register.simple_tag
def signal_badge(signal: str | None, overridden: object = False) -> SafeString:
    """The follow-up signal as text with a shape, so it never relies on colour alone."""
    if not signal:
        return format_html('<span class="text-muted">{}</span>', _("Följs inte upp"))
    value = Signal(signal)
    manual = (
        format_html(' <span class="kf-signal-manual">({})</span>', _("manuell"))
        if overridden
        else ""
    )
    return format_html(
        '<span class="badge kf-signal kf-signal-{}"><span aria-hidden="true">{}</span> {}{}</span>',
        value.value,
        _SIGNAL_MARK[value],
        value.label,
        manual,
    )


@register.simple_tag
def stale_badge(stale: object) -> SafeString:
    if not stale:
        return SafeString("")
    return format_html('<span class="badge kf-stale">{}</span>', _("Ej uppdaterad"))


@register.simple_tag
def status_badge(status: str, label: str) -> SafeString:
    """Same markup as components/_status_badge.html."""
    return format_html('<span class="badge kf-status kf-status-{}">{}</span>', status, label)


@register.simple_tag
def select_options(bound_field: object) -> SafeString:
    """The ``<option>`` elements of a filter form's choice field, built in Python: the
    organisation filter has 200+ options, and a template loop with an ``{% if %}`` per option
    costs more than the rest of the list page."""
    field = bound_field.field  # type: ignore[attr-defined]
    current = bound_field.value()  # type: ignore[attr-defined]
    current = "" if current is None else str(current)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, SafeString(" selected") if str(value) == current else "", label)
            for value, label in field.choices
        ),
    )
