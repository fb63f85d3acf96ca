"""Activities (issue 4): the activity list and the dashboard with 2,000 activities, 10,000
milestones, 500 meetings and 200 organisations, beside the minimal view (targets: list ≤ 3×,
dashboard ≤ 5×), and the time to render the gallery PDF per card."""

from __future__ import annotations

import datetime as dt
import random
import statistics

from bench.harness import Row, measure_view, percentile, time_call
from bench.scenarios import Context

SCALES = {
    # organisations, activities, milestones per activity, meetings
    "full": (200, 2_000, 5, 500),
    "small": (50, 300, 5, 80),
}
GALLERY_CARDS = 10


def seed(organisations: int, activities: int, milestones_each: int, meetings: int) -> None:
    from django.utils import timezone

    from activities.lead import refresh_lead
    from activities.milestone_facts import refresh_milestone_facts
    from activities.models import (
        Activity,
        Meeting,
        MeetingAttendance,
        Milestone,
        Participation,
    )
    from partners.models import Organisation
    from partners.tests.factories import organisation_number
    from roadmap.models import Challenge

    rng = random.Random(4)
    today = timezone.localdate()
    now = timezone.now()
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Aktivitetspartner {n:04d} AB",
                organisation_number=organisation_number(700_000 + n),
                kind=Organisation.Kind.COMPANY,
                status=Organisation.Status.ACTIVE,
            )
            for n in range(organisations)
        ]
    )
    kinds = [k for k, _label in Activity.Kind.choices]
    lifecycles = [c for c, _label in Activity.Lifecycle.choices]
    created = Activity.objects.bulk_create(
        [
            Activity(
                title=f"Benchaktivitet {n:05d}",
                kind=kinds[n % len(kinds)],
                lifecycle=lifecycles[n % len(lifecycles)],
                purpose="Syfte " * 40,
                goal="Mål " * 40,
                start_date=(start := today + dt.timedelta(days=rng.randint(-700, 200))),
                end_date=start + dt.timedelta(days=rng.randint(30, 700)),
                learning_and_sharing=n % 5 == 0,
                is_shared=n % 3 == 0,
                last_status_update_at=now - dt.timedelta(days=rng.randint(0, 120)),
            )
            for n in range(activities)
        ],
        batch_size=1000,
    )
    challenges = list(Challenge.objects.all())
    through = Activity.challenges.through
    through.objects.bulk_create(
        [
            through(activity_id=a.pk, challenge_id=c.pk)
            for a in created
            for c in rng.sample(challenges, k=rng.randint(1, 2))
        ],
        batch_size=2000,
    )
    Participation.objects.bulk_create(
        [
            Participation(activity=a, organisation=o, is_lead=i == 0 and n % 7 != 0)
            for n, a in enumerate(created)
            for i, o in enumerate(rng.sample(orgs, k=rng.randint(1, 4)))
        ],
        batch_size=2000,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                activity=a,
                title=f"Delmål {k}",
                due_date=(
                    due := a.start_date
                    + (a.end_date - a.start_date) * (k + 1) / (milestones_each + 1)
                ),
                done_on=due if due < today and rng.random() < 0.7 else None,
            )
            for a in created
            for k in range(milestones_each)
        ],
        batch_size=2000,
    )
    refresh_milestone_facts()  # bulk_create sends no signals
    refresh_lead()
    meeting_kinds = [k for k, _label in Meeting.Kind.choices]
    made = Meeting.objects.bulk_create(
        [
            Meeting(
                kind=meeting_kinds[n % len(meeting_kinds)],
                title=f"Benchträff {n:04d}",
                starts_at=(starts := now + dt.timedelta(days=rng.randint(-300, 120))),
                ends_at=starts + dt.timedelta(hours=2),
                status=Meeting.Status.HELD if starts < now else Meeting.Status.PLANNED,
            )
            for n in range(meetings)
        ]
    )
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(meeting=m, organisation=o)
            for m in made
            if m.status == Meeting.Status.HELD
            for o in rng.sample(orgs, k=rng.randint(3, 12))
        ],
        batch_size=2000,
    )


def run(ctx: Context) -> list[Row]:
    from activities import selectors
    from activities.models import Activity
    from reporting.pdf import render_pdf

    organisations, activities, milestones_each, meetings = SCALES[ctx.scale]
    seed(organisations, activities, milestones_each, meetings)
    scale = (
        f"{activities} activities, {activities * milestones_each} milestones, "
        f"{meetings} meetings, {organisations} organisations"
    )
    common = {"section": "activities", "scale": scale, "baseline_ms": ctx.baseline_ms}
    strategic = ctx.as_user("strategic")
    rows = [
        measure_view(
            ctx.client, "/activities/", name="activity list (office)", target_ratio=3.0, **common
        ),
        measure_view(
            ctx.client,
            "/activities/?kind=investigation&lifecycle=ongoing",
            name="activity list, filtered (office)",
            target_ratio=3.0,
            **common,
        ),
        measure_view(
            strategic,
            "/activities/dashboard/",
            name="dashboard (strategic group)",
            target_ratio=5.0,
            repeat=15,
            **common,
        ),
        measure_view(
            strategic,
            "/activities/dashboard/?kind=initiative",
            name="dashboard, filtered by kind",
            target_ratio=5.0,
            repeat=15,
            **common,
        ),
        measure_view(ctx.client, "/activities/meetings/", name="meeting list (office)", **common),
    ]
    ids = list(Activity.objects.order_by("pk").values_list("pk", flat=True)[:GALLERY_CARDS])
    user = ctx.users["office"]

    def gallery() -> bytes:
        cards = selectors.list_cards(visible_to=user, ids=ids)
        return render_pdf("activities/pdf/card.html", {"activities": cards})

    times, peak = time_call(gallery, repeat=3)
    per_card = [t / GALLERY_CARDS for t in times]
    rows.append(
        Row(
            section="activities",
            name=f"gallery PDF, per card ({GALLERY_CARDS} cards per PDF)",
            scale=scale,
            median_ms=statistics.median(per_card),
            p95_ms=percentile(per_card, 0.95),
            note=f"peak memory {peak / 1_000_000:.0f} MB",
        )
    )
    return rows
