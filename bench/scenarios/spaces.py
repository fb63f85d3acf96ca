"""Shared spaces (issue 8): a space's page and a library search at full scale (21 groupings,
200 organisations, 20,000 posts), beside the minimal view; and the time to build the weekly
digests for every member who chose them."""

from __future__ import annotations

import datetime as dt
import random
import statistics

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.harness import Row, measure_view, percentile, time_call
from bench.scenarios import Context

SCALES = {"full": (200, 20_000), "small": (50, 2_000)}
CHALLENGES_PER_ORGANISATION = 6
TARGET = 3.0
WEEKS = 8  # posts are spread over the last eight weeks


def seed(organisations: int, posts: int) -> dict[str, object]:
    """Bulk-create organisations with one login each, confirmed commitments, the spaces, posts
    (a fifth of them reusable), comments and weekly-digest subscriptions."""
    from accounts.models import User
    from partners.models import (
        Commitment,
        CommitmentSet,
        ContactPerson,
        Membership,
        Organisation,
    )
    from partners.tests.factories import organisation_number
    from roadmap.models import Challenge, PartnershipPeriod
    from spaces import selectors, services
    from spaces.markdown import excerpt, render_markdown
    from spaces.models import Comment, Post, Space, Subscription

    rng = random.Random(8)
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None
    challenges = list(Challenge.objects.all())
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Rumsorganisation {n:04d} AB",
                organisation_number=organisation_number(700_000 + n),
                kind=Organisation.Kind.COMPANY,
                status=Organisation.Status.ACTIVE,
            )
            for n in range(organisations)
        ]
    )
    users = User.objects.bulk_create(
        [
            User(username=f"spaces-bench-{n}", email=f"spaces-bench-{n}@example.org")
            for n in range(organisations)
        ]
    )
    contacts = ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                first_name="Rum", last_name=str(n), email=f"spaces-bench-{n}@example.org", user=u
            )
            for n, u in enumerate(users)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(contact=c, organisation=o) for c, o in zip(contacts, orgs, strict=True)]
    )
    sets = CommitmentSet.objects.bulk_create(
        [
            CommitmentSet(organisation=o, period=period, status=CommitmentSet.Status.CONFIRMED)
            for o in orgs
        ]
    )
    chosen = {s.organisation_id: rng.sample(challenges, CHALLENGES_PER_ORGANISATION) for s in sets}
    Commitment.objects.bulk_create(
        [
            Commitment(commitment_set=s, challenge=c, looking_for_partners=rng.random() < 0.2)
            for s in sets
            for c in chosen[s.organisation_id]
        ],
        batch_size=2000,
    )
    services.ensure_spaces()
    spaces = {s.challenge_id: s for s in Space.objects.filter(kind=Space.Kind.CHALLENGE)}
    members = {
        space.pk: sorted(selectors.member_organisation_ids(space)) for space in spaces.values()
    }
    user_of = {o.pk: u for o, u in zip(orgs, users, strict=True)}
    words = ["resepolicy", "tåg", "laddinfrastruktur", "matsvinn", "solceller", "återbruk"]
    kinds = [k for k, _label in Post.Kind.choices]
    space_list = [s for s in spaces.values() if members[s.pk]]
    new_posts = []
    for n in range(posts):
        space = space_list[n % len(space_list)]
        org_id = rng.choice(members[space.pk])
        body = f"Erfarenheter av {rng.choice(words)} och {rng.choice(words)}, del {n}."
        new_posts.append(
            Post(
                space=space,
                kind=kinds[n % len(kinds)],
                title=f"Inlägg {n} om {rng.choice(words)}",
                body=body,
                body_html=render_markdown(body),
                excerpt=excerpt(body),
                is_reusable=n % 5 == 0,
                author=user_of[org_id],
                organisation_id=org_id,
            )
        )
    created = Post.objects.bulk_create(new_posts, batch_size=2000)
    now = timezone.now()
    ids = [p.pk for p in created]
    for week in range(WEEKS):  # spread over the last weeks (auto_now_add set them all to now)
        Post.objects.filter(pk__in=ids[week::WEEKS]).update(
            created_at=now - dt.timedelta(days=7 * week + 3)
        )
    Comment.objects.bulk_create(
        [
            Comment(
                post=p, body="Tack!", body_html="<p>Tack!</p>", organisation_id=p.organisation_id
            )
            for p in created[: posts // 4]
        ],
        batch_size=2000,
    )
    Subscription.objects.bulk_create(
        [
            Subscription(space=spaces[c.pk], user=user_of[org_id], mode=Subscription.Mode.WEEKLY)
            for org_id, picked in chosen.items()
            for c in picked
        ],
        batch_size=2000,
    )
    busiest = max(space_list, key=lambda s: len(members[s.pk]))
    return {"space": busiest, "member": user_of[members[busiest.pk][0]]}


def run(ctx: Context) -> list[Row]:
    from spaces import services

    organisations, posts = SCALES.get(ctx.scale, SCALES["full"])
    seeded = seed(organisations, posts)
    scale = f"21 groupings, {organisations} organisations, {posts:,} posts"
    member = Client()
    member.force_login(seeded["member"])
    common = {"section": "spaces", "scale": scale, "baseline_ms": ctx.baseline_ms}
    space = seeded["space"]
    rows = [
        measure_view(
            member,
            f"/spaces/{space.pk}/",
            name="a space's page (member)",
            target_ratio=TARGET,
            **common,
        ),
        measure_view(
            member,
            "/spaces/library/?q=resepolicy",
            name="library search 'resepolicy' (partner)",
            target_ratio=TARGET,
            **common,
        ),
        measure_view(
            member,
            f"/spaces/library/?q=tåg&challenge={space.challenge_id}",
            name="library search filtered by challenge",
            target_ratio=TARGET,
            **common,
        ),
    ]

    now = timezone.now()
    mails = 0

    def build() -> None:
        # Rolled back after each run, so every run builds all digests (the outbox's dedupe
        # keys would otherwise make runs 2..n no-ops) and no mail is sent.
        nonlocal mails
        with transaction.atomic():
            mails = services.send_weekly_digests(now=now)
            transaction.set_rollback(True)

    with CaptureQueriesContext(connection) as captured:
        build()
    times, peak = time_call(build, repeat=5)
    rows.append(
        Row(
            section="spaces",
            name=f"build weekly digests for all members ({mails} mails)",
            scale=scale,
            median_ms=statistics.median(times),
            p95_ms=percentile(times, 0.95),
            queries=len(captured.captured_queries),
            note=f"peak memory {peak / 1_048_576:.1f} MiB",
        )
    )
    return rows
