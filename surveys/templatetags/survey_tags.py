"""Template helpers of the survey: percentages on the follow-up pages and the questionnaire's
inputs on the form page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from html import escape
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from klimatfardplan.numbers import for_people
from surveys.models import Question

if TYPE_CHECKING:
    from surveys.selectors import FieldView, SectionView

register = template.Library()

CHOICE_KINDS = {Question.Kind.CHOICE, Question.Kind.LIKERT, Question.Kind.MULTI}


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """0.1538 → "15,4 %" (localised); empty for missing values."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value)) * 100
    except InvalidOperation:
        return "–"
    return f"{for_people(number, places)} %"


@register.simple_tag
def survey_fields(
    fields: Iterable[FieldView], editable: bool, organisations: list[tuple[int, str]]
) -> SafeString:
    """Every input of the form page (one ``div.kf-survey-field`` per field).

    Written in Python rather than as a template loop: the "unanswered" view holds ~100 fields,
    each with a dozen conditions and lookups, and that loop cost several times the rest of the
    page. The markup is the same as a template would give: a label (or fieldset legend) for
    every input, ``aria-describedby`` to the field's error and "last year" hint, the user's
    typed value, help text, conflict box and comment. Every value is HTML-escaped (``esc``);
    the visible strings are translated once per page.
    """
    renderer = _FieldsRenderer(editable, organisations)
    return mark_safe("".join([renderer.render(field) for field in fields]))  # noqa: S308


@register.simple_tag
def survey_section_nav(
    sections: Iterable[SectionView], current: str, show_unanswered: bool
) -> SafeString:
    """The section list beside the form: a link per section with its progress ("3 av 7
    besvarade" and a ``progress`` bar that survey.js updates after each save). In Python for
    the same reason as :func:`survey_fields`: a dozen sections with two translated, filled-in
    strings each made up most of a one-section page."""
    answered_text = _("%(answered)s av %(total)s besvarade")
    progress_label = _("Framsteg för %(label)s")
    items = []
    for section in sections:
        key, label = esc(section.key), esc(section.label)
        answered, total, percent = section.answered, section.total, section.percent
        here = (
            ' aria-current="page" class="fw-bold"'
            if section.key == current and not show_unanswered
            else ""
        )
        text = esc(answered_text % {"answered": answered, "total": total})
        aria = esc(progress_label % {"label": section.label})
        items.append(
            '      <li class="mb-2">\n'
            f'        <a href="?section={key}"{here}>{label}</a>\n'
            f'        <span class="small d-block" data-progress-text="{key}">{text}</span>\n'
            f'        <progress class="kf-progress" max="{total}" value="{answered}" '
            f'data-progress="{key}" aria-label="{aria}">{percent} %</progress>\n'
            "      </li>\n"
        )
    return mark_safe("".join(items))  # noqa: S308  (every value escaped above)


_SPECIAL = re.compile("[&<>\"']")


def esc(value: Any) -> str:
    """Like ``{{ value }}`` in a template for the plain strings and numbers used here (most of
    them have nothing to escape: one scan, then as they are)."""
    text = str(value)
    return escape(text, quote=True) if _SPECIAL.search(text) else text


class _FieldsRenderer:
    def __init__(self, editable: bool, organisations: list[tuple[int, str]]) -> None:
        self.organisations = organisations
        self.readonly = "" if editable else " readonly"
        self.disabled = "" if editable else " disabled"
        # Texts to translate stay outside f-strings: xgettext does not read inside them.
        required = _("obligatorisk")
        self.required = f' <span class="kf-required">({esc(required)})</span>'
        self.t_status = esc(_("Status"))
        self.t_choose_status = esc(_("Välj status"))
        self.t_not_reported = esc(_("Ej rapporterat"))
        self.t_error = esc(_("Fel:"))
        self.t_comment = esc(_("Kommentar"))
        # Translated once per page; filled in per field (then escaped with what was filled in).
        self.f_comment_label = _("Kommentar till %(label)s")
        self.f_updated_by = _("Senast ändrat av %(who)s")
        self.f_previous = _("Föregående år: %(value)s")
        self._org_options: list[tuple[str, str]] | None = None

    def render(self, field: FieldView) -> str:
        q = field.question
        name = esc(field.name)
        raw_label = field.slot.label
        label = esc(raw_label)
        data = field.data
        invalid = " kf-field-invalid" if field.error else ""
        out = [
            f'<div class="kf-survey-field mb-3 p-3 border rounded{invalid}" id="field-{name}" '
            f'data-field="{name}">\n'
            f'  <input type="hidden" name="{name}__version" value="{field.version}" '
            f'data-version-for="{name}">\n'
            f'  <input type="hidden" name="{name}__present" value="1">\n'
        ]
        if q.kind in CHOICE_KINDS:
            out.append(self._choices(field, name, label))
        else:
            out.append(self._input(field, name, label))
        if q.help:
            out.append(f'  <p class="form-text mb-0">{esc(q.help)}</p>\n')
        error = f"<strong>{self.t_error}</strong> {esc(field.error)}" if field.error else ""
        out.append(
            f'  <p class="kf-field-error mb-0" id="f-{name}-error" data-error-for="{name}">'
            f"{error}</p>\n"
        )
        if field.conflict:
            out.append(self._conflict(field.conflict))
        comment_label = esc(self.f_comment_label % {"label": raw_label})
        out.append(
            f'  <details class="mt-2"{" open" if data.comment else ""}>\n'
            f"    <summary>{self.t_comment}</summary>\n"
            f'    <label class="visually-hidden" for="f-{name}-comment">{comment_label}</label>\n'
            f'    <textarea class="form-control mt-1" id="f-{name}-comment" '
            f'name="{name}__comment" rows="2"{self.readonly}>{esc(data.comment)}</textarea>\n'
            "  </details>\n"
        )
        if field.updated_by:
            who = esc(self.f_updated_by % {"who": field.updated_by})
            out.append(f'  <p class="form-text mb-0">{who}</p>\n')
        out.append("</div>\n")
        return "".join(out)

    def _choices(self, field: FieldView, name: str, label: str) -> str:
        q = field.question
        required = self.required if q.required else ""
        inline = " form-check-inline" if q.kind == Question.Kind.LIKERT else ""
        if q.kind == Question.Kind.MULTI:
            kind, chosen = "checkbox", set(field.choice_list)
        else:
            kind, chosen = "radio", {field.data.choice}
        out = [
            f'  <fieldset id="f-{name}" tabindex="-1" aria-describedby="f-{name}-error">\n'
            f'    <legend class="form-label fs-6 fw-semibold">{label}{required}</legend>\n'
        ]
        for n, (value, text) in enumerate(q.choice_options(), start=1):
            checked = " checked" if value in chosen else ""
            out.append(
                f'    <div class="form-check{inline}">\n'
                f'      <input class="form-check-input" type="{kind}" name="{name}" '
                f'id="f-{name}-{n}" value="{esc(value)}"{checked}{self.disabled}>\n'
                f'      <label class="form-check-label" for="f-{name}-{n}">{esc(text)}</label>\n'
                "    </div>\n"
            )
        out.append("  </fieldset>\n")
        return "".join(out)

    def _input(self, field: FieldView, name: str, label: str) -> str:
        q = field.question
        data = field.data
        unit = f' <span class="kf-unit">({esc(q.unit)})</span>' if q.unit else ""
        required = self.required if q.required else ""
        out = [
            f'  <label class="form-label fw-semibold" for="f-{name}">{label}{unit}{required}</label>\n'
        ]
        described = f'aria-describedby="f-{name}-error"'
        if q.kind == Question.Kind.TEXT:
            out.append(
                f'  <textarea class="form-control" id="f-{name}" name="{name}" rows="2" '
                f"{described}{self.readonly}>{esc(data.raw)}</textarea>\n"
            )
        elif q.kind == Question.Kind.ORGANISATION:
            nobody = _("Nej, ingen annan partner")
            out.append(
                f'  <select class="form-select" id="f-{name}" name="{name}" '
                f"{described}{self.disabled}>\n"
                f'    <option value="">{esc(nobody)}</option>\n'
            )
            for pk, org_name in self._organisation_options():
                selected = " selected" if data.choice == pk else ""
                out.append(f'    <option value="{pk}"{selected}>{org_name}</option>\n')
            out.append("  </select>\n")
        elif q.kind == Question.Kind.DATE:
            out.append(
                f'  <input class="form-control" type="date" id="f-{name}" name="{name}" '
                f'value="{esc(data.raw)}" {described}{self.readonly}>\n'
            )
        else:
            out.append(self._number(field, name))
            if field.previous is not None:
                previous = self.f_previous % {"value": self._number_text(field.previous)}
                out.append(
                    f'  <p class="form-text mb-0" id="f-{name}-previous">{esc(previous)}</p>\n'
                )
        return "".join(out)

    def _number(self, field: FieldView, name: str) -> str:
        """Decimal, integer, URL and scope 3 inputs: the text box, a scope 3 status and the
        explicit "not reported" box."""
        q = field.question
        data = field.data
        inputmode = "url" if q.kind == Question.Kind.URL else "decimal"
        previous = f" f-{name}-previous" if field.previous is not None else ""
        out = [
            '  <div class="d-flex flex-wrap gap-2 align-items-center">\n'
            f'    <input class="form-control kf-number" type="text" inputmode="{inputmode}" '
            f'id="f-{name}" name="{name}" value="{esc(data.raw)}" autocomplete="off" '
            f'aria-describedby="f-{name}-error{previous}"{self.readonly}>\n'
        ]
        if q.kind == Question.Kind.SCOPE3:
            out.append(
                f'    <label class="visually-hidden" for="f-{name}-status">{self.t_status}</label>\n'
                f'    <select class="form-select w-auto" id="f-{name}-status" '
                f'name="{name}__status"{self.disabled}>\n'
                f'      <option value="">{self.t_choose_status}</option>'
            )
            for value, text in q.choice_options():
                selected = " selected" if data.choice == value else ""
                out.append(f'<option value="{esc(value)}"{selected}>{esc(text)}</option>')
            out.append("\n    </select>\n")
        if q.is_numeric:
            checked = " checked" if data.not_reported else ""
            out.append(
                '    <div class="form-check">\n'
                f'      <input class="form-check-input" type="checkbox" id="f-{name}-nr" '
                f'name="{name}__nr" value="1"{checked}{self.disabled}>\n'
                f'      <label class="form-check-label" for="f-{name}-nr">'
                f"{self.t_not_reported}</label>\n"
                "    </div>\n"
            )
        out.append("  </div>\n")
        return "".join(out)

    def _conflict(self, conflict: Any) -> str:
        by = esc(
            _("%(by)s har sparat ett annat värde sedan du öppnade sidan.")
            % {"by": conflict.by or _("en kollega")}
        )
        theirs, yours = conflict.theirs, conflict.yours
        clash, saved, typed = _("Krock:"), _("Sparat värde:"), _("Ditt värde (i fältet):")
        save_again = _("Spara igen för att behålla ditt värde.")
        theirs_comment = f" ({esc(theirs.comment)})" if theirs.comment else ""
        return (
            '  <div class="alert alert-warning mt-2 mb-0 kf-conflict" role="alert">\n'
            f'    <p class="mb-1"><strong>{esc(clash)}</strong> {by}</p>\n'
            f'    <p class="mb-1">{esc(saved)} '
            f"<strong>{esc(theirs.raw or theirs.choice or '–')}</strong>{theirs_comment}</p>\n"
            f'    <p class="mb-0">{esc(typed)} '
            f"<strong>{esc(yours.raw or yours.choice or '–')}</strong>. "
            f"{esc(save_again)}</p>\n"
            "  </div>\n"
        )

    def _number_text(self, value: Decimal) -> str:
        """A stored value as people read it in the page's language (at most three decimals,
        grouped by thousands): "447,6" and "1 234,5" in Swedish, "447.6" in English."""
        return for_people(value)

    def _organisation_options(self) -> list[tuple[str, str]]:
        """(value, escaped name) of the partner list, escaped once per page."""
        if self._org_options is None:
            self._org_options = [(str(pk), esc(org)) for pk, org in self.organisations]
        return self._org_options
