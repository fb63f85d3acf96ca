"""Who is a member of which space, and the spaces' lists and pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import policy
from activities.models import Participation
from partners.models import Commitment, CommitmentSet, Organisation
from spaces.models import Attachment, Comment, LibraryUse, MailPreference, Post, Space, Subscription

if TYPE_CHECKING:
    from accounts.policy import AnyUser


# A space's e-mail choice "as for all my spaces" (no Subscription row; services.DEFAULT).
DEFAULT_MODE = "default"


# --- membership -------------------------------------------------------------------------------


def current_commitments(**filters: Any) -> QuerySet[Commitment]:
    """Confirmed commitments of the current partnership period(s): the challenge groupings;
    ``filters`` narrow them in the same ``filter()`` call."""
    year = timezone.localdate().year
    return Commitment.objects.filter(
        Q(commitment_set__period__is_open=True)
        | Q(
            commitment_set__period__start_year__lte=year, commitment_set__period__end_year__gte=year
        ),
        commitment_set__status=CommitmentSet.Status.CONFIRMED,
        **filters,
    )


def _member_organisation_ids_query(space: Space) -> QuerySet[Any]:
    if space.challenge_id is not None:
        return (
            current_commitments()
            .filter(challenge_id=space.challenge_id)
            .values("commitment_set__organisation_id")
        )
    # A working-group space: the check constraint guarantees activity_id is set.
    return Participation.objects.filter(activity_id=space.activity_id or 0).values(
        "organisation_id"
    )


def list_member_organisations(space: Space) -> QuerySet[Organisation]:
    """The member organisations by name."""
    return Organisation.objects.filter(pk__in=_member_organisation_ids_query(space)).order_by(
        "name", "pk"
    )


def member_organisation_ids(space: Space) -> frozenset[int]:
    """The member organisations' ids. Kept on the instance, which lives for one request: the
    access checks of a page ask several times."""
    cached: frozenset[int] | None = getattr(space, "_kf_member_ids", None)
    if cached is None:
        query = _member_organisation_ids_query(space)
        cached = frozenset(Organisation.objects.filter(pk__in=query).values_list("pk", flat=True))
        space._kf_member_ids = cached  # type: ignore[attr-defined]
    return cached


def is_member(user: AnyUser, space: Space) -> bool:
    """A contact of a member organisation (the office is handled by the policy)."""
    own = policy.organisation_ids(user)
    return bool(own and own & member_organisation_ids(space))


def member_organisation_for(user: AnyUser, space: Space) -> int | None:
    """The organisation ``user`` speaks for in ``space`` (lowest id if several), or None."""
    shared = policy.organisation_ids(user) & member_organisation_ids(space)
    return min(shared) if shared else None


def spaces_of_organisations(organisation_ids: frozenset[int]) -> Q:
    """A filter on Space: the spaces these organisations are members of (subqueries)."""
    challenges = (
        current_commitments()
        .filter(commitment_set__organisation_id__in=organisation_ids)
        .values("challenge_id")
    )
    activities = Participation.objects.filter(organisation_id__in=organisation_ids).values(
        "activity_id"
    )
    return Q(challenge_id__in=challenges) | Q(activity_id__in=activities)


def _count_per(model: type[Post | Comment | Attachment | LibraryUse], outer: str) -> Coalesce:
    """The number of ``model`` rows whose ``outer`` is the row's pk, as a correlated subquery:
    only the rows a page shows pay for it, and no GROUP BY over joins."""
    rows = (
        model._default_manager.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def list_spaces(*, visible_to: AnyUser) -> QuerySet[Space]:
    """The spaces this user is in: every space for the office, member spaces for a partner;
    each with ``post_count`` (posts not hidden)."""
    shown_posts = (
        Post.objects.shown()
        .filter(space=OuterRef("pk"))
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    spaces = (
        Space.objects.select_related("challenge__focus_area", "activity")
        # What the list shows: not the activities' texts (2,000 rows at ten times the size).
        .only(
            "kind",
            "challenge__number",
            "challenge__name_sv",
            "challenge__name_en",
            "challenge__focus_area__name_sv",
            "challenge__focus_area__name_en",
            "activity__title",
        )
        .annotate(post_count=Coalesce(Subquery(shown_posts, output_field=IntegerField()), 0))
        .order_by("kind", "challenge__number", "activity__title")
    )
    if policy.is_office(visible_to):
        return spaces
    organisation_ids = policy.organisation_ids(visible_to)
    if not organisation_ids:
        return spaces.none()
    return spaces.filter(spaces_of_organisations(organisation_ids))


def get_space(pk: int) -> Space:
    """A space with what its page header needs (existence is not secret: spaces are named after
    public challenges and activities; their *content* is for members)."""
    return Space.objects.select_related("challenge__focus_area", "activity").get(pk=pk)


def get_space_page(pk: int, *, user: AnyUser) -> Space:
    """``get_space`` with the user's e-mail choices, in one query: ``subscription_mode``, the
    exception for this space ("default" without one: the choice for all spaces applies), and
    ``mail_preference_mode``, the choice for all spaces ("none" without one)."""
    mode: Any = Value(DEFAULT_MODE)
    preference: Any = Value(Subscription.Mode.NONE.value)
    if user.is_authenticated:  # at most one row each (unique per space and user, per user)
        chosen = Subscription.objects.filter(space=OuterRef("pk"), user_id=user.pk).values("mode")
        mode = Coalesce(Subquery(chosen[:1]), mode)
        default = MailPreference.objects.filter(user_id=user.pk).values("mode")
        preference = Coalesce(Subquery(default[:1]), preference)
    return (
        Space.objects.select_related("challenge__focus_area", "activity")
        .annotate(subscription_mode=mode, mail_preference_mode=preference)
        .get(pk=pk)
    )


def get_mail_preference_mode(user: AnyUser) -> str:
    """The user's e-mail choice for all spaces ("none" without one)."""
    if not user.is_authenticated:
        return Subscription.Mode.NONE
    mode = MailPreference.objects.filter(user_id=user.pk).values_list("mode", flat=True).first()
    return mode or Subscription.Mode.NONE


def list_subscription_exceptions(*, user: AnyUser) -> QuerySet[Subscription]:
    """The spaces where the user chose otherwise than for all spaces, in space order."""
    if not user.is_authenticated:
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(user_id=user.pk)
        .select_related("space__challenge", "space__activity")
        .order_by("space__kind", "space__challenge__number", "space__activity__title")
    )


def get_subscription_mode(*, space: Space, user: AnyUser) -> str:
    if not user.is_authenticated:
        return Subscription.Mode.NONE
    mode = (
        Subscription.objects.filter(space=space, user_id=user.pk)
        .values_list("mode", flat=True)
        .first()
    )
    return mode or Subscription.Mode.NONE
