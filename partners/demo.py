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
