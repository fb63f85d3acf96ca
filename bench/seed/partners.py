"""Seeding organisations, their contacts, commitments and declarations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bench.seed.sizes import (
    COMMITMENTS_PER_ORGANISATION,
    CONTACTS_PER_ORGANISATION,
    ORGANISATIONS,
    _Block,
    _only,
)

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation


def _contacts(orgs: list[Organisation], base: int) -> list[User]:
    """Each organisation's contacts and memberships; one contact in three has a login."""
    from accounts.models import User
    from partners.models import ContactPerson, Membership

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
    return users


def _partners(b: _Block) -> None:
    from partners.models import (
        Commitment,
        CommitmentSet,
        Declaration,
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
    users = _contacts(orgs, base)
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
