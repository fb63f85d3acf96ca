"""Creating the spaces (see the package docstring for where ensure_spaces is called from)."""

from __future__ import annotations

from django.db import transaction

from activities.models import Activity, Participation
from roadmap.models import Challenge
from spaces.models import Space


@transaction.atomic
def ensure_spaces() -> int:
    """Create the missing spaces: one per challenge, one per activity with a working group.

    Safe to call twice (and concurrently: the one-to-one columns are unique, conflicts are
    ignored). Returns the number created. Two queries when nothing is missing.
    """
    challenges = Challenge.objects.filter(space__isnull=True).values_list("pk", flat=True)
    with_group = Participation.objects.values("activity_id")
    activities = Activity.objects.filter(pk__in=with_group, space__isnull=True).values_list(
        "pk", flat=True
    )
    new = [Space(kind=Space.Kind.CHALLENGE, challenge_id=pk) for pk in challenges]
    new += [Space(kind=Space.Kind.WORKING_GROUP, activity_id=pk) for pk in activities]
    if not new:
        return 0
    Space.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
