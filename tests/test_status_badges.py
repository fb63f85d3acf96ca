"""State badges (issue 20.4): one component, the same colour for a state on every page, the
state's name in words, and text that passes WCAG AA contrast (4.5:1) on its badge."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.template.loader import render_to_string

CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
COMPONENT = "components/_status_badge.html"
# The fields whose values are shown as state badges (model label, field name).
STATE_FIELDS = [
    ("surveys.Response", "state"),
    ("reporting.ReportYear", "status"),
    ("reporting.ReportJob", "status"),
    ("activities.Activity", "lifecycle"),
    ("activities.Meeting", "status"),
    ("partners.Organisation", "status"),
    ("partners.CommitmentSet", "status"),
]
# States without a model field, shown through the component all the same (spaces).
OTHER_STATES = {"answered", "unanswered", "hidden"}


def _rules() -> dict[str, dict[str, str]]:
    """``.kf-status-<state>`` → its declarations (the last rule naming a state wins, as in CSS)."""
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", text):
        declarations = {
            k.strip(): v.strip()
            for k, _sep, v in (d.partition(":") for d in body.split(";"))
            if v.strip()
        }
        for state in re.findall(r"\.kf-status-([a-z_]+)\b", selectors):
            found.setdefault(state, {}).update(declarations)
    return found


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # the classic just-fails grey
    assert contrast("#ffffff", "#ffffff") == 1.0


def _states() -> set[str]:
    values = set(OTHER_STATES)
    for label, name in STATE_FIELDS:
        field = apps.get_model(label)._meta.get_field(name)
        assert isinstance(field, models.Field), (label, name)
        assert field.choices, (label, name)
        values |= {str(value) for value, _label in field.choices}
    return values


def test_every_state_has_its_colours_with_aa_contrast() -> None:
    rules = _rules()
    missing = sorted(_states() - set(rules))
    assert not missing, f"states without a badge colour in app.css: {missing}"
    for state in _states():
        rule = rules[state]
        assert "background" in rule, state
        assert "color" in rule, state
        ratio = contrast(rule["color"], rule["background"].split()[0])
        assert ratio >= 4.5, f"{state}: {ratio:.2f}:1"


def test_the_same_state_has_the_same_colours_wherever_it_appears() -> None:
    rules = _rules()
    # "draft" is a survey response's, a report year's and a commitment set's state: one badge.
    colours = {(rules[s]["background"], rules[s]["color"]) for s in ("draft",)}
    assert len(colours) == 1
    done = {"approved", "published", "done", "completed", "held", "confirmed", "active"}
    assert len({(rules[s]["background"], rules[s]["color"]) for s in done}) == 1
    waiting = {"submitted", "signed", "planned"}
    assert len({(rules[s]["background"], rules[s]["color"]) for s in waiting}) == 1
    # ...and different meanings look different.
    assert rules["submitted"]["background"] != rules["approved"]["background"]
    assert rules["reopened"]["background"] != rules["draft"]["background"]


def test_the_component_writes_the_state_in_words() -> None:
    html = render_to_string(COMPONENT, {"status": "reopened", "label": "Öppnad igen"})
    assert 'class="badge kf-status kf-status-reopened"' in html
    assert ">Öppnad igen<" in html


def test_every_state_badge_in_the_templates_goes_through_the_component() -> None:
    base = Path(settings.BASE_DIR)
    offenders = []
    for path in base.glob("**/templates/**/*.html"):
        if "node_modules" in path.parts or path.match(f"*/{COMPONENT}"):
            continue
        text = path.read_text()
        # A badge coloured by a state class, or Bootstrap's own colours on a state's name.
        if re.search(r'class="badge[^"]*kf-status-', text) or re.search(
            r'class="badge text-bg-(?:danger|success)"', text
        ):
            offenders.append(str(path.relative_to(base)))
    assert not offenders, offenders
