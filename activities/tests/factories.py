from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from activities.models import (
    Activity,
    Meeting,
    MeetingAttendance,
    Milestone,
    Participation,
    StatusUpdate,
)


def today() -> dt.date:
    return timezone.localdate()


class ActivityFactory(DjangoModelFactory[Activity]):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Aktivitet {n}")
    kind = Activity.Kind.INITIATIVE
    purpose = "Att minska utsläppen tillsammans."
    goal = "Fem partner deltar."
    start_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=30))
    end_date = factory.LazyFunction(lambda: today() + dt.timedelta(days=300))
    lifecycle = Activity.Lifecycle.ONGOING
    learning_and_sharing = True
    last_status_update_at = factory.LazyFunction(timezone.now)


class ParticipationFactory(DjangoModelFactory[Participation]):
    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    is_lead = False


class MilestoneFactory(DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    activity = factory.SubFactory(ActivityFactory)
    title = factory.Sequence(lambda n: f"Delmål {n}")
    due_date = factory.LazyAttribute(lambda m: m.activity.start_date + dt.timedelta(days=10))


class StatusUpdateFactory(DjangoModelFactory[StatusUpdate]):
    class Meta:
        model = StatusUpdate

    activity = factory.SubFactory(ActivityFactory)
    lifecycle = Activity.Lifecycle.ONGOING


class MeetingFactory(DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.SEMINAR
    title = factory.Sequence(lambda n: f"Träff {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=2))
    place = "Väven"
    status = Meeting.Status.PLANNED


class AttendanceFactory(DjangoModelFactory[MeetingAttendance]):
    class Meta:
        model = MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    attended = True


def activity_with_team(*organisations, lead=None, **kwargs) -> Activity:
    """An activity whose working group is ``organisations`` (the first leads unless lead=False)."""
    activity = ActivityFactory(**kwargs)
    for index, organisation in enumerate(organisations):
        is_lead = organisation == lead if lead is not None else (lead is None and index == 0)
        ParticipationFactory(activity=activity, organisation=organisation, is_lead=is_lead)
    return activity
