"""Milestones, named people and attachments of an activity card."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from activities.models import (
    MAX_ATTACHMENTS,
    MAX_MILESTONES,
    MAX_PEOPLE,
    Activity,
    ActivityPerson,
    Attachment,
    Milestone,
)
from activities.services.common import (
    _MAGIC,
    ALLOWED_UPLOAD_SUFFIXES,
    DONE_IN_FUTURE,
    FILE_TOO_LARGE,
    FILE_TYPE_NOT_ALLOWED,
    MILESTONE_OUTSIDE,
    PERSON_NOT_IN_TEAM,
    TOO_MANY_ATTACHMENTS,
    TOO_MANY_MILESTONES,
    TOO_MANY_PEOPLE,
    _bump_version,
)

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import ContactPerson

# Messages shared with the tests (HackSoft's habit): the user sees exactly these.

# --- milestones -----------------------------------------------------------------------------------


def _check_milestone_date(activity: Activity, due_date: dt.date, done_on: dt.date | None) -> None:
    if not activity.start_date <= due_date <= activity.end_date:
        raise ValidationError(
            {
                "due_date": ValidationError(
                    MILESTONE_OUTSIDE,
                    params={"start": activity.start_date, "end": activity.end_date},
                    code="outside_timeline",
                )
            }
        )
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": ValidationError(DONE_IN_FUTURE, code="done_in_future")})


@transaction.atomic
def add_milestone(
    *,
    activity: Activity,
    by: User,
    title: str,
    due_date: dt.date,
    done_on: dt.date | None = None,
) -> Milestone:
    _check_milestone_date(activity, due_date, done_on)
    if activity.milestones.count() >= MAX_MILESTONES:
        raise ValidationError(TOO_MANY_MILESTONES, params={"max": MAX_MILESTONES})
    milestone = Milestone(activity=activity, title=title, due_date=due_date, done_on=done_on)
    milestone.full_clean()
    milestone.save()
    _bump_version(activity)
    return milestone


@transaction.atomic
def update_milestone(
    *,
    milestone: Milestone,
    by: User,
    title: str,
    due_date: dt.date,
    done_on: dt.date | None,
) -> Milestone:
    _check_milestone_date(milestone.activity, due_date, done_on)
    if (milestone.title, milestone.due_date, milestone.done_on) == (title, due_date, done_on):
        return milestone
    milestone.title, milestone.due_date, milestone.done_on = title, due_date, done_on
    milestone.full_clean()
    milestone.save()
    _bump_version(milestone.activity)
    return milestone


@transaction.atomic
def delete_milestone(*, milestone: Milestone, by: User) -> None:
    activity = milestone.activity
    milestone.delete()
    _bump_version(activity)


# --- people and attachments -------------------------------------------------------------------------


@transaction.atomic
def add_person(
    *, activity: Activity, by: User, contact: ContactPerson, role: str = ""
) -> ActivityPerson:
    team = activity.organisation_ids()
    if not contact.memberships.filter(organisation_id__in=team, is_active=True).exists():
        raise ValidationError({"contact": ValidationError(PERSON_NOT_IN_TEAM)})
    if activity.people.count() >= MAX_PEOPLE:
        raise ValidationError(TOO_MANY_PEOPLE, params={"max": MAX_PEOPLE})
    person, created = ActivityPerson.objects.get_or_create(
        activity=activity, contact=contact, defaults={"role": role}
    )
    if not created and person.role != role:
        person.role = role
        person.save(update_fields=["role"])
    _bump_version(activity)
    return person


@transaction.atomic
def remove_person(*, person: ActivityPerson, by: User) -> None:
    activity = person.activity
    person.delete()
    _bump_version(activity)


def check_upload(file: UploadedFile) -> None:
    """Size, extension and magic bytes (security.md, V5 files)."""
    suffix = Path(file.name or "").suffix.lower()
    if suffix not in ALLOWED_UPLOAD_SUFFIXES:
        raise ValidationError(
            {
                "file": ValidationError(
                    FILE_TYPE_NOT_ALLOWED, params={"types": ", ".join(ALLOWED_UPLOAD_SUFFIXES)}
                )
            }
        )
    limit = int(settings.UPLOAD_MAX_FILE_BYTES)  # the project's one upload limit (issue 15)
    if (file.size or 0) > limit:
        raise ValidationError(
            {"file": ValidationError(FILE_TOO_LARGE, params={"mb": limit // (1024 * 1024)})}
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC[suffix]):
        raise ValidationError(
            {
                "file": ValidationError(
                    FILE_TYPE_NOT_ALLOWED, params={"types": ", ".join(ALLOWED_UPLOAD_SUFFIXES)}
                )
            }
        )


@transaction.atomic
def add_attachment(*, activity: Activity, by: User, title: str, file: UploadedFile) -> Attachment:
    check_upload(file)
    if activity.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(TOO_MANY_ATTACHMENTS, params={"max": MAX_ATTACHMENTS})
    attachment = Attachment(activity=activity, title=title, uploaded_by=by)
    attachment.file.save(Path(file.name or "bilaga").name, file, save=False)
    attachment.save()
    return attachment


def delete_attachment(*, attachment: Attachment, by: User) -> None:
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
