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
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from activities.models import Activity, Lifecycle, Signal
from klimatfardplan.rendering import choice_labels, url_maker

if TYPE_CHECKING:
    from activities.selectors import ActivityListRow, ActivityRow, Dashboard

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
    does, without its lazy-string wrapper), as ``format_html`` per option cost as much again.
    Shared choices (``activities.forms._Choices``) keep their markup per language, and only the
    selected option is marked per request."""
    field = bound_field.field  # type: ignore[attr-defined]
    current = bound_field.value()  # type: ignore[attr-defined]
    current = "" if current is None else str(current)
    choices = field.choices
    rendered: dict[str, str] | None = getattr(choices, "rendered", None)
    language = get_language() or ""
    html = rendered.get(language) if rendered is not None else None
    if html is None:
        html = "".join(
            f'<option value="{escape(str(value))}">{escape(str(label))}</option>'
            for value, label in choices
        )
        if rendered is not None:
            rendered[language] = html
    # Values are unique within a field, so the first match is the chosen option.
    chosen = f'<option value="{escape(current)}">'
    return SafeString(html.replace(chosen, f"{chosen[:-1]} selected>", 1))


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
    """The activity list's table rows (``selectors.ActivityListRow``): 25 rows with three
    badges, a link and two labels cost several times the rest of the page as template includes
    and lookups, and ``format_html`` per row as much again. Plain ``html.escape`` per text; the
    badges, which take a few values only, are made once each. Columns as in the table head of
    activity_list.html."""
    url = url_maker("activities:activity_detail")
    kinds, lifecycles = choice_labels(Activity.Kind), choice_labels(Lifecycle)
    shared = format_html(' <span class="badge kf-status">{}</span>', _("Delad"))
    learning = str(_("Lärande"))
    stale = stale_badge(True)
    signals: dict[tuple[str | None, bool], SafeString] = {}
    statuses: dict[str, SafeString] = {}
    html = []
    for a in rows:
        key = (a.signal, a.is_overridden)
        if key not in signals:
            signals[key] = signal_badge(*key)
        if a.lifecycle not in statuses:
            statuses[a.lifecycle] = status_badge(a.lifecycle, lifecycles[a.lifecycle])
        challenges = ", ".join(map(str, a.challenge_numbers)) or (
            learning if a.learning_and_sharing else "–"
        )
        html.append(
            f'<tr>\n    <th scope="row"><a href="{escape(url(a.pk))}">{escape(a.title)}</a>'
            f"{shared if a.is_shared else ''}</th>\n    <td>{escape(kinds[a.kind])}</td>\n"
            f'    <td class="text-nowrap">{a.start_date.isoformat()} – {a.end_date.isoformat()}'
            f"</td>\n    <td>{escape(a.lead_name or '–')}</td>\n    <td>{a.team_size}</td>\n"
            f"    <td>{escape(challenges)}</td>\n    <td>{statuses[a.lifecycle]}</td>\n"
            f"    <td>{signals[key]} {stale if a.is_stale else ''}</td>\n"
            f"    <td>{a.ms_done}/{a.ms_total}</td>\n  </tr>"
        )
    return SafeString("\n  ".join(html))


# --- the dashboard's timeline and lists ---------------------------------------------------------
# Built in Python for the same reason as the list rows (30 bars, 30 table rows, 40 list items);
# the numbers are written with a decimal point whatever the language, as SVG requires.


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one "…" when cut (what
    ``Truncator(text).chars(limit)`` does for titles without combining characters, at a tenth
    of its cost)."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@register.simple_tag
def gantt_labels(timeline: dict[str, Any]) -> SafeString:
    return SafeString(
        "".join(
            f'<div class="kf-gantt-label">{escape(_shorten(bar["row"].title, 40))}</div>'
            for bar in timeline["bars"]
        )
    )


@register.simple_tag
def gantt_bars(timeline: dict[str, Any]) -> SafeString:
    """The year lines with their labels and one ``<rect>`` per activity, with its dates and signal as a title.
    Plain ``html.escape`` per value, as ``format_html_join`` cost as much as the rest."""
    marks = []
    for y in timeline["years"]:
        marks.append(
            f'<line x1="{y["x"]}%" x2="{y["x"]}%" y1="0" y2="100%" class="kf-gantt-year"/>'
        )
        if y.get("label", True):
            # The year beside its line, in the strip above the bars; near the right edge it
            # ends at the line instead, so that it stays inside the chart.
            right = y["x"] > 90
            marks.append(
                f'<text x="{y["x"]}%" y="14" dx="{-3 if right else 3}"'
                f' text-anchor="{"end" if right else "start"}" class="kf-gantt-year-label">'
                f"{y['year']}</text>"
            )
    years = "".join(marks)
    lifecycles, signals = choice_labels(Lifecycle), choice_labels(Signal)
    bars = []
    for bar in timeline["bars"]:
        row = bar["row"]
        state = signals[row.signal] if row.signal else lifecycles[row.lifecycle]
        bars.append(
            f'<rect x="{bar["x"]}%" y="{bar["y"] + 4}" width="{bar["width"]}%" height="14" rx="2"'
            f' class="kf-gantt-bar kf-gantt-{escape(row.signal or "none")}">'
            f"<title>{escape(row.title)}: {row.start_date.isoformat()} – "
            f"{row.end_date.isoformat()} ({escape(state)})"
            "</title></rect>"
        )
    return SafeString(years + "".join(bars))


@register.simple_tag
def timeline_rows(rows: Iterable[ActivityRow]) -> SafeString:
    """The timeline as table rows (the chart's accessible twin). Labels and the URL pattern
    are looked up once, not per row."""
    url = url_maker("activities:activity_detail")
    lifecycles, signals = choice_labels(Lifecycle), choice_labels(Signal)
    return SafeString(
        "".join(
            f'<tr><th scope="row"><a href="{escape(url(r.pk))}">{escape(r.title)}</a></th>'
            f"<td>{r.start_date.isoformat()}</td><td>{r.end_date.isoformat()}</td>"
            f"<td>{escape(lifecycles[r.lifecycle])}</td>"
            f"<td>{escape(signals[r.signal] if r.signal else '')}</td>"
            f"<td>{escape(r.lead_name or '–')}</td></tr>"
            for r in rows
        )
    )


@register.simple_tag
def attention_items(rows: Iterable[ActivityRow]) -> SafeString:
    """The ``<li>`` items of a "needs attention" list."""
    url = url_maker("activities:activity_detail")
    return SafeString(
        "".join(
            f'<li><a href="{escape(url(r.pk))}">{escape(r.title)}</a> <span class="small text-muted">'
            f"{r.end_date.isoformat()}{escape(f' · {r.lead_name}') if r.lead_name else ''}"
            "</span></li>"
            for r in rows
        )
    )


# --- the dashboard's tables and attention lists --------------------------------------------------
# Once ``_count_table.html`` and ``_attention_list.html`` included seven times, each include
# copying the context; the same markup, built in Python.


def _count_table(
    caption: str, head: str, rows: Iterable[tuple[object, object]], testid: str
) -> str:
    body = "".join(
        f'<tr><th scope="row">{escape(str(label))}</th><td class="text-end">{escape(str(count))}</td></tr>'
        for label, count in rows
    )
    # Texts to translate stay outside f-strings: xgettext does not read inside them.
    number = _("Antal")
    return (
        f'<table class="table table-sm kf-count-table" data-testid="{escape(testid)}">\n'
        f"  <caption>{escape(caption)}</caption>\n"
        f'  <thead><tr><th scope="col">{escape(head)}</th>'
        f'<th scope="col" class="text-end">{escape(number)}</th></tr></thead>\n'
        f"  <tbody>{body}</tbody>\n</table>"
    )


@register.simple_tag
def dashboard_counts(data: Dashboard, stale_days: object) -> SafeString:
    """The four count tables of the dashboard (status, follow-up, kind, focus area), each with
    a caption and row headers, and the number of activities not updated lately."""
    category = _("Kategori")

    def choices(rows: Iterable[tuple[str, object, int]]) -> list[tuple[object, int]]:
        return [(label, count) for _value, label, count in rows]

    # As {% blocktranslate %}: the values escaped, the translation itself not.
    stale = _("Ej uppdaterade på %(days)s dagar: %(n)s") % {
        "days": escape(str(stale_days)),
        "n": escape(str(data.stale_count)),
    }
    focus = _("Fokusområde")
    status, followed, kind = _("Status"), _("Uppföljning"), _("Typ")
    return SafeString(
        f"<div>{_count_table(status, category, choices(data.by_lifecycle), 'by-lifecycle')}"
        "</div>\n    <div>"
        f"{_count_table(followed, category, choices(data.by_signal), 'by-signal')}\n"
        f'      <p class="small" data-testid="stale-count">{stale}</p></div>\n    <div>'
        f"{_count_table(kind, category, choices(data.by_kind), 'by-kind')}</div>\n    <div>"
        f"{_count_table(focus, focus, data.by_focus_area, 'by-focus-area')}</div>"
    )


def _attention_list(
    title: str, rows: list[ActivityRow], total: int, testid: str, more_url: str = ""
) -> str:
    show_all, none = _("Visa alla"), _("Inga.")
    html = [
        f'<section class="kf-attention" data-testid="{escape(testid)}">\n'
        f'  <h3 class="h6">{escape(title)} ({total})</h3>\n  '
    ]
    if rows:
        html.append(f'<ul class="mb-2">{attention_items(rows)}</ul>\n  ')
        if total > len(rows):
            shown = _("Visar de första %(n)s.") % {"n": len(rows)}
            more = (
                f' <a href="{escape(more_url)}">{escape(show_all)}'
                f'<span class="visually-hidden"> {escape(title)}</span></a>'
                if more_url
                else ""
            )
            html.append(f'<p class="small">{shown}{more}</p>')
    else:
        html.append(f'<p class="small mb-2">{escape(none)}</p>')
    html.append("\n</section>")
    return "".join(html)


@register.simple_tag
def attention_lists(data: Dashboard) -> SafeString:
    """The dashboard's "needs attention" lists (late, at risk, stale, without a lead), the first
    rows of each with a link to the full list where there is one, and the challenges with
    commitments but no activity."""
    counts = data.attention_counts
    list_url = reverse("activities:activity_list")
    none = _("Inga.")
    challenges = (
        "".join(
            f"<li>{escape(str(c['number']))}. {escape(str(c['name']))} "
            '<span class="small text-muted">'
            + ngettext("%(n)s partner", "%(n)s partner", c["organisations"])
            % {"n": escape(str(c["organisations"]))}
            + "</span></li>"
            for c in data.uncovered_challenges
        )
        or f'<li class="small">{escape(none)}</li>'
    )
    title = _("Utmaningar med åtaganden men utan aktivitet")
    return SafeString(
        "\n    ".join(
            (
                _attention_list(
                    _("Försenade"),
                    data.late,
                    counts["late"],
                    "attention-late",
                    f"{list_url}?signal=late",
                ),
                _attention_list(
                    _("Risk för försening"),
                    data.at_risk,
                    counts["at_risk"],
                    "attention-at-risk",
                    f"{list_url}?signal=at_risk",
                ),
                _attention_list(
                    _("Inte uppdaterade"), data.stale, counts["stale"], "attention-stale"
                ),
                _attention_list(
                    _("Saknar ledande organisation"),
                    data.no_lead,
                    counts["no_lead"],
                    "attention-no-lead",
                ),
                '<section class="kf-attention" data-testid="attention-uncovered">\n'
                f'      <h3 class="h6">{escape(title)} ({len(data.uncovered_challenges)})</h3>\n'
                f"      <ul>{challenges}</ul>\n    </section>",
            )
        )
    )


@register.simple_tag
def meeting_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The rows of the dashboard's table of meetings by kind (held, planned, cancelled)."""
    return SafeString(
        "".join(
            f'<tr><th scope="row">{escape(str(m["label"]))}</th>'
            f'<td class="text-end">{escape(str(m["held"]))}</td>'
            f'<td class="text-end">{escape(str(m["planned"]))}</td>'
            f'<td class="text-end">{escape(str(m["cancelled"]))}</td></tr>'
            for m in rows
        )
    )
