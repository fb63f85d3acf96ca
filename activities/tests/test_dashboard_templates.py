"""The dashboard and the activity list render from templates: texts are escaped, tables keep
their captions and headers, filters mark the chosen option in the active language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from activities import selectors
from activities.models import Activity, Signal
from activities.selectors import Dashboard
from activities.tests.factories import ActivityFactory, MilestoneFactory, ParticipationFactory
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db


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


def _page(world, monkeypatch, data: Dashboard, language: str = "sv") -> str:
    monkeypatch.setattr(selectors, "dashboard", lambda **_kwargs: data)
    client = client_for(world.strategic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("activities:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return _squash(response.content.decode())


def _between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.parametrize("challenges", [None, []])
def test_uncovered_challenges_are_escaped_and_counted(world, monkeypatch, challenges) -> None:
    data = _dashboard() if challenges is None else _dashboard(uncovered_challenges=challenges)
    html = _page(world, monkeypatch, data)
    uncovered = _between(html, 'data-testid="attention-uncovered">', "</section>")
    attention = _between(html, 'id="attention-heading"', 'id="timeline-heading"')
    if challenges is None:
        assert "(2)</h3>" in uncovered
        assert "<li>1. Utmaning &lt;ett&gt; &amp; &quot;två&quot; " in uncovered
        assert '<span class="small text-muted">3 partner</span>' in uncovered
    else:
        assert '<li class="small">Inga.</li>' in uncovered
    assert attention.count('<p class="small mb-2">') == 4  # the four empty attention lists


def test_meeting_rows_escape_their_labels(world, monkeypatch) -> None:
    html = _page(world, monkeypatch, _dashboard())
    assert (
        '<th scope="row">Träff &lt;x&gt;</th><td class="text-end">1</td>'
        '<td class="text-end">2</td><td class="text-end">0</td>'
    ) in html


def test_count_tables_escape_and_keep_table_semantics(world, monkeypatch) -> None:
    html = _page(world, monkeypatch, _dashboard(), language="en")
    counts = _between(html, 'id="counts-heading"', 'id="attention-heading"')
    for testid in ("by-lifecycle", "by-signal", "by-kind", "by-focus-area"):
        table = _between(counts, f'data-testid="{testid}">', "</table>")
        assert table.count("<caption>") == 1
        assert table.count('<th scope="col"') == 2
    assert '<th scope="row">&lt;Planerad&gt;</th><td class="text-end">1</td>' in counts
    assert '<th scope="row">Energi &lt;&amp;&gt;</th>' in counts
    assert "Initiativ &amp; co" in counts
    assert "Not updated in 60 days: 4" in counts


def _filter_form(html: str) -> str:
    return _between(html, 'class="kf-filters', "</form>")


def test_filter_options_mark_the_chosen_one_in_the_active_language(world) -> None:
    client = client_for(world.office)
    url = reverse("activities:activity_list")
    unfiltered = _filter_form(client.get(url).content.decode())
    organisations = _between(unfiltered, 'name="organisation"', "</select>")
    assert organisations.count(" selected") == 1
    assert '<option value="" selected>Alla</option>' in organisations
    chosen = _filter_form(client.get(url, {"organisation": world.org_b.pk}).content.decode())
    organisations = _between(chosen, 'name="organisation"', "</select>")
    assert organisations.count(" selected") == 1
    assert f'<option value="{world.org_b.pk}" selected>{world.org_b.name}</option>' in organisations
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url, {"kind": "initiative"}, HTTP_ACCEPT_LANGUAGE="en")
    html = _filter_form(english.content.decode())
    assert '<option value="" selected>All</option>' in _between(
        html, 'name="organisation"', "</select>"
    )
    assert '<option value="initiative" selected>Initiative</option>' in html


def test_activity_rows_escape_texts_and_show_every_badge(world) -> None:
    from roadmap.models import Challenge

    today = timezone.localdate()
    activity = ActivityFactory(
        title='<script>"Sol" & vind</script>',
        start_date=dt.date(2026, 1, 2) if today > dt.date(2026, 1, 2) else today,
        end_date=today + dt.timedelta(days=100),
        is_shared=True,
        signal_override=Signal.LATE,
        last_status_update_at=timezone.now() - dt.timedelta(days=200),
    )
    ParticipationFactory(activity=activity, organisation=world.org_a, is_lead=True)
    ParticipationFactory(activity=activity, organisation=world.org_b)
    activity.challenges.set(Challenge.objects.filter(number__in=[1, 17]))
    MilestoneFactory(activity=activity, done_on=today)
    for _ in range(3):
        MilestoneFactory(activity=activity, due_date=today + dt.timedelta(days=20))
    world.org_a.name = "A&B <AB>"
    world.org_a.save()
    html = client_for(world.office).get(reverse("activities:activity_list")).content.decode()
    row = _squash(_between(html, "<tbody>", "</tbody>"))
    assert "<script>" not in row
    assert "&lt;script&gt;&quot;Sol&quot; &amp; vind&lt;/script&gt;" in row
    assert "A&amp;B &lt;AB&gt;" in row
    assert "<td>1, 17</td>" in row
    assert "<td>1/4</td>" in row
    assert "<td>2</td>" in row  # the working group
    assert f"{activity.start_date:%Y-%m-%d} – {activity.end_date:%Y-%m-%d}" in row
    for badge in ("kf-status-ongoing", "kf-signal-late", "kf-signal-manual", "kf-stale", "Delad"):
        assert badge in row


def test_filter_choices_follow_a_renamed_challenge(world) -> None:
    """Renaming a challenge (same primary key) shows the new name in the filter at once."""
    from roadmap.models import Challenge

    client = client_for(world.office)
    url = reverse("activities:activity_list")
    challenge = Challenge.objects.get(number=3)
    assert challenge.name_sv in client.get(url).content.decode()
    challenge.name_sv = "Omdöpt utmaning"
    challenge.save()
    assert "Omdöpt utmaning" in client.get(url).content.decode()


def test_the_dashboard_page_lists_real_rows(world) -> None:
    """Unpatched: a late activity shows in its attention list, the timeline and its table."""
    late = ActivityFactory(
        title="Sen <b>",
        end_date=timezone.localdate() - dt.timedelta(days=1),
        start_date=timezone.localdate() - dt.timedelta(days=50),
    )
    ParticipationFactory(activity=late, organisation=world.org_a, is_lead=True)
    html = client_for(world.strategic).get(reverse("activities:dashboard")).content.decode()
    late_list = _between(html, 'data-testid="attention-late"', "</section>")
    assert "Sen &lt;b&gt;" in late_list
    assert world.org_a.name in late_list
    assert 'class="kf-gantt-bar kf-gantt-late"' in html
    assert Activity.objects.count() == 1
