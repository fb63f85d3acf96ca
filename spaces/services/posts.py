"""Posts, comments, answers, hiding and the library's "we used this"."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit_services
from audit.context import acting_as
from klimatfardplan.queue import publish_on_commit
from partners.models import Organisation
from partners.validators import validate_plain_name
from spaces import selectors
from spaces.files import check_upload
from spaces.markdown import MARKUP_MESSAGE, excerpt, find_disallowed_markup, render_markdown
from spaces.models import Attachment, Comment, LibraryUse, Post, Space

if TYPE_CHECKING:
    from accounts.models import User


def _markup_error() -> ValidationError:
    return ValidationError(MARKUP_MESSAGE, code="markup")


def require_contributor(user: User, space: Space) -> None:
    """Members (and the office) post, comment and choose notifications; others are refused."""
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
    require_contributor(by, space)
    if find_disallowed_markup(title) or find_disallowed_markup(body):
        raise _markup_error()
    # Forms check these too (model validators); the service is the last line for any other caller.
    try:
        validate_plain_name(title)
    except ValidationError as error:
        raise ValidationError({"title": error}) from None
    if link:
        # Forms check this too; the service is the last line for any other caller.
        URLValidator(schemes=["http", "https"])(link)
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
    require_contributor(by, space)
    if post.is_hidden:
        raise ValidationError(_("Inlägget är dolt och kan inte kommenteras."), code="hidden")
    if find_disallowed_markup(body):
        raise _markup_error()
    comment = Comment.objects.create(
        post=post,
        body=body,
        body_html=render_markdown(body),
        author=by,
        organisation_id=selectors.member_organisation_for(by, space),
    )
    from spaces import tasks  # here: tasks import this module

    # The thread's author and the others who commented hear of the reply (issue 18).
    publish_on_commit(tasks.notify_new_comment, comment.pk)
    return comment


def _check_text(*, title: str | None = None, body: str) -> None:
    if find_disallowed_markup(title or "") or find_disallowed_markup(body):
        raise _markup_error()
    if title is not None:
        try:
            validate_plain_name(title)
        except ValidationError as error:
            raise ValidationError({"title": error}) from None


@transaction.atomic
def edit_post(
    *,
    post: Post,
    by: User,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    is_reusable: bool = False,
) -> Post:
    """The author changes their post while still a member of its space (the policy's
    ``spaces.edit_own``); readers see "redigerad" with the time. Files stay as they were.
    Nothing changed: nothing saved, no marker."""
    policy.require(by, "spaces.edit_own", post)
    _check_text(title=title, body=body)
    if link:
        URLValidator(schemes=["http", "https"])(link)
    title = title.strip()
    new = {"kind": kind, "title": title, "body": body, "link": link, "is_reusable": is_reusable}
    old = {field: getattr(post, field) for field in new}
    if old == new:
        return post
    for field, value in new.items():
        setattr(post, field, value)
    post.body_html = render_markdown(body)
    post.excerpt = excerpt(body)
    post.edited_at = timezone.now()
    post.save(
        update_fields=[*new, "body_html", "excerpt", "edited_at", "updated_at", "search_text"]
    )
    return post


@transaction.atomic
def edit_comment(*, comment: Comment, by: User, body: str) -> Comment:
    """The author changes their comment (as :func:`edit_post`)."""
    policy.require(by, "spaces.edit_own", comment)
    _check_text(body=body)
    if comment.body == body:
        return comment
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


def _record_deletion(*, instance: Post | Comment, by: User, what: dict[str, str]) -> None:
    # The audit trail keeps who removed what and when (the office may remove others' words).
    with acting_as(by):
        audit_services.record(
            instance=instance, action="delete", changes={k: [v, None] for k, v in what.items()}
        )


@transaction.atomic
def delete_post(*, post: Post, by: User) -> None:
    """The author (still a member) or the office deletes a post with its comments and files.
    The stored files are removed after commit, so a rollback keeps them."""
    policy.require(by, "spaces.delete", post)
    files = [a.file for a in post.attachments.all() if a.file.name]
    _record_deletion(
        instance=post, by=by, what={"title": post.title, "author_id": str(post.author_id)}
    )
    post.delete()
    for file in files:
        transaction.on_commit(partial(file.storage.delete, file.name))


@transaction.atomic
def delete_comment(*, comment: Comment, by: User) -> None:
    """The author (still a member) or the office deletes a comment. A question it answered
    is no longer answered by it (the post's ``answer`` is cleared by the foreign key)."""
    policy.require(by, "spaces.delete", comment)
    _record_deletion(
        instance=comment,
        by=by,
        what={"body": comment.body[:200], "author_id": str(comment.author_id)},
    )
    comment.delete()


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
    from spaces import tasks  # here: tasks import this module

    # The author is told why (issue 18): a mail, and a note on their own post's page.
    publish_on_commit(tasks.notify_post_hidden, post.pk)
    return post


@transaction.atomic
def unhide_post(*, post: Post, by: User) -> Post:
    """The office shows a hidden post again. The reason stays in the audit trail only."""
    policy.require(by, "spaces.hide_post", post)
    if not post.is_hidden:
        return post
    before = {
        "hidden_at": [post.hidden_at.isoformat() if post.hidden_at else None, None],
        "hidden_by_id": [post.hidden_by_id, None],
        "hidden_reason": [post.hidden_reason, ""],
    }
    post.hidden_at = None
    post.hidden_by = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    with acting_as(by):
        audit_services.record(instance=post, action="update", changes=before)
    return post


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
