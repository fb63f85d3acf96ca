"""Selectors: who sees what, what the dashboard counts, and how many queries each read costs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import policy
from activities import selectors
from activities.models import Activity, Meeting, Signal
from activities.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MeetingFactory,
    MilestoneFactory,
    activity_with_team,
)
from partners.tests.factories import commit
from roadmap.models import Challenge, Cluster, FocusArea

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def mixed(world):
    """Activities of mixed kinds and states: on track, late, at risk (overdue milestone),
    stale, without a lead, completed, and one shared by B."""
    mobility = Challenge.objects.get(number=1)
    food = Challenge.objects.get(number=17)
    on_track = activity_with_team(world.org_a, title="I fas", kind=Activity.Kind.INITIATIVE)
    on_track.challenges.set([mobility])
    late = activity_with_team(
        world.org_a,
        title="Försenad",
        kind=Activity.Kind.INVESTIGATION,
        start_date=TODAY() - dt.timedelta(days=200),
        end_date=TODAY() - dt.timedelta(days=1),
    )
    late.challenges.set([food])
    at_risk = activity_with_team(world.org_b, title="Risk", kind=Activity.Kind.EXTERNAL_PROJECT)
    MilestoneFactory(activity=at_risk, due_date=TODAY() - dt.timedelta(days=3))
    stale = activity_with_team(
        world.org_b,
        title="Tyst",
        kind=Activity.Kind.CONSULTANCY,
        last_status_update_at=timezone.now() - dt.timedelta(days=90),
    )
    no_lead = activity_with_team(world.org_b, lead=False, title="Ledarlös")
    done = activity_with_team(world.org_b, title="Klar", lifecycle=Activity.Lifecycle.COMPLETED)
    shared = activity_with_team(world.org_b, title="Delad", is_shared=True)
    return {
        "on_track": on_track,
        "late": late,
        "at_risk": at_risk,
        "stale": stale,
        "no_lead": no_lead,
        "done": done,
        "shared": shared,
    }


def test_partner_contacts_see_their_organisations_activities_and_shared_ones(world, mixed):
    seen = set(
        selectors.list_activities(visible_to=world.contact_a).values_list("title", flat=True)
    )
    assert seen == {"I fas", "Försenad", "Delad"}


@pytest.mark.parametrize("role", ["office", "strategic", "superuser"])
def test_office_and_strategic_group_see_every_activity(world, mixed, role):
    assert selectors.list_activities(visible_to=getattr(world, role)).count() == len(mixed)


def test_the_inactive_user_sees_nothing(world, mixed):
    assert selectors.list_activities(visible_to=world.inactive).count() == 0


def test_rows_carry_the_computed_signal_staleness_and_lead(world, mixed):
    rows = {r.title: r for r in selectors.list_activity_rows(visible_to=world.office)}
    assert rows["I fas"].signal == Signal.ON_TRACK
    assert rows["Försenad"].signal == Signal.LATE
    assert rows["Risk"].signal == Signal.AT_RISK
    assert rows["Tyst"].is_stale
    assert not rows["I fas"].is_stale
    assert rows["Ledarlös"].lead_name is None
    assert rows["I fas"].lead_name == world.org_a.name
    assert rows["Klar"].signal is None


def test_filters_narrow_the_list(world, mixed):
    mobility = FocusArea.objects.get(challenges__number=1)

    def titles(**kwargs):
        filters = selectors.ActivityFilters(**kwargs)
        return set(
            selectors.list_activities(visible_to=world.office, filters=filters).values_list(
                "title", flat=True
            )
        )

    assert titles(focus_area=mobility.pk) == {"I fas"}
    assert titles(challenge=Challenge.objects.get(number=17).pk) == {"Försenad"}
    assert titles(organisation=world.org_a.pk) == {"I fas", "Försenad"}
    assert titles(kind=Activity.Kind.CONSULTANCY) == {"Tyst"}
    assert titles(lifecycle=Activity.Lifecycle.COMPLETED) == {"Klar"}
    assert titles(signal=Signal.AT_RISK) == {"Risk"}


def test_focus_area_filter_follows_clusters_too(world, mixed):
    cluster = Cluster.objects.create(code="bygg", name_sv="Byggande")
    cluster.challenges.set(Challenge.objects.filter(number__in=[6, 7]))
    mixed["shared"].clusters.set([cluster])
    area = Challenge.objects.get(number=6).focus_area
    filters = selectors.ActivityFilters(focus_area=area.pk)
    titles = {a.title for a in selectors.list_activities(visible_to=world.office, filters=filters)}
    assert titles == {"Delad"}


def test_dashboard_counts_and_needs_attention(world, mixed):
    commit(world.org_a, [1, 2, 3, 4, 5])  # 1 has an activity; 2–5 have none
    commit(world.org_b, [2], confirmed=False)  # drafts do not count
    MeetingFactory(
        kind=Meeting.Kind.SEMINAR,
        status=Meeting.Status.HELD,
        starts_at=timezone.now().replace(month=1, day=15),
    )
    MeetingFactory(kind=Meeting.Kind.SEMINAR, starts_at=timezone.now().replace(month=12, day=15))
    data = selectors.dashboard(visible_to=world.strategic)
    assert data.total == 7
    assert {v: n for v, _l, n in data.by_signal} == {"on_track": 4, "at_risk": 1, "late": 1}
    assert {v: n for v, _l, n in data.by_lifecycle}["completed"] == 1
    assert {v: n for v, _l, n in data.by_kind}["investigation"] == 1
    assert [r.title for r in data.late] == ["Försenad"]
    assert [r.title for r in data.at_risk] == ["Risk"]
    assert [r.title for r in data.stale] == ["Tyst"]
    assert [r.title for r in data.no_lead] == ["Ledarlös"]
    assert [c["number"] for c in data.uncovered_challenges] == [2, 3, 4, 5]
    areas = dict(data.by_focus_area)
    assert areas[Challenge.objects.get(number=1).focus_area.name] == 1
    seminar = next(m for m in data.meetings_by_kind if m["kind"] == "seminar")
    assert (seminar["held"], seminar["planned"]) == (1, 1)
    assert {r.title for r in data.timeline} == {
        "I fas",
        "Försenad",
        "Risk",
        "Tyst",
        "Ledarlös",
        "Delad",
    }


def test_dashboard_focus_areas_and_uncovered_challenges_follow_clusters(world, mixed):
    """An activity counts once per focus area through its challenges or its clusters'; a cancelled activity covers
    nothing; each organisation counts once; filters narrow the counts."""
    cluster = Cluster.objects.create(code="bygg", name_sv="Byggande")
    cluster.challenges.set(Challenge.objects.filter(number__in=[1, 6, 7]))
    mixed["shared"].clusters.set([cluster])  # also serves challenge 1's area through 1
    mixed["late"].clusters.set([cluster])
    cancelled = activity_with_team(world.org_a, lifecycle=Activity.Lifecycle.CANCELLED)
    cancelled.challenges.set(Challenge.objects.filter(number=4))
    commit(world.org_a, [1, 4, 6, 8])
    commit(world.org_b, [8, 9])

    def expected(activities):
        counts = dict.fromkeys(FocusArea.objects.all(), 0)
        for a in activities:
            areas = {c.focus_area for c in a.challenges.all()}
            areas |= {c.focus_area for k in a.clusters.all() for c in k.challenges.all()}
            for area in areas:
                counts[area] += 1
        return [(area.name, n) for area, n in counts.items()]

    data = selectors.dashboard(visible_to=world.strategic)
    assert data.by_focus_area == expected(Activity.objects.all())
    assert data.uncovered_challenges == [
        {"number": c.number, "name": c.name, "organisations": n}
        for c, n in [
            (Challenge.objects.get(number=4), 1),
            (Challenge.objects.get(number=8), 2),
            (Challenge.objects.get(number=9), 1),
        ]
    ]
    filters = selectors.ActivityFilters(kind=Activity.Kind.INVESTIGATION)
    data = selectors.dashboard(visible_to=world.strategic, filters=filters)
    assert data.by_focus_area == expected(Activity.objects.filter(kind=filters.kind))
    assert selectors.dashboard(visible_to=world.inactive).by_focus_area == expected([])


def test_dashboard_runs_a_constant_number_of_queries(world, mixed, django_assert_max_num_queries):
    commit(world.org_a, [2])
    selectors.dashboard(visible_to=world.office)  # warm the content-type and other caches
    # 1 the open activities with their milestone facts and lead; 2 counts by kind and
    # lifecycle; 3 (activity, focus area) pairs through challenges and clusters; 4 challenges
    # committed to without an activity; 5 meetings this year by kind and status.
    with django_assert_max_num_queries(5):
        selectors.dashboard(visible_to=world.office)
    for i in range(5):
        a = activity_with_team(world.org_a, world.org_b, kind=Activity.Kind.CONSULTANCY)
        MilestoneFactory(activity=a)
        a.challenges.set([Challenge.objects.get(number=10 + i)])
    with django_assert_max_num_queries(5):
        selectors.dashboard(visible_to=world.office)
    # Filtered by kind the same; by signal too (its counts come from the rows read).
    with django_assert_max_num_queries(5):
        selectors.dashboard(
            visible_to=world.office,
            filters=selectors.ActivityFilters(kind=Activity.Kind.CONSULTANCY),
        )
    with django_assert_max_num_queries(5):
        selectors.dashboard(
            visible_to=world.office, filters=selectors.ActivityFilters(signal=Signal.LATE)
        )


def test_focus_area_counts_follow_every_change_of_what_activities_serve(world, mixed):
    """A change of an activity's challenges or clusters by any route, or of a cluster's
    challenges, shows at the next read."""

    def counts() -> dict[str, int]:
        return dict(selectors.dashboard(visible_to=world.strategic).by_focus_area)

    food, heating = Challenge.objects.get(number=17), Challenge.objects.get(number=6)
    food_area, heating_area = food.focus_area.name, heating.focus_area.name
    before = counts()
    activity = mixed["no_lead"]
    activity.challenges.add(heating)  # straight on the relation, not through a service
    assert counts()[heating_area] == before[heating_area] + 1
    heating.activities.remove(activity)  # from the other side
    assert counts() == before
    cluster = Cluster.objects.create(code="mat-test", name_sv="Mat", name_en="Food")
    activity.clusters.add(cluster)
    assert counts() == before  # an empty cluster serves nothing
    cluster.challenges.add(food)  # the cluster's challenges change, not the activity
    assert counts()[food_area] == before[food_area] + 1
    cluster.delete()
    assert counts() == before


def test_activity_list_reads_cost_the_same_for_3_or_13_activities(world, mixed):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.with_signals(list(selectors.list_activities(visible_to=world.contact_a)))
        return len(ctx.captured_queries)

    policy.organisation_ids(world.contact_a)  # cached on the user for the request
    before = count()
    for _ in range(10):
        a = activity_with_team(world.org_a, world.org_b)
        a.challenges.set([Challenge.objects.get(number=3)])
    # 1 activities with milestone facts and lead; 2 participations with organisations;
    # 3 challenges.
    assert count() == before == 3


def test_partner_contacts_see_meetings_for_all_partners_and_their_invitations(world):
    MeetingFactory(kind=Meeting.Kind.PARTNERSHIP_DAY, title="Partnerskapsdag")
    invited = MeetingFactory(kind=Meeting.Kind.GROUPING, title="Gruppering")
    invited.invited_organisations.set([world.org_a])
    MeetingFactory(kind=Meeting.Kind.STRATEGIC_GROUP, title="Strategisk grupp")
    MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, title="Arbetsgrupp", organiser=world.org_a)
    seen = {m.title for m in selectors.list_meetings(visible_to=world.contact_a)}
    assert seen == {"Partnerskapsdag", "Gruppering", "Arbetsgrupp"}
    assert selectors.list_meetings(visible_to=world.strategic).count() == 4


def test_meeting_attendance_counts_per_organisation_and_kind(world):
    year = timezone.now().year
    jan = timezone.now().replace(month=1, day=10)
    seminar = MeetingFactory(kind=Meeting.Kind.SEMINAR, starts_at=jan, status=Meeting.Status.HELD)
    day = MeetingFactory(
        kind=Meeting.Kind.PARTNERSHIP_DAY, starts_at=jan, status=Meeting.Status.HELD
    )
    cancelled = MeetingFactory(
        kind=Meeting.Kind.SEMINAR, starts_at=jan, status=Meeting.Status.CANCELLED
    )
    last_year = MeetingFactory(kind=Meeting.Kind.SEMINAR, starts_at=jan.replace(year=year - 1))
    for meeting in (seminar, day, cancelled, last_year):
        AttendanceFactory(meeting=meeting, organisation=world.org_a)
    # Two people from A at the seminar still count one meeting.
    AttendanceFactory(
        meeting=seminar, organisation=world.org_a, contact=world.contact_a.contact_person
    )
    AttendanceFactory(meeting=day, organisation=world.org_b, attended=False)
    counts = selectors.meeting_attendance_counts(year)
    assert counts == [
        {
            "organisation_id": world.org_a.pk,
            "organisation_name": world.org_a.name,
            "meetings_attended": 2,
            "by_kind": {"partnership_day": 1, "seminar": 1},
        }
    ]


def test_activity_counts_for_a_year(world):
    year = timezone.now().year
    activity_with_team(
        world.org_a,
        world.org_b,
        kind=Activity.Kind.INITIATIVE,
        start_date=dt.date(year, 3, 1),
        end_date=dt.date(year, 5, 1),
    )
    activity_with_team(
        world.org_b,
        kind=Activity.Kind.INVESTIGATION,
        start_date=dt.date(year - 1, 3, 1),
        end_date=dt.date(year + 1, 5, 1),
    )
    activity_with_team(
        world.org_b,
        lifecycle=Activity.Lifecycle.CANCELLED,
        start_date=dt.date(year, 3, 1),
        end_date=dt.date(year, 5, 1),
    )
    ActivityFactory(start_date=dt.date(year - 2, 1, 1), end_date=dt.date(year - 2, 2, 1))
    counts = selectors.activity_counts(year)
    assert counts["total"] == 2
    assert counts["by_kind"] == {"initiative": 1, "investigation": 1}
    per_org = {
        r["organisation_id"]: (r["activities"], r["leading"]) for r in counts["by_organisation"]
    }
    assert per_org == {world.org_a.pk: (1, 1), world.org_b.pk: (2, 1)}


def test_attended_intro_meeting(world):
    assert selectors.attended_intro_meeting(world.org_a) is False
    intro = MeetingFactory(
        kind=Meeting.Kind.INTRO,
        starts_at=timezone.now() - dt.timedelta(days=2),
        status=Meeting.Status.HELD,
    )
    AttendanceFactory(meeting=intro, organisation=world.org_a)
    assert selectors.attended_intro_meeting(world.org_a) is True
    assert selectors.attended_intro_meeting(world.org_b) is False


def test_organisation_section_lists_activities_and_meetings(world, mixed):
    from partners.sections import sections_for

    AttendanceFactory(
        meeting=MeetingFactory(kind=Meeting.Kind.PARTNERSHIP_DAY, title="Vårdagen"),
        organisation=world.org_a,
    )
    sections = sections_for(world.org_a, world.contact_a)
    ours = next(s for s in sections if s["template"] == "activities/_organisation_section.html")
    assert {a.title for a in ours["context"]["activities"]} == {"I fas", "Försenad"}
    assert [m["meeting__title"] for m in ours["context"]["meetings"]] == ["Vårdagen"]


def test_rows_and_cards_agree_on_staleness(world, mixed):
    """The follow-up rows and the cards both run followup.is_stale: they must say the same."""
    Activity.objects.filter(pk=mixed["no_lead"].pk).update(
        last_status_update_at=None, created_at=timezone.now() - dt.timedelta(days=61)
    )
    Activity.objects.filter(pk=mixed["done"].pk).update(
        last_status_update_at=timezone.now() - dt.timedelta(days=300)
    )
    rows = {r.pk: r.is_stale for r in selectors.list_activity_rows(visible_to=world.office)}
    cards = selectors.with_signals(list(selectors.list_activities(visible_to=world.office)))
    assert {a.pk: a.is_stale for a in cards} == rows
    assert sorted(pk for pk, stale in rows.items() if stale) == sorted(
        [mixed["stale"].pk, mixed["no_lead"].pk]
    )


def test_the_list_page_rows_agree_with_the_rule_and_the_cards(world, mixed):
    """The list page's rows (one page of list_activities) carry what the rule and the full
    cards say: signal, staleness, lead, team, milestones and challenges, in page order."""
    from django.urls import reverse

    from tests.fixtures import client_for

    Activity.objects.filter(pk=mixed["no_lead"].pk).update(
        last_status_update_at=None, created_at=timezone.now() - dt.timedelta(days=61)
    )
    Activity.objects.filter(pk=mixed["on_track"].pk).update(signal_override=Signal.LATE)
    MilestoneFactory(activity=mixed["late"], done_on=TODAY())
    mixed["late"].challenges.add(Challenge.objects.get(number=3))

    order = list(Activity.objects.order_by("-start_date", "title").values_list("pk", flat=True))
    cards = {
        a.pk: a for a in (selectors.get_activity(visible_to=world.office, pk=pk) for pk in order)
    }
    rule = {r.pk: r for r in selectors.list_activity_rows(visible_to=world.office)}
    page = client_for(world.office).get(reverse("activities:activity_list")).context["activities"]
    assert [row.pk for row in page] == order
    for row in page:
        card = cards[row.pk]
        assert row.signal == rule[row.pk].signal == card.signal
        assert row.is_stale == rule[row.pk].is_stale == card.is_stale
        assert bool(row.signal_override) == rule[row.pk].is_overridden
        assert row.lead_name == rule[row.pk].lead_name
        assert row.team_size == len(card.participations.all())
        assert (row.ms_total, row.ms_done) == (
            len(card.milestones.all()),
            len([m for m in card.milestones.all() if m.done_on]),
        )
        assert [c.number for c in row.challenges.all()] == sorted(
            c.number for c in card.challenges.all()
        )
    assert selectors.list_activities(visible_to=world.inactive).count() == 0


def test_the_partner_page_shows_the_activities_section(world, mixed):
    from django.urls import reverse

    from tests.fixtures import client_for

    html = (
        client_for(world.contact_a)
        .get(reverse("partners:organisation_detail", args=[world.org_a.pk]))
        .content.decode()
    )
    section = html.split('data-testid="organisation-activities"', 1)[1]
    assert "Aktiviteter och träffar" in section
    assert "I fas" in section
    assert "Försenad" in section


def test_dashboard_counts_meetings_by_the_local_year(world):
    """A meeting just after midnight on 1 January, Swedish time, belongs to the new year even
    though it is still 31 December in UTC; one just before belongs to the old year."""
    year = TODAY().year
    first = timezone.make_aware(dt.datetime(year, 1, 1, 0, 30))
    MeetingFactory(kind=Meeting.Kind.SEMINAR, status=Meeting.Status.HELD, starts_at=first)
    MeetingFactory(
        kind=Meeting.Kind.SEMINAR,
        status=Meeting.Status.HELD,
        starts_at=first - dt.timedelta(hours=1),
    )
    MeetingFactory(
        kind=Meeting.Kind.SEMINAR,
        status=Meeting.Status.PLANNED,
        starts_at=timezone.make_aware(dt.datetime(year, 12, 31, 23, 30)),
    )
    data = selectors.dashboard(visible_to=world.strategic)
    seminar = next(m for m in data.meetings_by_kind if m["kind"] == "seminar")
    assert (seminar["held"], seminar["planned"], seminar["cancelled"]) == (1, 1, 0)


def test_dashboard_follows_every_write_the_date_and_the_staleness_limit(world, mixed):
    """Every kind of write, a renamed lead, a later day and an activity passing the staleness
    limit show at the next read."""
    from activities import services
    from activities.models import Participation

    def board(now=None):
        return selectors.dashboard(visible_to=world.strategic, now=now)

    before = board()
    assert before.attention_counts == {"late": 1, "at_risk": 1, "stale": 1, "no_lead": 1}
    # A status update (a service's UPDATE, not save()).
    services.update_status(
        activity=mixed["late"], by=world.office, lifecycle=Activity.Lifecycle.COMPLETED
    )
    assert board().attention_counts["late"] == 0
    # The overdue milestone done.
    milestone = mixed["at_risk"].milestones.get()
    services.update_milestone(
        milestone=milestone,
        by=world.office,
        title=milestone.title,
        due_date=milestone.due_date,
        done_on=TODAY(),
    )
    assert board().attention_counts["at_risk"] == 0
    # The lead leaves the team, straight on the table.
    Participation.objects.filter(activity=mixed["on_track"], is_lead=True).delete()
    assert board().attention_counts["no_lead"] == 2
    # The lead of a shown row is renamed.
    timeline = {row.title: row for row in board().timeline}
    assert timeline["Risk"].lead_name == world.org_b.name
    world.org_b.name = "Beta Bygg och Anläggning AB"
    world.org_b.save()
    assert {r.title: r for r in board().timeline}["Risk"].lead_name == world.org_b.name
    # Time alone, within the day: an activity last reported just under the limit ago turns
    # stale an hour later, with nothing written.
    now = timezone.now()
    activity_with_team(world.org_a, last_status_update_at=now - dt.timedelta(days=60, hours=-1))
    assert board(now=now).attention_counts["stale"] == 1
    assert board(now=now + dt.timedelta(hours=2)).attention_counts["stale"] == 2
    # Past the limit every followed activity without a recent report is stale.
    later = timezone.now() + dt.timedelta(days=61)
    assert board(now=later).attention_counts["stale"] > 1
    assert board().attention_counts["stale"] == 1  # an earlier moment is not served the later
