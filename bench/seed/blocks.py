"""Seeding activities, spaces and survey answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bench.seed.sizes import (
    ACTIVITIES,
    MEETINGS,
    MILESTONES_PER_ACTIVITY,
    POSTS,
    SURVEY_YEARS,
    Seeded,
    _Block,
    _only,
    _refresh,
)


def _rounds(seeded: Seeded) -> list[Any]:
    """The open round (made by the world) and the earlier rounds, approved."""
    if seeded.rounds:
        return seeded.rounds
    from surveys import services
    from surveys.models import SurveyRound

    current = SurveyRound.objects.order_by("-year").first()
    assert current is not None, "the access world makes this year's round"
    for year in range(current.year - SURVEY_YEARS + 1, current.year):
        services.create_round(
            year=year, opens_on=dt.date(year, 1, 10), closes_on=dt.date(year, 3, 31), by=None
        )
    _refresh("surveys.services:create_default_indicators")
    seeded.rounds = list(SurveyRound.objects.order_by("year"))
    return seeded.rounds


def _slots(survey_round: Any) -> list[Any]:
    from surveys.rules import build_slots

    return [
        s
        for s in build_slots(
            survey_round.questions.all(),
            years=survey_round.years(),
            reporting_year=survey_round.reporting_year,
            challenges=[],
        )
        if s.question.kind in {"decimal", "scope3", "likert"}
    ]


def _activities(b: _Block) -> None:
    from activities.models import Activity, Meeting, MeetingAttendance, Milestone, Participation

    rng, challenges, orgs, today, now, block = b.rng, b.challenges, b.orgs, b.today, b.now, b.number

    # Activities, their organisations, challenges, milestones; meetings and attendance.
    a_kinds = [k for k, _label in Activity.Kind.choices]
    lifecycles = [c for c, _label in Activity.Lifecycle.choices]
    activities = Activity.objects.bulk_create(
        [
            _only(
                Activity,
                title=f"Benchaktivitet {block * ACTIVITIES + n:05d}",
                kind=a_kinds[n % len(a_kinds)],
                lifecycle=lifecycles[n % len(lifecycles)],
                purpose="Syfte " * 40,
                goal="Mål " * 40,
                start_date=(start := today + dt.timedelta(days=rng.randint(-700, 200))),
                end_date=start + dt.timedelta(days=rng.randint(30, 700)),
                learning_and_sharing=n % 5 == 0,
                is_shared=n % 3 == 0,
                last_status_update_at=now - dt.timedelta(days=rng.randint(0, 120)),
            )
            for n in range(ACTIVITIES)
        ]
    )
    through = Activity.challenges.through
    through.objects.bulk_create(
        [
            through(activity_id=a.pk, challenge_id=c.pk)
            for a in activities
            for c in rng.sample(challenges, k=rng.randint(1, 2))
        ]
    )
    Participation.objects.bulk_create(
        [
            _only(Participation, activity=a, organisation=o, is_lead=i == 0 and n % 7 != 0)
            for n, a in enumerate(activities)
            for i, o in enumerate(rng.sample(orgs, k=rng.randint(1, 4)))
        ]
    )
    Milestone.objects.bulk_create(
        [
            _only(
                Milestone,
                activity=a,
                title=f"Delmål {k}",
                due_date=(
                    due := a.start_date
                    + (a.end_date - a.start_date) * (k + 1) / (MILESTONES_PER_ACTIVITY + 1)
                ),
                done_on=due if due < today and rng.random() < 0.7 else None,
            )
            for a in activities
            for k in range(MILESTONES_PER_ACTIVITY)
        ]
    )
    m_kinds = [k for k, _label in Meeting.Kind.choices]
    meetings = Meeting.objects.bulk_create(
        [
            _only(
                Meeting,
                kind=m_kinds[n % len(m_kinds)],
                title=f"Benchträff {block * MEETINGS + n:04d}",
                starts_at=(starts := now + dt.timedelta(days=rng.randint(-300, 120))),
                ends_at=starts + dt.timedelta(hours=2),
                status=Meeting.Status.HELD if starts < now else Meeting.Status.PLANNED,
            )
            for n in range(MEETINGS)
        ]
    )
    MeetingAttendance.objects.bulk_create(
        [
            _only(MeetingAttendance, meeting=m, organisation=o)
            for m in meetings
            if m.status == Meeting.Status.HELD
            for o in rng.sample(orgs, k=rng.randint(3, 12))
        ]
    )


def _spaces(b: _Block) -> None:
    from spaces.models import Comment, Post, Space

    rng, orgs, users, block = b.rng, b.orgs, b.users, b.number

    # Spaces: posts by the new organisations' contacts, a quarter of them with a comment.
    spaces = list(Space.objects.all())
    words = ["resepolicy", "tåg", "laddinfrastruktur", "matsvinn", "solceller", "återbruk"]
    p_kinds = [k for k, _label in Post.Kind.choices]
    posts = []
    for n in range(POSTS):
        body = f"Erfarenheter av {rng.choice(words)} och {rng.choice(words)}, del {n}."
        posts.append(
            _only(
                Post,
                space=spaces[n % len(spaces)],
                kind=p_kinds[n % len(p_kinds)],
                title=f"Inlägg {block * POSTS + n} om {rng.choice(words)}",
                body=body,
                body_html=f"<p>{body}</p>",
                excerpt=body,
                is_reusable=n % 5 == 0,
                author=users[n % len(users)],
                organisation=orgs[(n * 3) % len(orgs)],
            )
        )
    created = Post.objects.bulk_create(posts)
    Comment.objects.bulk_create(
        [
            _only(
                Comment,
                post=p,
                body="Tack!",
                body_html="<p>Tack!</p>",
                organisation_id=p.organisation_id,
            )
            for p in created[::4]
        ]
    )


def _surveys(b: _Block) -> None:
    from surveys.models import Answer, Response

    rng, orgs, now, seeded = b.rng, b.orgs, b.now, b.seeded

    # Surveys: every new organisation answers every round; earlier rounds approved, the open one
    # a draft half filled in (the deadline is near).
    for survey_round in _rounds(seeded):
        is_open = survey_round is seeded.rounds[-1]
        responses = Response.objects.bulk_create(
            [
                _only(
                    Response,
                    round=survey_round,
                    organisation=o,
                    state=Response.State.DRAFT if is_open else Response.State.APPROVED,
                    approved_at=None if is_open else now,
                    last_edited_at=now,
                )
                for o in orgs
            ]
        )
        slots = _slots(survey_round)
        answers = []
        for response in responses:
            for i, slot in enumerate(slots):
                if is_open and i % 2:
                    continue
                question = slot.question
                if question.kind == "likert":
                    value, choice, raw = None, rng.choice(["1", "2", "3", "4", "5", "dk"]), ""
                else:
                    value = Decimal(rng.randint(0, 100_000)) / 10
                    raw = str(value)
                    choice = "calculated" if question.kind == "scope3" else ""
                answers.append(
                    _only(
                        Answer,
                        response=response,
                        question=question,
                        field_name=slot.field_name,
                        year=slot.year,
                        raw=raw,
                        value=value,
                        choice=choice,
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=5000)
