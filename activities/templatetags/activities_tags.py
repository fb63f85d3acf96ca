"""Badges of the activities app as simple tags.

They render the same markup as ``activities/_signal_badge.html`` and
``components/_status_badge.html``, but without a template render per call: the activity list
shows three badges on each of its 25 rows, and 75 includes cost more than the rest of the page
(each include copies the whole template context)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from activities.models import Activity, Lifecycle, Signal
from klimatfardplan.rendering import choice_labels, url_maker

if TYPE_CHECKING:
    from activities.selectors import ActivityListRow, ActivityRow

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
    costs more than the rest of the list page. Plain ``html.escape`` (what Django's ``escape``
    does, without its lazy-string wrapper), as ``format_html`` per option cost as much again."""
    field = bound_field.field  # type: ignore[attr-defined]
    current = bound_field.value()  # type: ignore[attr-defined]
    current = "" if current is None else str(current)
    options = []
    for value, label in field.choices:
        text = str(value)
        selected = " selected" if text == current else ""
        options.append(f'<option value="{escape(text)}"{selected}>{escape(str(label))}</option>')
    return SafeString("".join(options))


@register.simple_tag
def filter_fields(form: Any) -> SafeString:
    """A filter form's labelled fields (``_filter_form.html``): a select of
    :func:`select_options` for a choice field, else an input. In Python for the reason of
    ``select_options``: seven fields through template lookups cost as much as the options."""
    html = []
    for bound in form:
        field = bound.field
        ident, name = escape(str(bound.id_for_label)), escape(bound.html_name)
        if getattr(field, "choices", None):
            control = (
                f'    <select name="{name}" id="{ident}" class="form-select form-select-sm">\n'
                f"      {select_options(bound)}\n    </select>\n"
            )
        else:
            value = bound.value()
            value = "" if value is None else str(value)
            control = (
                f'    <input type="{escape(field.widget.input_type)}" name="{name}" id="{ident}"'
                f' class="form-control form-control-sm" value="{escape(value)}">\n'
            )
        html.append(
            '  <div class="col-sm-6 col-md-4 col-lg-2">\n'
            f'    <label class="form-label small mb-0" for="{ident}">'
            f"{conditional_escape(bound.label)}</label>\n{control}  </div>\n"
        )
    return SafeString("".join(html))


@register.simple_tag
def activity_rows(rows: Iterable[ActivityListRow]) -> SafeString:
    """The activity list's table rows (``selectors.ActivityListRow``), one ``format_html`` each:
    25 rows with three badges, a link and two labels cost several times the rest of the page
    as template includes and lookups. Columns as in the table head of activity_list.html."""
    url = url_maker("activities:activity_detail")
    kinds, lifecycles = choice_labels(Activity.Kind), choice_labels(Lifecycle)
    shared = format_html(' <span class="badge kf-status">{}</span>', _("Delad"))
    learning = _("Lärande")
    signals: dict[tuple[str | None, bool], SafeString] = {}  # the few badges, made once each
    html = []
    for a in rows:
        key = (a.signal, a.is_overridden)
        if key not in signals:
            signals[key] = signal_badge(*key)
        challenges = ", ".join(map(str, a.challenge_numbers)) or (
            learning if a.learning_and_sharing else "–"
        )
        html.append(
            format_html(
                '<tr>\n    <th scope="row"><a href="{}">{}</a>{}</th>\n    <td>{}</td>\n'
                '    <td class="text-nowrap">{} – {}</td>\n    <td>{}</td>\n    <td>{}</td>\n'
                "    <td>{}</td>\n    <td>{}</td>\n    <td>{} {}</td>\n    <td>{}/{}</td>\n"
                "  </tr>",
                url(a.pk),
                a.title,
                shared if a.is_shared else "",
                kinds[a.kind],
                a.start_date.isoformat(),
                a.end_date.isoformat(),
                a.lead_name or "–",
                a.team_size,
                challenges,
                status_badge(a.lifecycle, lifecycles[a.lifecycle]),
                signals[key],
                stale_badge(a.is_stale),
                a.ms_done,
                a.ms_total,
            )
        )
    return SafeString("\n  ".join(html))


# --- the dashboard's timeline and lists ---------------------------------------------------------
# Built in Python for the same reason as the list rows (30 bars, 30 table rows, 40 list items);
# the numbers are written with a decimal point whatever the language, as SVG requires.


@register.simple_tag
def gantt_labels(timeline: dict[str, Any]) -> SafeString:
    return format_html_join(
        "",
        '<div class="kf-gantt-label">{}</div>',
        ((Truncator(bar["row"].title).chars(40),) for bar in timeline["bars"]),
    )


@register.simple_tag
def gantt_bars(timeline: dict[str, Any]) -> SafeString:
    """The year lines and one ``<rect>`` per activity, with its dates and signal as a title."""
    years = format_html_join(
        "",
        '<line x1="{}%" x2="{}%" y1="0" y2="100%" class="kf-gantt-year"/>',
        ((f"{y['x']}", f"{y['x']}") for y in timeline["years"]),
    )
    bars = format_html_join(
        "",
        '<rect x="{}%" y="{}" width="{}%" height="14" rx="2" class="kf-gantt-bar kf-gantt-{}">'
        "<title>{}: {} – {} ({})</title></rect>",
        (
            (
                f"{bar['x']}",
                bar["y"] + 4,
                f"{bar['width']}",
                bar["row"].signal or "none",
                bar["row"].title,
                bar["row"].start_date.isoformat(),
                bar["row"].end_date.isoformat(),
                bar["row"].signal_label or bar["row"].lifecycle_label,
            )
            for bar in timeline["bars"]
        ),
    )
    return SafeString(years + bars)


@register.simple_tag
def timeline_rows(rows: Iterable[ActivityRow]) -> SafeString:
    """The timeline as table rows (the chart's accessible twin)."""
    return format_html_join(
        "",
        '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td></tr>",
        (
            (
                r.url,
                r.title,
                r.start_date.isoformat(),
                r.end_date.isoformat(),
                r.lifecycle_label,
                r.signal_label,
                r.lead_name or "–",
            )
            for r in rows
        ),
    )


@register.simple_tag
def attention_items(rows: Iterable[ActivityRow]) -> SafeString:
    """The ``<li>`` items of a "needs attention" list."""
    return format_html_join(
        "",
        '<li><a href="{}">{}</a> <span class="small text-muted">{}{}</span></li>',
        (
            (r.url, r.title, r.end_date.isoformat(), f" · {r.lead_name}" if r.lead_name else "")
            for r in rows
        ),
    )
