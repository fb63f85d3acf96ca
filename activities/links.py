"""Changes to what an activity serves (its challenges, its clusters, a cluster's challenges) touch
the activity's ``updated_at``.

The dashboard's focus-area counts read every link of every activity, so they are kept per process
under a fingerprint of the activities (their number and latest ``updated_at``,
:func:`activities.selectors._by_focus_area`). The services and the admin save the activity when
they change its links; these receivers cover every other way of changing them (``.set()``,
``.add()`` or ``.remove()`` from either side, a cluster's challenges edited or the cluster
deleted), so no process keeps counts that no longer hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import m2m_changed, pre_delete
from django.utils import timezone

from activities.models import Activity
from roadmap.models import Cluster

_CHANGES = ("post_add", "post_remove", "post_clear", "pre_clear")


def touch(activity_ids: Iterable[int]) -> None:
    ids = list(activity_ids)
    if ids:
        Activity.objects.filter(pk__in=ids).update(updated_at=timezone.now())


def _activity_links_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in _CHANGES:
        return
    if not reverse:  # activity.challenges / activity.clusters changed
        touch([instance.pk])
    elif action == "pre_clear":  # challenge.activities.clear(): pk_set is not given
        touch(instance.activities.values_list("pk", flat=True))
    elif pk_set:
        touch(pk_set)


def _cluster_challenges_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in _CHANGES:
        return
    clusters = [instance.pk] if not reverse else list(pk_set or ())
    if reverse and action == "pre_clear":
        clusters = list(instance.clusters.values_list("pk", flat=True))
    touch(Activity.objects.filter(clusters__in=clusters).values_list("pk", flat=True))


def _cluster_deleted(sender: Any, instance: Cluster, **kwargs: Any) -> None:
    touch(instance.activities.values_list("pk", flat=True))


def connect() -> None:
    """Called once from :meth:`activities.apps.ActivitiesConfig.ready`."""
    for through in (Activity.challenges.through, Activity.clusters.through):
        m2m_changed.connect(
            _activity_links_changed, sender=through, dispatch_uid=f"links-{through.__name__}"
        )
    m2m_changed.connect(
        _cluster_challenges_changed,
        sender=Cluster.challenges.through,
        dispatch_uid="links-cluster-challenges",
    )
    pre_delete.connect(_cluster_deleted, sender=Cluster, dispatch_uid="links-cluster-deleted")
