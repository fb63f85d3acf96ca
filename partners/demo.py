"""Demo partners for ``manage.py load_demo_data``: the partnership at its real size and mix.

About 55 organisations modelled on Umeå klimatfärdplan's partners (survey-and-ghg.md §2.1): the
kommun and its companies, the energy company, the university and SLU, the region, property
companies, consultancies, banks, small firms and associations. 37 joined on 1 December 2022, 17
more at the climate summit on 30 November 2023, one in 2025, and one is still only interested.
The names are public; organisation numbers, people, e-mail addresses and figures are made up.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from partners.models import ContactPerson, Membership, Organisation
from partners.validators import luhn_ok

if TYPE_CHECKING:
    from partners.models import Commitment
    from roadmap.models import Challenge, Goal, PartnershipPeriod

FIRST_ROUND = dt.date(2022, 12, 1)
SECOND_ROUND = dt.date(2023, 11, 30)  # the 2nd Klimattoppmöte
LATE_JOINER = dt.date(2025, 5, 20)


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    sector: str
    employees: int
    status: str
    joined: dt.date | None
    challenges: tuple[int, ...]  # the commitments (≥ 5 of the 21 for a confirmed set)


def _org(
    name: str,
    kind: str,
    sector: str,
    employees: int,
    joined: dt.date | None,
    challenges: tuple[int, ...],
    status: str = "active",
) -> DemoOrganisation:
    return DemoOrganisation(name, kind, sector, employees, status, joined, challenges)


CO, ORG, PUB = "company", "organisation", "public_body"
J22, J23 = FIRST_ROUND, SECOND_ROUND

# The first five keep their places: the demo logins (accounts/demo.py) and the spaces demo use
# index 3 (anna, bertil) and 4 (cecilia).
DEMO_ORGANISATIONS: list[DemoOrganisation] = [
    _org("Umeå kommun", PUB, "Offentlig förvaltning", 12800, J22, (1, 2, 3, 9, 11, 13, 17, 18, 21)),
    _org("Region Västerbotten", PUB, "Hälso- och sjukvård", 10500, J22, (1, 3, 9, 13, 14, 17, 18)),
    _org("Umeå universitet", PUB, "Utbildning och forskning", 4300, J22, (1, 3, 9, 10, 13, 17, 21)),
    _org("Umeå Energi AB", CO, "Energi", 480, J22, (2, 8, 9, 11, 12, 15, 21)),
    _org("AB Bostaden i Umeå", CO, "Fastigheter", 230, J22, (6, 7, 9, 10, 11, 14)),
    _org("Umeå Vatten och Avfall AB (Vakin)", CO, "Vatten och avfall", 260, J22, (5, 8, 13, 14, 20)),
    _org("Umeå Parkerings AB", CO, "Parkering och mobilitet", 35, J22, (1, 2, 9, 12, 15)),
    _org("Umeå Hamn AB", CO, "Transport och logistik", 45, J22, (4, 5, 8, 12, 20)),
    _org("Umeå Kommunföretag AB", CO, "Offentlig förvaltning", 12, J22, (3, 9, 12, 16, 21)),
    _org("Sveriges lantbruksuniversitet, Umeå", PUB, "Utbildning och forskning", 650, J22,
         (3, 13, 17, 19, 20, 21)),
    _org("Länstrafiken i Västerbotten AB", CO, "Transport och logistik", 60, J22, (1, 2, 5, 15, 21)),
    _org("Akademiska Hus AB, region Norr", CO, "Fastigheter", 90, J22, (6, 7, 9, 10, 11, 12)),
    _org("Balticgruppen AB", CO, "Fastigheter", 70, J22, (6, 7, 9, 11, 12, 16)),
    _org("Lärkträdet Fastigheter AB", CO, "Fastigheter", 24, J22, (6, 9, 10, 11, 14)),
    _org("Peab Sverige AB, Umeå", CO, "Bygg och anläggning", 420, J22, (4, 6, 7, 8, 13, 14)),
    _org("NCC Sverige AB, Umeå", CO, "Bygg och anläggning", 310, J22, (5, 6, 7, 8, 13)),
    _org("WSP Sverige AB, Umeå", CO, "Teknikkonsult och arkitektur", 180, J22, (3, 6, 7, 20, 21)),
    _org("White arkitekter AB, Umeå", CO, "Teknikkonsult och arkitektur", 75, J22,
         (3, 6, 7, 10, 20, 21)),
    _org("AFRY AB, Umeå", CO, "Teknikkonsult och arkitektur", 140, J22, (3, 6, 9, 12, 21)),
    _org("Sparbanken Nord", CO, "Bank och finans", 210, J22, (3, 9, 16, 21, 1)),
    _org("Länsförsäkringar Västerbotten", CO, "Bank och finans", 160, J22, (2, 3, 9, 16, 21)),
    _org("Komatsu Forest AB", CO, "Industri", 900, J22, (3, 4, 5, 8, 12, 13)),
    _org("Volvo Lastvagnar, Umeverket", CO, "Industri", 1400, J22, (4, 5, 9, 12, 13, 14)),
    _org("Västerbottens museum", ORG, "Kultur och turism", 95, J22, (3, 9, 17, 18, 21)),
    _org("Norrlandsoperan AB", CO, "Kultur och turism", 150, J22, (3, 9, 14, 18, 21)),
    _org("Umeå Folkets Hus ek. för.", ORG, "Kultur och turism", 60, J22, (9, 10, 14, 17, 18)),
    _org("Naturskyddsföreningen Umeå", ORG, "Ideell förening", 2, J22, (1, 14, 17, 20, 21)),
    _org("Cykelfrämjandet Umeå", ORG, "Ideell förening", 1, J22, (1, 2, 3, 15, 21)),
    _org("Umeå studentkår", ORG, "Ideell förening", 22, J22, (1, 15, 17, 18, 21)),
    _org("Företagarna Umeå", ORG, "Ideell förening", 3, J22, (3, 13, 15, 21, 16)),
    _org("Coompanion Västerbotten ek. för.", ORG, "Ideell förening", 9, J22, (13, 15, 17, 18, 21)),
    _org("RISE Research Institutes of Sweden, Umeå", PUB, "Utbildning och forskning", 55, J22,
         (3, 6, 12, 13, 21)),
    _org("Gröna Gaffeln Restaurang AB", CO, "Hotell och restaurang", 28, J22, (14, 17, 18, 13, 3)),
    _org("Ume Cykelbud AB", CO, "Transport och logistik", 14, J22, (1, 4, 5, 15, 21)),
    _org("Solel i Norr AB", CO, "Energi", 19, J22, (9, 11, 12, 21, 6)),
    _org("Tavelsjö Gårdsmejeri AB", CO, "Jordbruk och livsmedel", 11, J22, (17, 18, 19, 20, 4)),
    _org("Umeå Stadsodlare ek. för.", ORG, "Jordbruk och livsmedel", 4, J22, (13, 17, 18, 19, 20),
         status="paused"),
    # The 17 that joined at the climate summit on 30 November 2023.
    _org("Atea Sverige AB, Umeå", CO, "IT och telekom", 85, J23, (3, 10, 13, 14, 21)),
    _org("Bygma AB, Umeå", CO, "Handel", 45, J23, (4, 6, 13, 14, 2)),
    _org("Cytiva Sweden AB, Umeå", CO, "Industri", 700, J23, (3, 9, 12, 13, 14)),
    _org("Diös Fastigheter AB", CO, "Fastigheter", 160, J23, (6, 7, 9, 10, 11, 12)),
    _org("Grant Thornton Sverige AB, Umeå", CO, "Revision och rådgivning", 40, J23, (3, 10, 16, 21, 15)),
    _org("Ramböll Sverige AB, Umeå", CO, "Teknikkonsult och arkitektur", 120, J23, (1, 3, 6, 20, 21)),
    _org("SEB, Umeå", CO, "Bank och finans", 35, J23, (3, 9, 16, 21, 10)),
    _org("Sweco Sverige AB, Umeå", CO, "Teknikkonsult och arkitektur", 260, J23, (1, 3, 6, 7, 20, 21)),
    _org("Tengbom AB, Umeå", CO, "Teknikkonsult och arkitektur", 30, J23, (3, 6, 7, 10, 21)),
    _org("Visit Umeå AB", CO, "Kultur och turism", 18, J23, (1, 3, 17, 18, 21)),
    _org("Handelsbanken Umeå", CO, "Bank och finans", 50, J23, (3, 9, 16, 21, 1)),
    _org("Skanska Sverige AB, Umeå", CO, "Bygg och anläggning", 260, J23, (5, 6, 7, 8, 13)),
    _org("Nolia AB", CO, "Kultur och turism", 40, J23, (3, 13, 14, 17, 18)),
    _org("Hotell Aveny i Umeå AB", CO, "Hotell och restaurang", 55, J23, (9, 14, 17, 18, 13)),
    _org("Klimatklok Konsult i Umeå AB", CO, "Revision och rådgivning", 6, J23, (3, 13, 16, 21, 15)),
    _org("Röbäcks Lantbruk AB", CO, "Jordbruk och livsmedel", 8, J23, (8, 17, 18, 19, 20)),
    _org("Ålidhems Elbilspool ek. för.", ORG, "Parkering och mobilitet", 1, J23, (1, 2, 12, 15, 21),
         status="left"),
    # Joined in 2025, still setting up its commitments; and one that is only interested.
    _org("Västerbottens Byggmästare AB", CO, "Bygg och anläggning", 48, LATE_JOINER, (6, 7, 8),
         status="signed"),
    _org("Umeå Kaffe & Rosteri AB", CO, "Handel", 9, None, (), status="prospect"),
]  # fmt: skip

FIRST_NAMES = [
    "Anna", "Bertil", "Cecilia", "David", "Elin", "Fredrik", "Greta", "Hassan", "Ida", "Johan",
    "Karin", "Lars", "Maja", "Nils", "Olivia", "Per", "Rebecka", "Samir", "Tove", "Ulf",
    "Vera", "William", "Ylva", "Zeynep", "Amir", "Linnea", "Mikael", "Sara", "Erik", "Hanna",
    "Jonas", "Emma", "Oskar", "Frida", "Ahmed", "Klara", "Viktor", "Sofia", "Mattias", "Alva",
]  # fmt: skip
LAST_NAMES = [
    "Lindqvist", "Holmström", "Nordin", "Sjöberg", "Forsberg", "Marklund", "Öberg", "Ali",
    "Lundberg", "Hedlund", "Wikström", "Nyström", "Sundqvist", "Burman", "Eriksson", "Granberg",
    "Lindgren", "Åström", "Nilsson", "Bergström", "Johansson", "Karlsson", "Backman", "Strömbäck",
    "Lidström", "Öhman", "Persson", "Hägglund", "Edlund", "Rönnqvist", "Jonsson", "Nygren",
]  # fmt: skip
TITLES = ["Hållbarhetschef", "Miljösamordnare", "Controller", "Kommunikatör", "Energiingenjör"]

# Organisation-number prefixes: 55/56 aktiebolag, 21/22/20 public bodies, 76/80 associations.
_PREFIX = {"company": "556", "public_body": "202", "organisation": "802"}


def make_organisation_number(rng: random.Random, kind: str = "company") -> str:
    """A made-up number of the right form for the kind, with a valid checksum."""
    prefix = _PREFIX.get(kind, "556")
    while True:
        digits = prefix + "".join(str(rng.randint(0, 9)) for _ in range(10 - len(prefix)))
        if luhn_ok(digits):
            return f"{digits[:6]}-{digits[6:]}"


def _ascii(text: str) -> str:
    return (
        text.lower()
        .replace("å", "a")
        .replace("ä", "a")
        .replace("ö", "o")
        .replace(" ", "")
        .replace("&", "")
    )


def create_demo_partners(rng: random.Random) -> list[Organisation]:
    """The organisations (looked up by name, so a second run adds nothing) and two contact
    persons each, in the order of DEMO_ORGANISATIONS."""
    names = [d.name for d in DEMO_ORGANISATIONS]
    existing = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    new = [
        Organisation(
            name=d.name,
            organisation_number=make_organisation_number(rng, d.kind),
            kind=d.kind,
            sector=d.sector,
            employees=d.employees,
            status=d.status,
            city="Umeå",
            website=f"https://{_ascii(d.name.split(',')[0].split('(')[0])[:30]}.example.org",
        )
        for d in DEMO_ORGANISATIONS
        if d.name not in existing
    ]
    Organisation.objects.bulk_create(new)
    existing = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    organisations = [existing[d.name] for d in DEMO_ORGANISATIONS]

    wanted: list[tuple[Organisation, ContactPerson, int]] = []
    for index, org in enumerate(organisations):
        for offset in range(2):
            first = FIRST_NAMES[(index * 2 + offset) % len(FIRST_NAMES)]
            last = LAST_NAMES[(index * 3 + offset * 7) % len(LAST_NAMES)]
            contact = ContactPerson(
                first_name=first,
                last_name=last,
                email=f"{_ascii(first)}.{_ascii(last)}.{index}@example.org",
                title=TITLES[(index + offset * 2) % len(TITLES)],
                phone=f"090-{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
            wanted.append((org, contact, offset))
    known = set(
        ContactPerson.objects.filter(email__in=[c.email for _, c, _ in wanted]).values_list(
            "email", flat=True
        )
    )
    ContactPerson.objects.bulk_create([c for _, c, _ in wanted if c.email not in known])
    contacts = {
        c.email: c for c in ContactPerson.objects.filter(email__in=[c.email for _, c, _ in wanted])
    }
    members = set(
        Membership.objects.filter(organisation__in=organisations).values_list(
            "contact_id", "organisation_id"
        )
    )
    Membership.objects.bulk_create(
        [
            Membership(
                contact=contacts[contact.email],
                organisation=org,
                is_main_contact=offset == 0,
                is_survey_contributor=True,
                is_survey_submitter=offset == 0,
                is_communications=offset == 1,
            )
            for org, contact, offset in wanted
            if (contacts[contact.email].pk, org.pk) not in members
        ]
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


def demo_by_name() -> dict[str, DemoOrganisation]:
    return {d.name: d for d in DEMO_ORGANISATIONS}


# Group relations: the kommun owns its companies; Vakin's figures are also in the kommun's own
# climate report (the survey's overlap, removed from the partnership's sums).
PARENT = "Umeå kommun"
MUNICIPAL_COMPANIES = [
    "Umeå Kommunföretag AB",
    "Umeå Energi AB",
    "AB Bostaden i Umeå",
    "Umeå Vatten och Avfall AB (Vakin)",
    "Umeå Parkerings AB",
    "Umeå Hamn AB",
]
INCLUDED_IN_KOMMUN = "Umeå Vatten och Avfall AB (Vakin)"


def _status_history(demo: DemoOrganisation) -> list[tuple[str, str, dt.date, str]]:
    """(status, previous, date, note) from first contact to today's status."""
    if demo.joined is None:
        return [("prospect", "", dt.date(2025, 10, 2), "Kontakt efter klimattoppmötet")]
    steps = [
        ("prospect", "", demo.joined - dt.timedelta(days=60), "Första kontakt"),
        ("signed", "prospect", demo.joined, "Avsiktsförklaring undertecknad"),
    ]
    if demo.status == "signed":
        return steps
    steps.append(("active", "signed", demo.joined + dt.timedelta(days=45), "Intromöte hållet"))
    if demo.status == "paused":
        steps.append(("paused", "active", dt.date(2025, 3, 10), "Pausar under omorganisation"))
    if demo.status == "left":
        steps.append(("left", "active", dt.date(2024, 12, 31), "Föreningen avvecklas"))
    return steps


def _demo_declaration(
    org: Organisation,
    demo: DemoOrganisation,
    *,
    joined: dt.date,
    index: int,
    period: PartnershipPeriod,
    goals: list[Goal],
    pdf: bytes,
) -> None:
    """The organisation's signed declaration of intent, with a blank PDF as its document."""
    from django.core.files.base import ContentFile

    from partners.models import Declaration

    declaration = Declaration(
        organisation=org,
        period=period,
        signed_on=joined,
        signatory_name=f"{FIRST_NAMES[(index + 11) % len(FIRST_NAMES)]} "
        f"{LAST_NAMES[(index + 5) % len(LAST_NAMES)]}",
        signatory_title="Verkställande direktör" if demo.kind == "company" else "Ordförande",
        goals_text="Klimatneutralt Umeå 2040; vi bidrar till minst 20 % minskning per år.",
    )
    declaration.document.save("avsiktsforklaring.pdf", ContentFile(pdf), save=False)
    declaration.save()
    declaration.goals.set(goals)


def _demo_commitment_set(
    org: Organisation,
    demo: DemoOrganisation,
    *,
    joined: dt.date,
    period: PartnershipPeriod,
    challenges: dict[int, Challenge],
    rng: random.Random,
) -> list[Commitment]:
    """The organisation's commitment set (confirmed from five challenges); its commitments are
    returned unsaved, for one bulk insert."""
    from partners.models import Commitment, CommitmentSet

    confirmed = len(demo.challenges) >= 5
    commitment_set = CommitmentSet.objects.create(
        organisation=org,
        period=period,
        status=CommitmentSet.Status.CONFIRMED if confirmed else CommitmentSet.Status.DRAFT,
        confirmed_at=dt.datetime.combine(joined + dt.timedelta(days=30), dt.time(12), tzinfo=dt.UTC)
        if confirmed
        else None,
    )
    return [
        Commitment(
            commitment_set=commitment_set,
            challenge=challenges[number],
            plan=f"Vi arbetar med utmaningen ”{challenges[number].name_sv}” under perioden.",
            looking_for_partners=rng.random() < 0.2,
        )
        for number in demo.challenges
        if number in challenges
    ]


def _demo_group_relations(organisations: list[Organisation]) -> int:
    """The municipal group's relations; how many were created."""
    from partners.models import GroupRelation

    created_count = 0
    by_name = {o.name: o for o in organisations}
    pairs = [(PARENT, name, GroupRelation.Kind.PARENT_OF) for name in MUNICIPAL_COMPANIES]
    pairs.append((INCLUDED_IN_KOMMUN, PARENT, GroupRelation.Kind.INCLUDED_IN_REPORT_OF))
    for from_name, to_name, kind in pairs:
        if from_name in by_name and to_name in by_name:
            _relation, created = GroupRelation.objects.get_or_create(
                from_organisation=by_name[from_name], to_organisation=by_name[to_name], kind=kind
            )
            created_count += int(created)
    return created_count


def create_demo(rng: random.Random, organisations: list[Organisation]) -> str:
    """Status history, declarations, commitment sets and group relations (idempotent)."""
    from partners.models import (
        Commitment,
        CommitmentSet,
        Declaration,
        OrganisationStatusChange,
    )
    from roadmap.models import Challenge, Goal, PartnershipPeriod

    period = PartnershipPeriod.objects.order_by("-start_year").first()
    if period is None or not organisations:
        return ""
    demos = demo_by_name()
    challenges = {c.number: c for c in Challenge.objects.all()}
    goals = list(Goal.objects.all())
    pdf = blank_pdf()
    counts = {"history": 0, "declarations": 0, "sets": 0, "relations": 0}
    with_history = set(
        OrganisationStatusChange.objects.filter(organisation__in=organisations).values_list(
            "organisation_id", flat=True
        )
    )
    declared = set(
        Declaration.objects.filter(organisation__in=organisations, period=period).values_list(
            "organisation_id", flat=True
        )
    )
    with_set = set(
        CommitmentSet.objects.filter(organisation__in=organisations, period=period).values_list(
            "organisation_id", flat=True
        )
    )
    history: list[OrganisationStatusChange] = []
    commitments: list[Commitment] = []
    for index, org in enumerate(organisations):
        demo = demos.get(org.name)
        if demo is None:
            continue
        if org.pk not in with_history:
            history += [
                OrganisationStatusChange(
                    organisation=org,
                    status=status,
                    previous_status=previous,
                    changed_on=on,
                    note=note,
                )
                for status, previous, on, note in _status_history(demo)
            ]
        if demo.joined is None:
            continue
        if org.pk not in declared:
            _demo_declaration(
                org, demo, joined=demo.joined, index=index, period=period, goals=goals, pdf=pdf
            )
            counts["declarations"] += 1
        if org.pk not in with_set:
            commitments += _demo_commitment_set(
                org, demo, joined=demo.joined, period=period, challenges=challenges, rng=rng
            )
            counts["sets"] += 1
    OrganisationStatusChange.objects.bulk_create(history)
    Commitment.objects.bulk_create(commitments)
    counts["history"] = len(history)
    counts["relations"] = _demo_group_relations(organisations)
    return (
        f"partners: {counts['history']} status changes, {counts['declarations']} declarations, "
        f"{counts['sets']} commitment sets, {counts['relations']} group relations"
    )
