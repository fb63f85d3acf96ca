"""The dashboard's tables and lists built in Python give the markup the template loops gave."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from activities.selectors import Dashboard
from activities.templatetags import activities_tags as tags
from activities.templatetags.activities_tags import attention_lists, dashboard_counts, meeting_rows


def _dashboard(**changes: object) -> Dashboard:
    values: dict[str, object] = {
        "total": 3,
        "by_lifecycle": [("ongoing", "Pågående", 2), ("planned", "<Planerad>", 1)],
        "by_signal": [("late", "Försenad", 1)],
        "stale_count": 4,
        "by_kind": [("initiative", "Initiativ & co", 3)],
        "by_focus_area": [("Energi <&>", 2)],
        "timeline": [],
        "timeline_total": 0,
        "timeline_start": dt.date(2026, 1, 1),
        "timeline_end": dt.date(2026, 1, 1),
        "late": [],
        "at_risk": [],
        "stale": [],
        "no_lead": [],
        "uncovered_challenges": [
            {"number": 1, "name": 'Utmaning <ett> & "två"', "organisations": 1},
            {"number": 12, "name": "Annan", "organisations": 3},
        ],
        "meetings_by_kind": [{"label": "Träff <x>", "held": 1, "planned": 2, "cancelled": 0}],
        "year": 2026,
        "attention_counts": {"late": 0, "at_risk": 0, "stale": 0, "no_lead": 0},
    }
    values.update(changes)
    return Dashboard(**values)


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


UNCOVERED = (
    "{% load i18n %}"
    '<section class="kf-attention" data-testid="attention-uncovered">'
    '<h3 class="h6">{% translate "Utmaningar med åtaganden men utan aktivitet" %}'
    " ({{ data.uncovered_challenges|length }})</h3>"
    "<ul>{% for c in data.uncovered_challenges %}<li>{{ c.number }}. {{ c.name }} "
    '<span class="small text-muted">{% blocktranslate count n=c.organisations %}{{ n }} partner'
    "{% plural %}{{ n }} partner{% endblocktranslate %}</span></li>"
    '{% empty %}<li class="small">{% translate "Inga." %}</li>{% endfor %}</ul></section>'
)

MEETINGS = (
    '{% for m in rows %}<tr><th scope="row">{{ m.label }}</th><td class="text-end">{{ m.held }}'
    '</td><td class="text-end">{{ m.planned }}</td><td class="text-end">{{ m.cancelled }}</td>'
    "</tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("challenges", [None, []])
def test_uncovered_challenges_as_the_template_loop(language: str, challenges: object) -> None:
    data = _dashboard() if challenges is None else _dashboard(uncovered_challenges=challenges)
    with translation.override(language):
        expected = _squash(Template(UNCOVERED).render(Context({"data": data})))
        html = _squash(attention_lists(data))
    assert html.endswith(expected)
    assert html.count('<p class="small mb-2">') == 4  # the four empty attention lists


def test_meeting_rows_as_the_template_loop() -> None:
    rows = _dashboard().meetings_by_kind
    assert meeting_rows(rows) == Template(MEETINGS).render(Context({"rows": rows}))


def test_count_tables_escape_and_keep_table_semantics() -> None:
    with translation.override("en"):
        html = dashboard_counts(_dashboard(), 60)
    assert html.count("<caption>") == 4
    assert html.count('<th scope="col"') == 8
    assert '<th scope="row">&lt;Planerad&gt;</th><td class="text-end">1</td>' in html
    assert '<th scope="row">Energi &lt;&amp;&gt;</th>' in html
    assert "Initiativ &amp; co" in html
    assert "Not updated in 60 days: 4" in html


@pytest.mark.django_db
def test_filter_options_mark_the_chosen_one_in_the_active_language(world) -> None:
    """The options' markup is kept per language and shared by forms: the chosen organisation
    is still the only selected option, and English shows English labels."""
    from activities.forms import ActivityFilterForm

    unfiltered = tags.select_options(ActivityFilterForm()["organisation"])
    assert unfiltered.count(" selected") == 1
    assert '<option value="" selected>Alla' in unfiltered
    chosen = ActivityFilterForm({"organisation": str(world.org_b.pk)})
    html = tags.select_options(chosen["organisation"])
    assert html.count(" selected") == 1
    assert f'<option value="{world.org_b.pk}" selected>{world.org_b.name}</option>' in html
    with translation.override("en"):
        english = tags.select_options(ActivityFilterForm()["organisation"])
        kinds = tags.select_options(ActivityFilterForm({"kind": "initiative"})["kind"])
    assert '<option value="" selected>All</option>' in english
    assert '<option value="initiative" selected>Initiative</option>' in kinds
    assert "Alla" in tags.select_options(ActivityFilterForm()["organisation"])  # Swedish again


def test_activity_rows_escape_texts_and_show_every_badge() -> None:
    from activities.selectors import ActivityListRow

    row = ActivityListRow(
        pk=7,
        title='<script>"Sol" & vind</script>',
        kind="initiative",
        lifecycle="ongoing",
        start_date=dt.date(2026, 1, 2),
        end_date=dt.date(2026, 5, 6),
        is_shared=True,
        learning_and_sharing=False,
        is_overridden=True,
        lead_name="A&B <AB>",
        team_size=3,
        ms_total=4,
        ms_done=1,
        signal="late",
        is_stale=True,
        challenge_numbers=[1, 17],
    )
    with translation.override("sv"):
        html = str(tags.activity_rows([row]))
    assert "<script>" not in html
    assert "&lt;script&gt;&quot;Sol&quot; &amp; vind&lt;/script&gt;" in html
    assert "A&amp;B &lt;AB&gt;" in html
    assert "<td>1, 17</td>" in html
    assert "<td>1/4</td>" in html
    assert "2026-01-02 – 2026-05-06" in html
    for badge in ("kf-status-ongoing", "kf-signal-late", "kf-signal-manual", "kf-stale", "Delad"):
        assert badge in html


@pytest.mark.django_db
def test_filter_choices_follow_a_renamed_challenge(world) -> None:
    """The challenge filter's choices are kept per reference-data version: renaming a challenge
    (same primary key) shows the new name at once."""
    from activities.forms import ActivityFilterForm
    from roadmap.models import Challenge

    before = tags.select_options(ActivityFilterForm()["challenge"])
    challenge = Challenge.objects.get(number=3)
    assert challenge.name_sv in before
    challenge.name_sv = "Omdöpt utmaning"
    challenge.save()
    assert "Omdöpt utmaning" in tags.select_options(ActivityFilterForm()["challenge"])
