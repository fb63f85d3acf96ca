"""Demo partners for ``manage.py load_demo_data``: realistic but fictional organisations."""

from __future__ import annotations

import random

from partners.models import ContactPerson, Membership, Organisation
from partners.validators import luhn_ok

DEMO_ORGANISATIONS = [
    # name, kind, sector, employees, status
    ("Umeå kommun (demo)", "public_body", "Kommun", 12000, "active"),
    ("Region Västerbotten (demo)", "public_body", "Region", 10000, "active"),
    ("Norrlandsuniversitetet (demo)", "public_body", "Utbildning och forskning", 4300, "active"),
    ("Älvstadens Energi AB", "company", "Energi", 480, "active"),
    ("Björkbackens Fastigheter AB", "company", "Fastigheter", 220, "active"),
    ("Norrskensbygg AB", "company", "Bygg och anläggning", 650, "active"),
    ("Kvarkens Åkeri AB", "company", "Transport och logistik", 140, "active"),
    ("Tallmons Livs AB", "company", "Handel", 90, "active"),
    ("Umevikens Hotell AB", "company", "Hotell och restaurang", 75, "signed"),
    ("Sävargårdens Lantbruk AB", "company", "Jordbruk", 12, "active"),
    ("Västerbottens Cykelfrämjande", "organisation", "Ideell förening", 3, "active"),
    ("Studentkåren vid Norrlandsuniversitetet", "organisation", "Ideell förening", 25, "active"),
    ("Bostadsbolaget Nydala AB", "company", "Fastigheter", 310, "paused"),
    ("Grön Finans Norr AB", "company", "Bank och finans", 160, "active"),
    ("Umeå Konsthall (demo)", "organisation", "Kultur", 18, "prospect"),
]

DEMO_PEOPLE = [
    ("Anna", "Lindqvist"),
    ("Bertil", "Holmström"),
    ("Cecilia", "Nordin"),
    ("David", "Sjöberg"),
    ("Elin", "Forsberg"),
    ("Fredrik", "Marklund"),
    ("Greta", "Öberg"),
    ("Hassan", "Ali"),
    ("Ida", "Lundberg"),
    ("Johan", "Hedlund"),
    ("Karin", "Wikström"),
    ("Lars", "Nyström"),
    ("Maja", "Sundqvist"),
    ("Nils", "Burman"),
    ("Olivia", "Eriksson"),
    ("Per", "Granberg"),
]


def make_organisation_number(rng: random.Random) -> str:
    """A random number with a valid checksum (first digit 5 = aktiebolag-like, 2 = public)."""
    while True:
        digits = "5" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if luhn_ok(digits):
            return f"{digits[:6]}-{digits[6:]}"


def create_demo_partners(rng: random.Random) -> list[Organisation]:
    organisations = []
    for index, (name, kind, sector, employees, status) in enumerate(DEMO_ORGANISATIONS):
        org, _created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "organisation_number": make_organisation_number(rng),
                "kind": kind,
                "sector": sector,
                "employees": employees,
                "status": status,
                "city": "Umeå",
                "website": f"https://example.org/{index}",
            },
        )
        organisations.append(org)
    for index, org in enumerate(organisations):
        for offset in range(2):
            first, last = DEMO_PEOPLE[(index * 2 + offset) % len(DEMO_PEOPLE)]
            email = f"{first.lower()}.{last.lower()}.{index}@example.org".replace("ö", "o").replace(
                "ä", "a"
            )
            contact, _created = ContactPerson.objects.get_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "title": "Hållbarhetsansvarig" if offset == 0 else "Controller",
                },
            )
            Membership.objects.get_or_create(
                contact=contact,
                organisation=org,
                defaults={
                    "is_main_contact": offset == 0,
                    "is_survey_contributor": True,
                    "is_survey_submitter": offset == 0,
                    "is_communications": offset == 1,
                },
            )
    return organisations


def blank_pdf() -> bytes:
    """A one-page PDF standing in for a scanned, signed declaration."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# Demo commitments by organisation index: challenge numbers (≥5 except for the draft below).
_STATUS_PATHS = {
    "prospect": ["prospect"],
    "signed": ["prospect", "signed"],
    "active": ["prospect", "signed", "active"],
    "paused": ["prospect", "signed", "active", "paused"],
    "left": ["prospect", "signed", "active", "left"],
}


def create_demo(rng: random.Random, organisations: list[Organisation]) -> str:
    """Status history, declarations, commitment sets and group relations (idempotent)."""
    import datetime

    from django.core.files.base import ContentFile

    from partners.models import (
        Commitment,
        CommitmentSet,
        Declaration,
        GroupRelation,
        OrganisationStatusChange,
    )
    from roadmap.models import Challenge, Goal, PartnershipPeriod

    period = PartnershipPeriod.objects.order_by("-start_year").first()
    if period is None or not organisations:
        return ""
    challenges = list(Challenge.objects.order_by("number"))
    goals = list(Goal.objects.all())
    pdf = blank_pdf()
    counts = {"history": 0, "declarations": 0, "sets": 0, "relations": 0}
    for index, org in enumerate(organisations):
        if not org.status_changes.exists():
            start = datetime.date(2023, 1, 16) + datetime.timedelta(days=index * 9)
            previous = ""
            for step, status in enumerate(_STATUS_PATHS.get(org.status, [org.status])):
                OrganisationStatusChange.objects.create(
                    organisation=org,
                    status=status,
                    previous_status=previous,
                    changed_on=start + datetime.timedelta(days=step * 45),
                    note="Demo",
                )
                previous = status
                counts["history"] += 1
        if org.status == Organisation.Status.PROSPECT:
            continue
        if not Declaration.objects.filter(organisation=org, period=period).exists():
            declaration = Declaration(
                organisation=org,
                period=period,
                signed_on=datetime.date(2023, 2, 1) + datetime.timedelta(days=index * 7),
                signatory_name="Vd " + org.name.split()[0],
                signatory_title="Verkställande direktör",
                goals_text="Klimatneutralt Umeå 2040; minst 20 % minskning per år.",
            )
            declaration.document.save("declaration.pdf", ContentFile(pdf), save=False)
            declaration.save()
            declaration.goals.set(goals)
            counts["declarations"] += 1
        commitment_set, created = CommitmentSet.objects.get_or_create(
            organisation=org, period=period
        )
        if created:
            # One organisation keeps a draft with too few challenges, to show the rule.
            draft = index == len(organisations) - 2
            picked = rng.sample(challenges, 3 if draft else rng.randint(5, 9))
            Commitment.objects.bulk_create(
                Commitment(
                    commitment_set=commitment_set,
                    challenge=c,
                    plan=f"Vi arbetar med {c.name_sv.lower()} under perioden.",
                    looking_for_partners=rng.random() < 0.2,
                )
                for c in picked
            )
            if not draft:
                commitment_set.status = CommitmentSet.Status.CONFIRMED
                commitment_set.confirmed_at = datetime.datetime(2023, 3, 1, 12, tzinfo=datetime.UTC)
                commitment_set.save()
            counts["sets"] += 1
    if len(organisations) >= 5:
        pairs = [
            (organisations[0], organisations[4], GroupRelation.Kind.PARENT_OF),
            (organisations[12], organisations[4], GroupRelation.Kind.INCLUDED_IN_REPORT_OF),
        ]
        for parent, other, kind in pairs[: 1 if len(organisations) < 13 else 2]:
            _relation, created = GroupRelation.objects.get_or_create(
                from_organisation=parent, to_organisation=other, kind=kind
            )
            counts["relations"] += int(created)
    return (
        f"partners: {counts['history']} status changes, {counts['declarations']} declarations, "
        f"{counts['sets']} commitment sets, {counts['relations']} group relations"
    )
