"""Services: what they write, what they refuse (and that a refusal writes nothing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities import services
from activities.models import (
    MAX_MILESTONES,
    PURPOSE_MAX,
    Activity,
    Meeting,
    MeetingAttendance,
    Milestone,
    Participation,
    Signal,
    StatusUpdate,
)
from activities.tests.factories import (
    ActivityFactory,
    MeetingFactory,
    MilestoneFactory,
    activity_with_team,
)
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from roadmap.models import Challenge

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def card_fields(**overrides):
    fields = {
        "title": "Cykelpendling",
        "kind": Activity.Kind.INITIATIVE,
        "purpose": "Fler cyklar till jobbet.",
        "goal": "500 nya cykelpendlare.",
        "start_date": TODAY(),
        "end_date": TODAY() + dt.timedelta(days=100),
        "lifecycle": Activity.Lifecycle.PLANNED,
    }
    fields.update(overrides)
    return fields


def test_create_activity_saves_the_card_and_its_working_group(world):
    challenge = Challenge.objects.get(number=1)
    activity = services.create_activity(
        by=world.office,
        organisations=[world.org_a, world.org_b],
        lead=world.org_b,
        challenges=[challenge],
        **card_fields(),
    )
    assert activity.created_by == world.office
    assert list(activity.challenges.all()) == [challenge]
    team = {p.organisation_id: p.is_lead for p in activity.participations.all()}
    assert team == {world.org_a.pk: False, world.org_b.pk: True}


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"end_date": TODAY() - dt.timedelta(days=1)},
            "end_date",
            "Slutdatum kan inte vara före startdatum.",
        ),
        (
            {"lead": "org_b", "organisations": ["org_a"]},
            "lead_organisation",
            str(services.LEAD_NOT_IN_TEAM),
        ),
        (
            {"learning_and_sharing": False, "challenges": []},
            "challenges",
            str(services.NO_LINK_TO_ROADMAP),
        ),
        ({"purpose": "x" * (PURPOSE_MAX + 1)}, "purpose", f"som mest {PURPOSE_MAX} tecken"),
    ],
)
def test_create_activity_refuses_bad_input_and_writes_nothing(world, kwargs, field, message):
    kwargs = dict(kwargs)
    organisations = [getattr(world, o) for o in kwargs.pop("organisations", ["org_a"])]
    lead = getattr(world, kwargs.pop("lead", "org_a"))
    challenges = kwargs.pop("challenges", [Challenge.objects.get(number=2)])
    with pytest.raises(ValidationError) as caught:
        services.create_activity(
            by=world.office,
            organisations=organisations,
            lead=lead,
            challenges=challenges,
            **card_fields(**kwargs),
        )
    assert field in caught.value.message_dict
    assert message.lower() in " ".join(caught.value.message_dict[field]).lower()
    assert Activity.objects.count() == 0
    assert Participation.objects.count() == 0


def test_update_activity_detects_a_concurrent_edit(world):
    activity = activity_with_team(world.org_a)
    stale_version = activity.version
    services.update_activity(
        activity=activity,
        by=world.office,
        expected_version=stale_version,
        organisations=[world.org_a],
        lead=world.org_a,
        challenges=[],
        clusters=[],
        goals=[],
        title="Första ändringen",
    )
    other = Activity.objects.get(pk=activity.pk)
    with pytest.raises(ValidationError, match="Någon annan har sparat"):
        services.update_activity(
            activity=other,
            by=world.office,
            expected_version=stale_version,
            organisations=[world.org_a],
            lead=world.org_a,
            challenges=[],
            clusters=[],
            goals=[],
            title="Andra ändringen",
        )
    assert Activity.objects.get(pk=activity.pk).title == "Första ändringen"


def test_update_activity_refuses_a_timeline_that_leaves_milestones_outside(world):
    activity = activity_with_team(world.org_a)
    MilestoneFactory(activity=activity, title="Pilot", due_date=activity.end_date)
    original_end = activity.end_date
    with pytest.raises(ValidationError, match="Pilot"):
        services.update_activity(
            activity=activity,
            by=world.office,
            expected_version=activity.version,
            organisations=[world.org_a],
            lead=world.org_a,
            challenges=[],
            clusters=[],
            goals=[],
            end_date=original_end - dt.timedelta(days=1),
        )
    assert Activity.objects.get(pk=activity.pk).end_date == original_end


def test_changing_the_team_moves_the_lead_and_drops_people_of_organisations_that_left(world):
    activity = activity_with_team(world.org_a, world.org_b)
    contact_b = world.contact_b.contact_person
    services.add_person(activity=activity, by=world.office, contact=contact_b, role="Projektledare")
    services.update_activity(
        activity=activity,
        by=world.office,
        expected_version=Activity.objects.get(pk=activity.pk).version,
        organisations=[world.org_a],
        lead=world.org_a,
        challenges=[],
        clusters=[],
        goals=[],
    )
    assert [(p.organisation_id, p.is_lead) for p in activity.participations.all()] == [
        (world.org_a.pk, True)
    ]
    assert activity.people.count() == 0


def test_add_person_refuses_someone_outside_the_working_group(world):
    activity = activity_with_team(world.org_a)
    with pytest.raises(ValidationError, match="kontaktperson hos en organisation i arbetsgruppen"):
        services.add_person(
            activity=activity, by=world.office, contact=world.contact_b.contact_person
        )
    assert activity.people.count() == 0


def test_update_status_logs_who_what_and_when_and_resets_staleness(world):
    activity = activity_with_team(world.org_a, last_status_update_at=None)
    update = services.update_status(
        activity=activity, by=world.contact_a, lifecycle="ongoing", comment="Pilot startad."
    )
    activity.refresh_from_db()
    assert activity.last_status_update_at == update.at
    assert (update.by, update.lifecycle, update.signal, update.comment) == (
        world.contact_a,
        "ongoing",
        Signal.ON_TRACK,
        "Pilot startad.",
    )


def test_override_signal_needs_a_reason_and_changes_nothing_without_one(world):
    activity = activity_with_team(world.org_a)
    with pytest.raises(ValidationError) as caught:
        services.override_signal(activity=activity, by=world.office, signal="late", reason="  ")
    assert caught.value.message_dict["reason"] == [str(services.OVERRIDE_NEEDS_REASON)]
    activity.refresh_from_db()
    assert activity.signal_override == ""
    assert StatusUpdate.objects.count() == 0


def test_override_signal_with_a_reason_is_recorded_and_logged(world):
    activity = activity_with_team(world.org_a)
    services.override_signal(
        activity=activity, by=world.office, signal="at_risk", reason="Finansieringen är osäker."
    )
    activity.refresh_from_db()
    assert (activity.signal_override, activity.signal_override_by) == ("at_risk", world.office)
    assert services.current_signal(activity) == Signal.AT_RISK
    log = StatusUpdate.objects.get()
    assert "Finansieringen är osäker." in log.comment
    services.override_signal(activity=activity, by=world.office, signal="", reason="")
    activity.refresh_from_db()
    assert activity.signal_override == ""
    assert activity.signal_override_reason == ""
    assert StatusUpdate.objects.count() == 2


def test_milestones_must_lie_within_the_timeline(world):
    activity = activity_with_team(world.org_a)
    with pytest.raises(ValidationError) as caught:
        services.add_milestone(
            activity=activity,
            by=world.office,
            title="För sent",
            due_date=activity.end_date + dt.timedelta(days=1),
        )
    assert "due_date" in caught.value.message_dict
    assert Milestone.objects.count() == 0


def test_a_milestone_cannot_be_done_in_the_future(world):
    activity = activity_with_team(world.org_a)
    with pytest.raises(ValidationError) as caught:
        services.add_milestone(
            activity=activity,
            by=world.office,
            title="Klart i morgon",
            due_date=TODAY(),
            done_on=TODAY() + dt.timedelta(days=1),
        )
    assert "done_on" in caught.value.message_dict


def test_the_number_of_milestones_is_limited_so_the_card_fits_one_page(world):
    activity = activity_with_team(world.org_a)
    for i in range(MAX_MILESTONES):
        services.add_milestone(activity=activity, by=world.office, title=f"M{i}", due_date=TODAY())
    with pytest.raises(ValidationError, match="högst"):
        services.add_milestone(
            activity=activity, by=world.office, title="En för mycket", due_date=TODAY()
        )
    assert activity.milestones.count() == MAX_MILESTONES


def test_milestone_changes_bump_the_card_version(world):
    activity = activity_with_team(world.org_a)
    before = activity.version
    milestone = services.add_milestone(
        activity=activity, by=world.contact_a, title="Start", due_date=TODAY()
    )
    services.update_milestone(
        milestone=milestone, by=world.contact_a, title="Start", due_date=TODAY(), done_on=TODAY()
    )
    assert Activity.objects.get(pk=activity.pk).version == before + 2
    assert Milestone.objects.get().done_on == TODAY()


def test_attachments_are_checked_by_content_not_only_by_name(world):
    activity = activity_with_team(world.org_a)
    fake = SimpleUploadedFile(
        "rapport.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError, match="Filtypen är inte tillåten"):
        services.add_attachment(activity=activity, by=world.office, title="Rapport", file=fake)
    real = SimpleUploadedFile("rapport.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    attachment = services.add_attachment(
        activity=activity, by=world.office, title="Rapport", file=real
    )
    assert attachment.file.storage.exists(attachment.file.name)
    # Private storage: the file lies outside MEDIA_ROOT, so no URL maps to it.
    path = Path(attachment.file.storage.path(attachment.file.name))
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not path.is_relative_to(settings.MEDIA_ROOT)


def test_create_meeting_refuses_an_end_before_the_start(world):
    start = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.create_meeting(
            by=world.office,
            kind=Meeting.Kind.SEMINAR,
            title="Seminarium",
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
        )
    assert "ends_at" in caught.value.message_dict
    assert Meeting.objects.count() == 0


def test_record_attendance_replaces_rows_and_marks_a_past_meeting_held(world):
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    contact = ContactPersonFactory()
    MembershipFactory(contact=contact, organisation=world.org_b)
    services.record_attendance(
        meeting=meeting,
        by=world.office,
        organisations=[world.org_a],
        contacts=[contact],  # type: ignore[list-item]
    )
    rows = {(a.organisation_id, a.contact_id) for a in MeetingAttendance.objects.all()}
    assert rows == {(world.org_a.pk, None), (world.org_b.pk, contact.pk)}
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    services.record_attendance(meeting=meeting, by=world.office, organisations=[world.org_b])
    assert MeetingAttendance.objects.count() == 1


def test_rotating_the_calendar_feed_changes_its_secret(world):
    feed = services.get_or_create_calendar_feed(user=world.contact_a)
    old = feed.secret
    assert services.rotate_calendar_feed(user=world.contact_a).secret != old
    assert ActivityFactory._meta.model.objects.count() == 0
