"""Keeps each activity's milestone facts (``milestones_total``, ``milestones_done``,
``first_open_due``) true.

The follow-up signal needs them for every activity the dashboard counts; reading them from the
milestones on every request cost more than the rest of the page. They are stored on the activity
instead and recomputed from its milestones whenever one is saved or deleted, by the services,
the Django admin, a cascade or a test alike, hence signals rather than calls in each service.
``bulk_create`` sends no signals: its callers (demo data, benchmark seeds) call
:func:`refresh_milestone_facts` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from activities.models import Activity, Milestone


def _aggregate(expression: Any) -> Subquery:
    milestones = Milestone.objects.filter(activity=OuterRef("pk")).order_by().values("activity")
    return Subquery(milestones.annotate(value=expression).values("value")[:1])


def refresh_milestone_facts(activity_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored milestone facts of ``activity_ids`` (every activity when None) from
    their milestones, in one UPDATE. Returns the number of activities updated."""
    activities = Activity.objects.all()
    if activity_ids is not None:
        activities = activities.filter(pk__in=list(activity_ids))
    zero = Value(0, output_field=IntegerField())
    return activities.update(
        milestones_total=Coalesce(_aggregate(Count("pk")), zero),
        milestones_done=Coalesce(_aggregate(Count("done_on")), zero),
        first_open_due=_aggregate(Min("due_date", filter=Q(done_on__isnull=True))),
        # updated_at too: the dashboard keeps its counts under the activities' fingerprint.
        updated_at=timezone.now(),
    )


def _milestone_changed(sender: type[Milestone], instance: Milestone, **kwargs: Any) -> None:
    refresh_milestone_facts([instance.activity_id])


def connect() -> None:
    """Called once from :meth:`activities.apps.ActivitiesConfig.ready`."""
    post_save.connect(_milestone_changed, sender=Milestone, dispatch_uid="milestone_facts_save")
    post_delete.connect(_milestone_changed, sender=Milestone, dispatch_uid="milestone_facts_delete")
