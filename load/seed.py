"""Seed the load-test database at ten times the real size (bench/seed.py's blocks: 550
organisations, 2,000 activities, 5 survey years) with this year's survey round open and closing
tomorrow. Every organisation's survey submitter has a login (550 partner contacts); office staff
with known TOTP keys; the strategic group. Writes $VAR_DIR/users.json for the Locust scenario.

Run through load/run.sh (which creates the database and migrates first).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klimatfardplan.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.seed import Seeded, grow  # noqa: E402
from partners.models import Membership  # noqa: E402
from roadmap.services import load_reference_data  # noqa: E402
from spaces.services import ensure_spaces  # noqa: E402
from surveys import services as survey_services  # noqa: E402
from surveys.models import Question, SurveyRound  # noqa: E402
from surveys.rules import build_slots  # noqa: E402

PASSWORD = "Load-test-password-2026"  # noqa: S105  # a throwaway load-test database
SCALE = int(os.environ.get("KF_LOAD_SCALE", "10"))
OFFICE, STRATEGIC = 3, 5
FIELDS_PER_PARTNER = 3  # each contact types into a few figures of one section


def _user(username: str, password_hash: str, **flags: bool) -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "password": password_hash, **flags},
    )
    return user


def main() -> None:
    started = time.monotonic()
    load_reference_data()
    ensure_spaces()
    today = timezone.localdate()
    survey_round = SurveyRound.objects.filter(year=today.year).first()
    if survey_round is None:
        survey_round = survey_services.create_round(
            year=today.year,
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=1),  # the deadline: tomorrow
            by=None,
        )
    seeded = Seeded()
    grow(seeded, SCALE)
    # One password hash for every login (hashing 550 times with Argon2 would take minutes).
    password_hash = make_password(PASSWORD)
    User.objects.filter(username__startswith="bench-").update(password=password_hash)
    users: dict[str, object] = {"password": PASSWORD, "office": [], "strategic": []}
    for n in range(OFFICE):
        office = _user(f"load-office-{n}", password_hash, is_office_staff=True, is_staff=True)
        TOTPDevice.objects.filter(user=office).delete()
        device = TOTPDevice.objects.create(user=office, name="load", confirmed=True, tolerance=2)
        users["office"].append({"username": office.username, "key": device.key})  # type: ignore[attr-defined]
    for n in range(STRATEGIC):
        user = _user(f"load-strategic-{n}", password_hash, is_strategic_group=True)
        users["strategic"].append({"username": user.username})  # type: ignore[attr-defined]
    # The figures a contact types: decimal inputs of the reporting year, one section.
    slots = [
        s
        for s in build_slots(
            survey_round.questions.all(),
            years=survey_round.years(),
            reporting_year=survey_round.reporting_year,
            challenges=[],
        )
        if s.question.kind == Question.Kind.DECIMAL and s.year == survey_round.reporting_year
    ]
    section = slots[0].question.section
    fields = [s.field_name for s in slots if s.question.section == section][:FIELDS_PER_PARTNER]
    submitters = (
        Membership.objects.filter(is_survey_submitter=True, contact__user__isnull=False)
        .filter(contact__user__username__startswith="bench-")
        .select_related("contact__user")
        .order_by("organisation_id")
    )
    partners = [
        {
            "username": m.contact.user.username,  # type: ignore[union-attr]
            "organisation": m.organisation_id,
            "form_url": reverse(
                "surveys:response_form",
                kwargs={"round_pk": survey_round.pk, "organisation_pk": m.organisation_id},
            ),
            "section": section,
            "fields": fields,
        }
        for m in submitters
    ]
    users["partners"] = partners
    users["organisation_ids"] = sorted({m.organisation_id for m in submitters})[:200]
    users["round"] = survey_round.pk
    users["counts"] = seeded.counts
    out = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "users.json"
    out.write_text(json.dumps(users, indent=1))
    print(  # noqa: T201
        f"Seeded {seeded.counts} with {len(partners)} partner logins, {OFFICE} office, "
        f"{STRATEGIC} strategic in {time.monotonic() - started:.0f} s -> {out}"
    )


if __name__ == "__main__":
    main()
