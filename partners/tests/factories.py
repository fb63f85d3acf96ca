from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from partners.models import Commitment, CommitmentSet, ContactPerson, Membership, Organisation
from partners.validators import luhn_ok
from roadmap.models import Challenge, PartnershipPeriod


def organisation_number(n: int) -> str:
    """The n-th valid organisation number: nine digits from n, then the Luhn check digit."""
    body = f"55{n:07d}"
    check = next(d for d in range(10) if luhn_ok(body + str(d)))
    digits = body + str(check)
    return f"{digits[:6]}-{digits[6:]}"


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} AB")
    organisation_number = factory.Sequence(organisation_number)
    kind = Organisation.Kind.COMPANY
    sector = "Energi"
    employees = 100
    status = Organisation.Status.ACTIVE
    city = "Umeå"


class ContactPersonFactory(DjangoModelFactory[ContactPerson]):
    class Meta:
        model = ContactPerson

    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    title = "Hållbarhetschef"


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    contact = factory.SubFactory(ContactPersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_survey_contributor = True


def commit(
    organisation: Organisation,
    numbers: list[int],
    *,
    confirmed: bool = True,
    period: PartnershipPeriod | None = None,
    looking: tuple[int, ...] = (),
) -> CommitmentSet:
    """Give ``organisation`` a commitment set for ``period`` (default: the latest) with the
    challenges ``numbers`` — a quick way to build matrices and groupings in tests."""
    period = period or PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None, "load_reference_data first"
    commitment_set = CommitmentSet.objects.create(
        organisation=organisation,
        period=period,
        status=CommitmentSet.Status.CONFIRMED if confirmed else CommitmentSet.Status.DRAFT,
    )
    challenges = Challenge.objects.filter(number__in=numbers)
    Commitment.objects.bulk_create(
        Commitment(
            commitment_set=commitment_set,
            challenge=c,
            plan=f"Plan för {c.number}",
            looking_for_partners=c.number in looking,
        )
        for c in challenges
    )
    return commitment_set


def pdf_bytes() -> bytes:
    from partners.demo import blank_pdf

    return blank_pdf()
