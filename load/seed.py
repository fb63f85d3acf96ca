"""Seed the load-test database (kf_load): the demo partnership plus one login per partner
organisation (55), office staff with known TOTP keys, the strategic group, and an open survey
round that closes in two days. Writes var/load/users.json for the Locust scenario.

Run through load/run.sh (which creates the database and migrates first).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klimatfardplan.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import User  # noqa: E402
from partners.models import ContactPerson, Membership, Organisation  # noqa: E402
from partners.tests.factories import OrganisationFactory  # noqa: E402
from surveys import selectors as survey_selectors  # noqa: E402
from surveys import services as survey_services  # noqa: E402
from surveys.models import Question, SurveyRound  # noqa: E402

PASSWORD = "Load-test-password-2026"  # noqa: S105  # a throwaway load-test database
PARTNERS = 55


def _user(username: str, **flags: bool) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org", **flags}
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def main() -> None:
    call_command("load_demo_data")
    organisations = list(
        Organisation.objects.exclude(status=Organisation.Status.LEFT).order_by("pk")
    )
    while len(organisations) < PARTNERS:
        organisations.append(
            OrganisationFactory.create(
                name=f"Lastpartner {len(organisations) + 1} AB", status=Organisation.Status.ACTIVE
            )
        )
    organisations = organisations[:PARTNERS]
    today = timezone.localdate()
    survey_round = SurveyRound.objects.filter(
        year=today.year
    ).first() or survey_services.create_round(
        year=today.year,
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=2),
        by=None,
    )
    users: dict[str, list[dict[str, object]]] = {"office": [], "strategic": [], "partners": []}
    for n in range(3):
        office = _user(f"load-office-{n}", is_office_staff=True, is_staff=True)
        TOTPDevice.objects.filter(user=office).delete()
        device = TOTPDevice.objects.create(user=office, name="load", confirmed=True, tolerance=2)
        users["office"].append({"username": office.username, "key": device.key})
    for n in range(5):
        users["strategic"].append(
            {"username": _user(f"load-strategic-{n}", is_strategic_group=True).username}
        )
    for index, organisation in enumerate(organisations):
        user = _user(f"load-partner-{index}")
        contact, _ = ContactPerson.objects.get_or_create(
            email=f"load-partner-{index}@example.org",
            defaults={"first_name": "Last", "last_name": f"Partner {index}", "user": user},
        )
        Membership.objects.get_or_create(
            contact=contact,
            organisation=organisation,
            defaults={"is_survey_submitter": True, "is_survey_contributor": True},
        )
        state = survey_selectors.get_form_state(survey_round, organisation)
        decimal = next(s for s in state.slots if s.question.kind == Question.Kind.DECIMAL)
        users["partners"].append(
            {
                "username": user.username,
                "organisation": organisation.pk,
                "form_url": f"/surveys/rounds/{survey_round.pk}/organisations/{organisation.pk}/",
                "section": decimal.question.section,
                "field": decimal.field_name,
            }
        )
    users["organisation_ids"] = [{"pk": o.pk} for o in organisations]
    users["round"] = [{"pk": survey_round.pk}]
    out = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "users.json"
    out.write_text(json.dumps({"password": PASSWORD, **users}, indent=2))
    print(f"Seeded {len(users['partners'])} partners, 3 office, 5 strategic -> {out}")  # noqa: T201


if __name__ == "__main__":
    main()
