"""Shared spaces (gemensamma rum): one per challenge grouping and one per working group, with
posts, comments, files, notification choices and the knowledge library.

Membership is *not* stored here: it is derived from the partners' confirmed commitments (challenge
groupings) and from the activities' working groups, by ``spaces.selectors``. A space only knows
what it is the space *of*.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_plain_name

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

TITLE_MAX = 150
BODY_MAX = 10_000
COMMENT_MAX = 5_000
HIDE_REASON_MAX = 500


def private_storage() -> Storage:
    """Files of a space are private: no URL maps to them, a view checks membership and streams
    them (a callable so that migrations do not freeze a storage instance)."""
    return storages["private"]


class Space(models.Model):
    class Kind(models.TextChoices):
        CHALLENGE = "challenge", _("Gruppering kring en klimatutmaning")
        WORKING_GROUP = "working_group", _("Arbetsgrupp")

    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, db_index=True)
    challenge = models.OneToOneField(
        "roadmap.Challenge",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="space",
        verbose_name=_("klimatutmaning"),
    )
    activity = models.OneToOneField(
        "activities.Activity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="space",
        verbose_name=_("aktivitet"),
    )
    description = models.TextField(_("beskrivning"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)

    if TYPE_CHECKING:
        posts: RelatedManager[Post]

    class Meta:
        ordering = ["kind", "challenge__number", "activity__title"]
        verbose_name = _("rum")
        verbose_name_plural = _("rum")
        constraints = [
            # A space is the space of exactly one thing, and of the kind it says.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="challenge", challenge__isnull=False, activity__isnull=True)
                    | models.Q(kind="working_group", challenge__isnull=True, activity__isnull=False)
                ),
                name="space_of_exactly_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("spaces:space_detail", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        if self.challenge_id is not None:
            return str(self.challenge)
        if self.activity_id is not None:
            return str(self.activity)
        return str(_("Rum"))


def search_text_of(title: str, body: str) -> str:
    """What the library's search reads outside PostgreSQL: title and text, casefolded."""
    return f"{title}\n{body}".casefold()


class PostQuerySet(models.QuerySet["Post"]):
    def shown(self) -> PostQuerySet:
        """Posts not hidden by the office."""
        return self.filter(hidden_at__isnull=True)

    def in_library(self) -> PostQuerySet:
        return self.shown().filter(is_reusable=True)

    def open_questions(self) -> PostQuerySet:
        return self.shown().filter(kind=Post.Kind.QUESTION, answered_at__isnull=True)


class Post(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("Inlägg")
        QUESTION = "question", _("Fråga")
        OFFER = "offer", _("Erbjudande")
        TIP = "tip", _("Tips")

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="posts", verbose_name=_("rum")
    )
    kind = models.CharField(
        _("typ av inlägg"), max_length=20, choices=Kind.choices, default=Kind.POST
    )
    # Plain text (issue 15): no control, bidi-override or zero-width characters in a title.
    title = models.CharField(_("rubrik"), max_length=TITLE_MAX, validators=[validate_plain_name])
    body = models.TextField(
        _("text"),
        max_length=BODY_MAX,
        help_text=_("Markdown: **fetstil**, *kursiv*, listor och länkar [text](https://…)."),
    )
    # The sanitised HTML of ``body``, rendered once when the post is saved (spaces.markdown).
    body_html = models.TextField(editable=False, blank=True)
    # Plain-text start of the text for lists and mails (rendered once, like body_html).
    excerpt = models.CharField(max_length=300, editable=False, blank=True)
    # Title and text casefolded in Python for the library's search outside PostgreSQL: SQLite's
    # LIKE and LOWER fold ASCII only, so "älvstranden" would not find "Älvstranden". Kept by
    # save() (below), the one path every post's title and text is written through.
    search_text = models.TextField(editable=False, blank=True, default="")
    link = models.URLField(_("länk"), blank=True, max_length=500)
    is_reusable = models.BooleanField(
        _("dela i kunskapsbanken"),
        default=False,
        help_text=_("Inlägget och dess filer blir läsbara för alla partner i kunskapsbanken."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="space_posts",
        verbose_name=_("författare"),
    )
    # The organisation the author wrote for (None: the office). Indicators count per organisation.
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="space_posts",
        verbose_name=_("organisation"),
    )
    answered_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("markerad som besvarad av"),
    )
    answer = models.ForeignKey(
        "Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("svaret"),
    )
    hidden_at = models.DateTimeField(_("dold"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dold av"),
    )
    hidden_reason = models.TextField(_("skäl att dölja"), blank=True, max_length=HIDE_REASON_MAX)
    created_at = models.DateTimeField(_("skrivet"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)
    # When the author last changed what readers see (the "redigerad" marker). Not updated_at:
    # marking a question answered or hiding a post changes that too, and is no edit.
    edited_at = models.DateTimeField(_("redigerat"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    if TYPE_CHECKING:
        comments: RelatedManager[Comment]
        attachments: RelatedManager[Attachment]
        uses: RelatedManager[LibraryUse]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inlägg")
        verbose_name_plural = _("inlägg")
        indexes = [
            # A space's page: its posts newest first, read in index order (the -id tie-break
            # too, or the database sorts every post of the space to show ten). hidden_at last,
            # so that counting a member's posts (not hidden) reads only the index. (Not a
            # partial index of the posts not hidden: SQLite would then prefer it to the
            # library's for the library filtered by challenge, and read every post.)
            models.Index(
                fields=["space", "-created_at", "-id", "hidden_at"],
                name="spaces_post_space_newest",
            ),
            models.Index(fields=["is_reusable", "-created_at"], name="spaces_post_library"),
            # The library filtered by challenge: only library items, per space, newest first.
            models.Index(
                fields=["space", "-created_at", "-id"],
                condition=models.Q(is_reusable=True, hidden_at__isnull=True),
                name="spaces_post_library_space",
            ),
            # (On SQLite, migration 0002 adds a covering index for the library's text search.)
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_text_of(self.title, self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "body"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("spaces:post_detail", kwargs={"pk": self.pk})

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Comment(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", verbose_name=_("inlägg")
    )
    body = models.TextField(_("kommentar"), max_length=COMMENT_MAX)
    body_html = models.TextField(editable=False, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="space_comments",
        verbose_name=_("författare"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="space_comments",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("skriven"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("redigerad"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")

    def __str__(self) -> str:
        return f"{self.post_id}: {self.body[:40]}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # The user's file name is never used on disk: it could hold anything (security.md SEC-11).
    return f"spaces/{instance.post.space_id}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    """A file on a post. Its type was checked by content (spaces.files) before it was stored."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("inlägg")
    )
    file = models.FileField(
        _("fil"), storage=private_storage, upload_to=attachment_upload_to, max_length=255
    )
    original_name = models.CharField(_("filnamn"), max_length=150)
    extension = models.CharField(_("filtyp"), max_length=10)
    content_type = models.CharField(_("innehållstyp"), max_length=100)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        ordering = ["original_name", "pk"]
        verbose_name = _("fil")
        verbose_name_plural = _("filer")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("spaces:attachment_download", kwargs={"pk": self.pk})


class Subscription(models.Model):
    """A member's notification choice for one space: an exception to their
    :class:`MailPreference`. No row means the member's default applies."""

    class Mode(models.TextChoices):
        EACH_POST = "each_post", _("E-post vid varje nytt inlägg")
        WEEKLY = "weekly", _("Veckosammanfattning")
        NONE = "none", _("Inga e-postmeddelanden")

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("rum")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="space_subscriptions",
        verbose_name=_("användare"),
    )
    mode = models.CharField(_("aviseringar"), max_length=20, choices=Mode.choices)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("avisering")
        verbose_name_plural = _("aviseringar")
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="unique_space_subscription"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.space_id}: {self.mode}"


class MailPreference(models.Model):
    """A user's e-mail choice for every space they are in (issue 18): one save instead of one
    per space. A :class:`Subscription` row for a space is an exception to it. No row: no mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="space_mail_preference",
        verbose_name=_("användare"),
    )
    mode = models.CharField(
        _("e-post från alla rum"), max_length=20, choices=Subscription.Mode.choices
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("e-postval för rummen")
        verbose_name_plural = _("e-postval för rummen")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mode}"


class UnsubscribeLinkQuerySet(models.QuerySet["UnsubscribeLink"]):
    def expired(self, now: datetime.datetime) -> UnsubscribeLinkQuerySet:
        return self.filter(expires_at__lte=now)


class UnsubscribeLink(models.Model):
    """The "stop these mails" link in one mail (issue 15, point 8).

    The URL carries only a random token; the row keeps its SHA-256 digest, so neither the URL nor
    a backup of the database reveals whose link it is, and the office cannot use one. A link ends
    at ``expires_at`` (``settings.SPACES_UNSUBSCRIBE_LINK_DAYS`` after the mail) and is revoked by
    deleting its row. ``space`` empty means every space.
    """

    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("användare"),
    )
    space = models.ForeignKey(
        Space,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rum"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gäller till"), db_index=True)

    objects = UnsubscribeLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("avregistreringslänk")
        verbose_name_plural = _("avregistreringslänkar")

    def __str__(self) -> str:
        return f"{self.user_id} – {self.space_id or '*'}"


class LibraryUse(models.Model):
    """ "We used this": an organisation records that it used a library item. Feeds the enabling
    goal's indicators (partners use others' knowledge / others use ours)."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="uses", verbose_name=_("inlägg")
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="library_uses",
        verbose_name=_("organisation"),
    )
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    used_at = models.DateTimeField(_("registrerad"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-used_at"]
        verbose_name = _("användning ur kunskapsbanken")
        verbose_name_plural = _("användningar ur kunskapsbanken")
        constraints = [
            models.UniqueConstraint(fields=["post", "organisation"], name="unique_library_use"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} använde {self.post_id}"
