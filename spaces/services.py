"""Writes for the shared spaces: creating the spaces, posts, comments and files, marking
questions answered, hiding posts, notification choices and the mails they lead to, and
recording reuse of library items.

Spaces are created by :func:`ensure_spaces`, which is idempotent and cheap when nothing is
missing. We call it from the places that already run periodically or on demand instead of from
signals on partners/activities models (house style: no domain workflow in signals, and those
models belong to other apps): the space list page (so a new grouping or working group shows up
on first access), the demo loader and a beat task (``spaces.tasks.ensure_spaces``, every
10 minutes) for the mails' sake.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from activities.models import Activity, Participation
from audit import services as audit_services
from audit.context import acting_as
from klimatfardplan.queue import publish_on_commit
from outbox.services import queue_email
from partners.models import Membership, Organisation
from roadmap.models import Challenge
from spaces import selectors
from spaces.files import check_upload
from spaces.markdown import MARKUP_MESSAGE, excerpt, find_disallowed_markup, render_markdown
from spaces.models import Attachment, Comment, LibraryUse, Post, Space, Subscription

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "spaces.unsubscribe"
ALL_SPACES = 0  # the space id an "unsubscribe from every space" token carries
DIGEST_POSTS_PER_SPACE = 15  # a digest lists the newest; "and 12 more" links to the space


def _markup_error() -> ValidationError:
    return ValidationError(MARKUP_MESSAGE, code="markup")


# --- spaces ---------------------------------------------------------------------------------


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


# --- posts and comments -----------------------------------------------------------------------


def _require_contributor(user: User, space: Space) -> None:
    if not policy.can(user, "spaces.contribute", space):
        raise PermissionDenied(_("Du är inte medlem i det här rummet."))


@transaction.atomic
def create_post(
    *,
    space: Space,
    by: User,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    is_reusable: bool = False,
    upload: UploadedFile | None = None,
) -> Post:
    """A member (or the office) posts in a space; members who chose "every post" get a mail.

    Raises PermissionDenied for non-members and ValidationError for script in the text or a
    refused file; in both cases nothing is stored.
    """
    _require_contributor(by, space)
    if find_disallowed_markup(title) or find_disallowed_markup(body):
        raise _markup_error()
    checked = check_upload(upload) if upload is not None else None
    post = Post.objects.create(
        space=space,
        kind=kind,
        title=title.strip(),
        body=body,
        body_html=render_markdown(body),
        excerpt=excerpt(body),
        link=link,
        is_reusable=is_reusable,
        author=by,
        organisation_id=selectors.member_organisation_for(by, space),
    )
    if upload is not None and checked is not None:
        attachment = Attachment(
            post=post,
            original_name=checked.original_name,
            extension=checked.extension,
            content_type=checked.content_type,
            size=checked.size,
        )
        # A stored file whose row is rolled back is removed again (nothing half-saved).
        attachment.file.save(checked.original_name, upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    from spaces import tasks  # here: tasks import this module

    publish_on_commit(tasks.notify_new_post, post.pk)
    return post


@transaction.atomic
def add_comment(*, post: Post, by: User, body: str) -> Comment:
    space = post.space
    _require_contributor(by, space)
    if post.is_hidden:
        raise ValidationError(_("Inlägget är dolt och kan inte kommenteras."), code="hidden")
    if find_disallowed_markup(body):
        raise _markup_error()
    return Comment.objects.create(
        post=post,
        body=body,
        body_html=render_markdown(body),
        author=by,
        organisation_id=selectors.member_organisation_for(by, space),
    )


@transaction.atomic
def mark_answered(*, post: Post, by: User, answer: Comment | None = None) -> Post:
    """The question's author or the office marks it answered (optionally naming the comment
    that answered it). Safe to call twice: a second call changes nothing."""
    if not policy.can(by, "spaces.mark_answered", post):
        raise PermissionDenied(_("Bara den som ställde frågan eller kansliet kan markera den."))
    if not post.is_question:
        raise ValidationError(_("Bara frågor kan markeras som besvarade."), code="not_question")
    if answer is not None and answer.post_id != post.pk:
        raise ValidationError(_("Svaret hör inte till den här frågan."), code="wrong_answer")
    if post.is_answered and (answer is None or post.answer_id == answer.pk):
        return post
    post.answered_at = post.answered_at or timezone.now()
    post.answered_by = post.answered_by or by
    if answer is not None:
        post.answer = answer
    post.save(update_fields=["answered_at", "answered_by", "answer", "updated_at"])
    return post


@transaction.atomic
def hide_post(*, post: Post, by: User, reason: str) -> Post:
    """The office hides a post from members and the library, keeping the reason, who and when.

    The post is not deleted: the office still sees it (marked hidden) and can export it.
    """
    policy.require(by, "spaces.hide_post", post)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Skriv varför inlägget döljs."), code="reason_required")
    if post.is_hidden:
        return post
    post.hidden_at = timezone.now()
    post.hidden_by = by
    post.hidden_reason = reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    # The audit trail (issue 7) keeps who hid what, when and why, beside the post's own fields.
    with acting_as(by):
        audit_services.record(
            instance=post,
            action="update",
            changes={
                "hidden_at": [None, post.hidden_at.isoformat()],
                "hidden_by_id": [None, by.pk],
                "hidden_reason": ["", reason],
            },
        )
    return post


# --- the knowledge library ----------------------------------------------------------------------


@transaction.atomic
def record_library_use(*, post: Post, organisation: Organisation, by: User) -> LibraryUse:
    """ "We used this": record that ``organisation`` used a library item. Safe to call twice."""
    if organisation.pk not in policy.organisation_ids(by):
        raise PermissionDenied(_("Du kan bara registrera användning för din egen organisation."))
    if not post.is_reusable or post.is_hidden:
        raise ValidationError(_("Inlägget finns inte i kunskapsbanken."), code="not_library")
    if post.organisation_id == organisation.pk:
        raise ValidationError(
            _("Det här är er egen kunskap; registrera användning av andras."), code="own_item"
        )
    use, _created = LibraryUse.objects.get_or_create(
        post=post, organisation=organisation, defaults={"used_by": by}
    )
    return use


# --- notifications --------------------------------------------------------------------------


@transaction.atomic
def set_subscription(*, space: Space, user: User, mode: str) -> Subscription:
    _require_contributor(user, space)
    if mode not in Subscription.Mode.values:
        raise ValidationError(_("Välj ett av alternativen."), code="mode")
    subscription, _created = Subscription.objects.update_or_create(
        space=space, user=user, defaults={"mode": mode}
    )
    return subscription


def make_unsubscribe_token(*, user_id: int, space_id: int) -> str:
    """A signed token naming the user and the space (0: every space). No login needed."""
    return signing.dumps({"u": user_id, "s": space_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int]:
    """(user id, space id) from a token, or ValidationError when it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            _("Länken för att avsluta e-postmeddelanden är ogiltig eller har ändrats."),
            code="bad_token",
        ) from None


@transaction.atomic
def unsubscribe(*, token: str) -> int:
    """Turn mail off for the token's user and space (or every space). Returns rows changed."""
    user_id, space_id = read_unsubscribe_token(token)
    subscriptions = Subscription.objects.filter(user_id=user_id).exclude(
        mode=Subscription.Mode.NONE
    )
    if space_id != ALL_SPACES:
        subscriptions = subscriptions.filter(space_id=space_id)
    return subscriptions.update(mode=Subscription.Mode.NONE, updated_at=timezone.now())


def _site_url() -> str:
    configured = getattr(settings, "SITE_URL", "")
    if configured:
        return str(configured).rstrip("/")
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".")), "localhost")
    return f"https://{host}"


def _unsubscribe_url(user_id: int, space_id: int) -> str:
    token = make_unsubscribe_token(user_id=user_id, space_id=space_id)
    return _site_url() + reverse("spaces:unsubscribe", kwargs={"token": token})


def _email_of(user: User) -> str:
    contact = getattr(user, "contact_person", None)
    return (contact.email if contact is not None else "") or user.email


def _organisations_by_user(user_ids: set[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    rows = Membership.objects.filter(contact__user_id__in=user_ids, is_active=True).values_list(
        "contact__user_id", "organisation_id"
    )
    for user_id, organisation_id in rows:
        result[user_id].add(organisation_id)
    return result


def notify_new_post(*, post_id: int) -> int:
    """Mail the members who chose "every post" (not the author). Safe to call twice: each mail
    has a dedupe key per post and recipient. Returns the number of mails queued."""
    post = Post.objects.select_related("space__challenge", "space__activity", "organisation").get(
        pk=post_id
    )
    if post.is_hidden:
        return 0
    space = post.space
    subscriptions = list(
        Subscription.objects.filter(
            space=space, mode=Subscription.Mode.EACH_POST, user__is_active=True
        )
        .exclude(user_id=post.author_id or 0)
        .select_related("user__contact_person")
    )
    if not subscriptions:
        return 0
    members = selectors.member_organisation_ids(space)
    organisations = _organisations_by_user({s.user_id for s in subscriptions})
    queued = 0
    for subscription in subscriptions:
        user = subscription.user
        if not (policy.is_office(user) or organisations[user.pk] & members):
            continue  # no longer a member: membership is derived and may have ended
        address = _email_of(user)
        if not address:
            continue
        context = {
            "post": post,
            "space": space,
            "post_url": _site_url() + post.get_absolute_url(),
            "unsubscribe_url": _unsubscribe_url(user.pk, space.pk),
        }
        email = queue_email(
            to=[address],
            subject=_("Nytt inlägg i %(space)s: %(title)s") % {"space": space, "title": post.title},
            body=render_to_string("spaces/email/new_post.txt", context),
            dedupe_key=f"spaces-post:{post.pk}:{user.pk}",
        )
        queued += email is not None
    return queued


def digest_week(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime, str]:
    """The last complete ISO week before ``now``: (start, end, label such as "2026-W47")."""
    today = timezone.localtime(now or timezone.now()).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    start_day = this_monday - dt.timedelta(days=7)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(this_monday, dt.time.min, tzinfo=zone)
    iso = start_day.isocalendar()
    return start, end, f"{iso.year}-W{iso.week:02d}"


def send_weekly_digests(*, now: dt.datetime | None = None) -> int:
    """One mail per member who chose the weekly digest, listing last week's posts in each of
    their spaces. Never twice for the same member and week (outbox dedupe key), so the beat
    task may run again or late. Returns the number of mails queued.

    Queries: subscriptions, posts of the week, members of the spaces (two), the subscribers'
    organisations; then one or two per mail queued (the outbox's dedupe check and insert).
    """
    start, end, label = digest_week(now)
    subscriptions = list(
        Subscription.objects.filter(mode=Subscription.Mode.WEEKLY, user__is_active=True)
        .select_related("user__contact_person", "space__challenge", "space__activity")
        .order_by("user_id", "space_id")
    )
    if not subscriptions:
        return 0
    space_ids = {s.space_id for s in subscriptions}
    posts_by_space: dict[int, list[Post]] = defaultdict(list)
    for post in (
        Post.objects.shown()
        .filter(space_id__in=space_ids, created_at__gte=start, created_at__lt=end)
        .select_related("organisation")
        .order_by("-created_at", "-pk")  # newest first: a digest lists the newest
    ):
        posts_by_space[post.space_id].append(post)
    if not posts_by_space:
        return 0
    members = _members_of_spaces({s.space for s in subscriptions if s.space_id in posts_by_space})
    organisations = _organisations_by_user({s.user_id for s in subscriptions})
    per_user: dict[int, list[tuple[Space, list[Post]]]] = defaultdict(list)
    users: dict[int, User] = {}
    for subscription in subscriptions:
        space_posts = posts_by_space.get(subscription.space_id)
        user = subscription.user
        if not space_posts:
            continue
        if not (policy.is_office(user) or organisations[user.pk] & members[subscription.space_id]):
            continue
        per_user[user.pk].append((subscription.space, space_posts))
        users[user.pk] = user
    # A space's section of the digest is the same for every member: render it once per space
    # (the expensive part), then join sections with each member's own unsubscribe links.
    site = _site_url()
    rendered: dict[int, str] = {}
    queued = 0
    for user_id, sections in per_user.items():
        user = users[user_id]
        address = _email_of(user)
        if not address:
            continue
        parts = []
        for space, space_posts in sections:
            if space.pk not in rendered:
                rendered[space.pk] = render_to_string(
                    "spaces/email/_digest_section.txt",
                    {
                        "space": space,
                        "posts": space_posts[:DIGEST_POSTS_PER_SPACE],
                        "more": max(0, len(space_posts) - DIGEST_POSTS_PER_SPACE),
                        "space_url": site + space.get_absolute_url(),
                        "site": site,
                    },
                )
            parts.append((rendered[space.pk], _unsubscribe_url(user_id, space.pk)))
        body = render_to_string(
            "spaces/email/weekly_digest.txt",
            {
                "week": label,
                "sections": parts,
                "unsubscribe_all_url": _unsubscribe_url(user_id, ALL_SPACES),
            },
        )
        email = queue_email(
            to=[address],
            subject=_("Veckans nytt i dina rum (%(week)s)") % {"week": label},
            body=body,
            dedupe_key=f"spaces-digest:{user_id}:{label}",
        )
        queued += email is not None
    return queued


def _members_of_spaces(spaces: set[Space]) -> dict[int, frozenset[int]]:
    """Member organisation ids of many spaces in two queries (one per kind)."""
    by_challenge = {s.challenge_id: s.pk for s in spaces if s.challenge_id}
    by_activity = {s.activity_id: s.pk for s in spaces if s.activity_id}
    found: dict[int, set[int]] = defaultdict(set)
    if by_challenge:
        rows = (
            selectors.current_commitments()
            .filter(challenge_id__in=by_challenge)
            .values_list("challenge_id", "commitment_set__organisation_id")
        )
        for challenge_id, organisation_id in rows:
            found[by_challenge[challenge_id]].add(organisation_id)
    if by_activity:
        for activity_id, organisation_id in Participation.objects.filter(
            activity_id__in=by_activity
        ).values_list("activity_id", "organisation_id"):
            found[by_activity[activity_id]].add(organisation_id)
    return defaultdict(frozenset, {pk: frozenset(ids) for pk, ids in found.items()})


# --- export ---------------------------------------------------------------------------------


def export_space(*, space: Space, by: User) -> bytes:
    """A ZIP of everything in the space for the office: ``content.json`` (posts with their
    comments, hidden ones with the reason) and ``files/<id>-<name>`` for every attachment."""
    policy.require(by, "spaces.export", space)
    posts = (
        Post.objects.filter(space=space)
        .select_related("author", "organisation", "hidden_by", "answered_by")
        .prefetch_related("attachments", "comments__author", "comments__organisation")
        .order_by("created_at", "pk")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        data: dict[str, Any] = {
            "space": {"id": space.pk, "name": space.name, "kind": space.kind},
            "exported_at": timezone.now().isoformat(),
            "posts": [],
        }
        for post in posts:
            files = []
            for attachment in post.attachments.all():
                arcname = f"files/{attachment.pk}-{attachment.original_name}"
                try:
                    with attachment.file.open("rb") as handle:
                        archive.writestr(arcname, handle.read())
                except OSError:
                    logger.warning("Attachment %s is missing from storage.", attachment.pk)
                    arcname = ""
                files.append({"name": attachment.original_name, "path": arcname})
            data["posts"].append(
                {
                    "id": post.pk,
                    "kind": post.kind,
                    "title": post.title,
                    "body": post.body,
                    "link": post.link,
                    "is_reusable": post.is_reusable,
                    "author": post.author.get_full_name() if post.author else "",
                    "organisation": post.organisation.name if post.organisation else "",
                    "created_at": post.created_at.isoformat(),
                    "answered_at": post.answered_at.isoformat() if post.answered_at else None,
                    "hidden_at": post.hidden_at.isoformat() if post.hidden_at else None,
                    "hidden_by": post.hidden_by.get_full_name() if post.hidden_by else "",
                    "hidden_reason": post.hidden_reason,
                    "files": files,
                    "comments": [
                        {
                            "author": c.author.get_full_name() if c.author else "",
                            "organisation": c.organisation.name if c.organisation else "",
                            "body": c.body,
                            "created_at": c.created_at.isoformat(),
                            "is_answer": c.pk == post.answer_id,
                        }
                        for c in post.comments.all()
                    ],
                }
            )
        archive.writestr("content.json", json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()
