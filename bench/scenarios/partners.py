"""Partners (issue 3): the partner list with filters and the commitment matrix at full scale
(5,000 organisations, 15,000 contacts, 40,000 commitments), beside the minimal view."""

from __future__ import annotations

import random

from bench.harness import Row, measure_view
from bench.scenarios import Context

SCALES = {"full": 5_000, "small": 500}
CONTACTS_PER_ORGANISATION = 3
COMMITMENTS_PER_ORGANISATION = 8
TARGET = 3.0


def seed(organisations: int) -> dict[str, int]:
    """Bulk-create the data set: seconds, not minutes, even at full scale."""
    from partners.models import (
        Commitment,
        CommitmentSet,
        ContactPerson,
        Declaration,
        Membership,
        Organisation,
    )
    from partners.tests.factories import organisation_number
    from roadmap.models import Challenge, PartnershipPeriod

    rng = random.Random(3)
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None
    challenges = list(Challenge.objects.all())
    kinds = [k for k, _label in Organisation.Kind.choices]
    statuses = [s for s, _label in Organisation.Status.choices]
    sectors = ["Energi", "Fastigheter", "Bygg", "Transport", "Handel", "Kommun", "Ideell"]
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Benchorganisation {n:05d} AB",
                organisation_number=organisation_number(900_000 + n),
                kind=kinds[n % len(kinds)],
                sector=sectors[n % len(sectors)],
                employees=rng.randint(1, 5000),
                status=statuses[n % len(statuses)],
                city="Umeå",
            )
            for n in range(organisations)
        ],
        batch_size=1000,
    )
    contacts = ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                first_name=f"Förnamn{n}",
                last_name=f"Efternamn{n}",
                email=f"bench{n}@example.org",
            )
            for n in range(organisations * CONTACTS_PER_ORGANISATION)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                contact=contact,
                organisation=orgs[n // CONTACTS_PER_ORGANISATION],
                is_main_contact=n % CONTACTS_PER_ORGANISATION == 0,
                is_survey_submitter=n % CONTACTS_PER_ORGANISATION == 0,
                is_survey_contributor=True,
            )
            for n, contact in enumerate(contacts)
        ],
        batch_size=2000,
    )
    sets = CommitmentSet.objects.bulk_create(
        [
            CommitmentSet(
                organisation=org,
                period=period,
                status=CommitmentSet.Status.DRAFT
                if n % 10 == 0
                else CommitmentSet.Status.CONFIRMED,
            )
            for n, org in enumerate(orgs)
        ],
        batch_size=1000,
    )
    commitments = [
        Commitment(
            commitment_set=s, challenge=c, plan="Plan", looking_for_partners=rng.random() < 0.1
        )
        for s in sets
        for c in rng.sample(challenges, COMMITMENTS_PER_ORGANISATION)
    ]
    Commitment.objects.bulk_create(commitments, batch_size=5000)
    Declaration.objects.bulk_create(
        [
            Declaration(
                organisation=org, period=period, signed_on="2023-02-01", signatory_name="Vd"
            )
            for n, org in enumerate(orgs)
            if n % 5
        ],
        batch_size=1000,
    )
    return {
        "organisations": len(orgs),
        "contacts": len(contacts),
        "commitments": len(commitments),
        "challenge_pk": challenges[5].pk,
        "focus_area_pk": challenges[5].focus_area_id,
    }


def run(ctx: Context) -> list[Row]:
    counts = seed(SCALES.get(ctx.scale, SCALES["full"]))
    scale = (
        f"{counts['organisations']:,} orgs, {counts['contacts']:,} contacts, "
        f"{counts['commitments']:,} commitments"
    )
    common = {
        "section": "partners",
        "scale": scale,
        "baseline_ms": ctx.baseline_ms,
        "target_ratio": TARGET,
    }
    filtered = (
        f"/partners/?status=active&kind=company&challenge={counts['challenge_pk']}"
        f"&focus_area={counts['focus_area_pk']}&declaration_missing=on&sort=challenges"
    )
    strategic = ctx.as_user("strategic")
    return [
        measure_view(ctx.client, "/partners/", name="partner list, page 1 (office)", **common),
        measure_view(ctx.client, filtered, name="partner list with filters and sorting", **common),
        measure_view(ctx.client, "/partners/?q=0042&page=1", name="partner list, search", **common),
        measure_view(ctx.client, "/partners/matrix/", name="commitment matrix (office)", **common),
        measure_view(
            strategic,
            f"/partners/matrix/?focus_area={counts['focus_area_pk']}&drafts=1&page=20",
            name="commitment matrix, filtered, page 20 (strategic)",
            **common,
        ),
    ]
