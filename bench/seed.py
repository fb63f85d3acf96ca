"""Seed the benchmark database: the access matrix's world (sample objects for every detail page)
plus blocks of bulk-created data at a multiple of the real partnership's size.

The real size (1×) is today's partnership: 55 organisations with about 3 contacts and 6
commitments each, 200 activities, 50 meetings a year, 200 space posts. ``grow(to=10)`` brings the
database to ten times that, in blocks, so that one database can be measured at 1× and then at 10×.

Rows go in with ``bulk_create`` through the models. Fields are passed only if the model still has
them (``_only``): derived columns move between models and services while issue 19 is worked on,
and a value the database computes (a generated column) must not be given. Derived values that a
service keeps are refreshed once per block through that service, when it exists.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

# One "real size" block; the seeded database holds `scale` of them.
ORGANISATIONS = 55
CONTACTS_PER_ORGANISATION = 3
COMMITMENTS_PER_ORGANISATION = 6
ACTIVITIES = 200
MILESTONES_PER_ACTIVITY = 5
MEETINGS = 50
POSTS = 200
SURVEY_YEARS = 5  # the open round (the world's) and four earlier, approved rounds


def _only(model: type[models.Model], **values: Any) -> models.Model:
    """An unsaved ``model`` with those of ``values`` that are writable columns of it now."""
    columns = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    known = {f.name for f in columns} | {f.attname for f in columns}
    return model(**{k: v for k, v in values.items() if k in known})


def _refresh(dotted: str, *args: Any) -> str | None:
    """Call ``module:function`` if the tree under test has it (a service keeping a derived value);
    return its name when it was called."""
    module_name, _, function = dotted.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    fn: Callable[..., Any] | None = getattr(module, function, None)
    if fn is None:
        return None
    fn(*args)
    return dotted


@dataclass
class Seeded:
    scale: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    refreshed: set[str] = field(default_factory=set)
    rounds: list[Any] = field(default_factory=list)


def build_world() -> tuple[Any, dict[str, Any]]:
    """The access matrix's users and samples (tests/fixtures.py and tests/access_world.py of the
    tree under test): organisations A and B with contacts, an object of every kind."""
    from accounts.tests.factories import UserFactory
    from partners.tests.factories import (
        ContactPersonFactory,
        MembershipFactory,
        OrganisationFactory,
    )
    from roadmap.services import load_reference_data
    from tests.access_world import build
    from tests.fixtures import World

    load_reference_data()

    def contact(username: str, org: Any, *, submitter: bool, active: bool = True) -> Any:
        user = UserFactory(username=username, is_active=active)
        person = ContactPersonFactory(user=user, email=f"{username}@example.org")
        MembershipFactory(
            contact=person,
            organisation=org,
            is_survey_submitter=submitter,
            is_main_contact=submitter,
        )
        return user

    org_a = OrganisationFactory(name="Alfa Energi AB")
    org_b = OrganisationFactory(name="Beta Bygg AB")
    world = World(
        org_a=org_a,
        org_b=org_b,
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        office=UserFactory(username="kansli", is_office_staff=True, is_staff=True),
        strategic=UserFactory(username="strateg", is_strategic_group=True),
        contact_a=contact("anna_a", org_a, submitter=True),
        contact_a2=contact("bertil_a", org_a, submitter=False),
        contact_b=contact("cecilia_b", org_b, submitter=True),
        inactive=contact("ivar_inactive", org_a, submitter=False, active=False),
    )
    return world, build(world)


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


@dataclass
class _Block:
    """What the parts of one block share: its number, random numbers, today, the new rows."""

    number: int
    seeded: Seeded
    rng: random.Random
    today: dt.date
    now: dt.datetime
    challenges: list[Any]
    orgs: list[Any] = field(default_factory=list)
    users: list[Any] = field(default_factory=list)


def _block(number: int, seeded: Seeded) -> None:
    from roadmap.models import Challenge

    block = _Block(
        number,
        seeded,
        random.Random(1000 + number),
        timezone.localdate(),
        timezone.now(),
        list(Challenge.objects.all()),
    )
    _partners(block)
    _activities(block)
    _spaces(block)
    _surveys(block)


def _partners(b: _Block) -> None:
    from accounts.models import User
    from partners.models import (
        Commitment,
        CommitmentSet,
        ContactPerson,
        Declaration,
        Membership,
        Organisation,
    )
    from partners.tests.factories import organisation_number
    from roadmap.models import PartnershipPeriod

    rng, challenges = b.rng, b.challenges
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None
    kinds = [k for k, _label in Organisation.Kind.choices]
    statuses = [s for s, _label in Organisation.Status.choices]
    sectors = ["Energi", "Fastigheter", "Bygg", "Transport", "Handel", "Kommun", "Ideell"]
    base = b.number * ORGANISATIONS

    # Partners: organisations, contacts (one in three with a login), commitments, declarations.
    orgs = Organisation.objects.bulk_create(
        [
            _only(
                Organisation,
                name=f"Benchorganisation {base + n:04d} AB",
                organisation_number=organisation_number(800_000 + base + n),
                kind=kinds[n % len(kinds)],
                sector=sectors[n % len(sectors)],
                employees=rng.randint(1, 5000),
                # Mostly active partners, a few of every other status.
                status=Organisation.Status.ACTIVE if n % 6 else statuses[n % len(statuses)],
                city="Umeå",
            )
            for n in range(ORGANISATIONS)
        ]
    )
    n_contacts = ORGANISATIONS * CONTACTS_PER_ORGANISATION
    users = User.objects.bulk_create(
        [
            User(username=f"bench-{base * 3 + n}", email=f"bench-{base * 3 + n}@example.org")
            for n in range(0, n_contacts, 3)
        ]
    )
    contacts = ContactPerson.objects.bulk_create(
        [
            _only(
                ContactPerson,
                first_name=f"Förnamn{base * 3 + n}",
                last_name=f"Efternamn{base * 3 + n}",
                email=f"bench-{base * 3 + n}@example.org",
                user=users[n // 3] if n % 3 == 0 else None,
            )
            for n in range(n_contacts)
        ]
    )
    Membership.objects.bulk_create(
        [
            _only(
                Membership,
                contact=c,
                organisation=orgs[n // CONTACTS_PER_ORGANISATION],
                is_main_contact=n % CONTACTS_PER_ORGANISATION == 0,
                is_survey_submitter=n % CONTACTS_PER_ORGANISATION == 0,
                is_survey_contributor=True,
            )
            for n, c in enumerate(contacts)
        ]
    )
    sets = CommitmentSet.objects.bulk_create(
        [
            _only(
                CommitmentSet,
                organisation=o,
                period=period,
                status=CommitmentSet.Status.DRAFT
                if n % 10 == 0
                else CommitmentSet.Status.CONFIRMED,
            )
            for n, o in enumerate(orgs)
        ]
    )
    Commitment.objects.bulk_create(
        [
            _only(
                Commitment,
                commitment_set=s,
                challenge=c,
                plan="Plan för utmaningen",
                looking_for_partners=rng.random() < 0.15,
            )
            for s in sets
            for c in rng.sample(challenges, COMMITMENTS_PER_ORGANISATION)
        ]
    )
    Declaration.objects.bulk_create(
        [
            _only(
                Declaration,
                organisation=o,
                period=period,
                signed_on=dt.date(2023, 2, 1),
                signatory_name="Vd",
            )
            for n, o in enumerate(orgs)
            if n % 5
        ]
    )
    b.orgs, b.users = orgs, users


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


# Services that keep derived values, called once per block when the tree under test has them
# (bulk_create sends no signals). Missing ones are simply not there any more: their values are
# kept by the database.
REFRESHERS = [
    "activities.milestone_facts:refresh_milestone_facts",
    "activities.lead:refresh_lead",
    "surveys.indicators:recompute_indicators",
]


def grow(seeded: Seeded, to: int) -> None:
    """Add blocks until the database holds ``to`` times the real size."""
    from django.apps import apps

    while seeded.scale < to:
        _block(seeded.scale, seeded)
        seeded.scale += 1
    for dotted in REFRESHERS:
        if called := _refresh(dotted):
            seeded.refreshed.add(called)
    seeded.counts = {
        label: apps.get_model(label).objects.count()
        for label in [
            "partners.Organisation",
            "partners.ContactPerson",
            "partners.Commitment",
            "activities.Activity",
            "activities.Milestone",
            "activities.Meeting",
            "spaces.Post",
            "surveys.SurveyRound",
            "surveys.Response",
            "surveys.Answer",
        ]
    }
