"""Meetings of the partnership: invitations, attendance, documents, and the personal calendar
feeds."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_plain_name

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


from activities.models.activities import Activity, private_storage


class Meeting(models.Model):
    class Kind(models.TextChoices):
        STRATEGIC_GROUP = "strategic_group", _("Strategisk grupp")
        PARTNERSHIP_DAY = "partnership_day", _("Partnerskapsdag")
        CLIMATE_SUMMIT = "climate_summit", _("Klimattoppmöte")
        GROUPING = "grouping", _("Grupperingsträff")
        WORKING_GROUP = "working_group", _("Arbetsgruppsmöte")
        INTRO = "intro", _("Intromöte")
        SITE_VISIT = "site_visit", _("Studiebesök")
        SPEED_DATING = "speed_dating", _("Speed-dating")
        SEMINAR = "seminar", _("Kurs eller seminarium")
        OTHER_NETWORK = "other_network", _("Träff med annat nätverk")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        HELD = "held", _("Genomförd")
        CANCELLED = "cancelled", _("Inställd")

    # "Broad activities" (domain.md): every partner is invited without being listed.
    ALL_PARTNER_KINDS = (Kind.PARTNERSHIP_DAY, Kind.CLIMATE_SUMMIT)

    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices, db_index=True)
    title = models.CharField(_("rubrik"), max_length=150, validators=[validate_plain_name])
    starts_at = models.DateTimeField(_("börjar"), db_index=True)
    ends_at = models.DateTimeField(_("slutar"))
    place = models.CharField(_("plats"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_meetings",
        verbose_name=_("arrangör"),
        help_text=_("Tomt: kansliet arrangerar."),
    )
    challenges = models.ManyToManyField(
        "roadmap.Challenge", related_name="meetings", blank=True, verbose_name=_("klimatutmaningar")
    )
    activities = models.ManyToManyField(
        Activity, related_name="meetings", blank=True, verbose_name=_("aktiviteter")
    )
    invited_organisations = models.ManyToManyField(
        "partners.Organisation",
        related_name="meeting_invitations",
        blank=True,
        verbose_name=_("inbjudna organisationer"),
    )
    invited_contacts = models.ManyToManyField(
        "partners.ContactPerson",
        related_name="meeting_person_invitations",
        blank=True,
        verbose_name=_("inbjudna personer"),
        help_text=_("Utöver kontaktpersonerna hos de inbjudna organisationerna."),
    )
    notes = models.TextField(_("anteckningar"), blank=True, max_length=5000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    # The iCalendar SEQUENCE of the invitations (RFC 5545 3.8.7.4): raised on every change of
    # time, place, title or status, so that calendar apps replace the event they already hold.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    if TYPE_CHECKING:
        attendances: RelatedManager[MeetingAttendance]
        documents: RelatedManager[MeetingDocument]
        invitations: RelatedManager[MeetingInvitation]

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("träff")
        verbose_name_plural = _("träffar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="meeting_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:meeting_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError(
                {"ends_at": _("Träffen kan inte sluta innan den börjar.")}, code="end_before_start"
            )

    @property
    def is_for_all_partners(self) -> bool:
        return self.kind in self.ALL_PARTNER_KINDS

    def organisation_ids(self) -> frozenset[int]:
        """Invited organisations and the organiser (uses prefetched invitations when present)."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "invited_organisations" in cache:
            ids = {o.pk for o in cache["invited_organisations"]}
        else:
            ids = set(self.invited_organisations.values_list("pk", flat=True))
        if self.organiser_id:
            ids.add(self.organiser_id)
        return frozenset(ids)


class MeetingAttendance(models.Model):
    """Who came: per organisation, and per person when known. Feeds the indicators (issue 5)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("träff")
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="meeting_attendances",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        "partners.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("person"),
    )
    attended = models.BooleanField(_("deltog"), default=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        indexes = [models.Index(fields=["organisation", "meeting"])]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.organisation_id}"


class MeetingInvitation(models.Model):
    """One invited person of a meeting: what was last sent to them, and their answer.

    The person is invited by name or through an invited organisation. Taken off the list, the row
    stays, withdrawn, so that they are sent a cancellation of the event in their calendar."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Inte svarat")
        ACCEPTED = "accepted", _("Kommer")
        DECLINED = "declined", _("Kommer inte")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("träff")
    )
    contact = models.ForeignKey(
        "partners.ContactPerson",
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
        verbose_name=_("person"),
    )
    response = models.CharField(
        _("svar"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("svarade"), null=True, blank=True)
    is_withdrawn = models.BooleanField(_("inte längre inbjuden"), default=False)
    # What the person's calendar holds: the METHOD and SEQUENCE last mailed (null: nothing yet).
    sent_method = models.CharField(_("senast skickat"), max_length=10, blank=True)
    sent_sequence = models.PositiveIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)

    class Meta:
        ordering = ["contact__last_name", "contact__first_name", "pk"]
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "contact"], name="unique_meeting_invitation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.contact_id}"


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("träff")
    )
    title = models.CharField(_("titel"), max_length=150)
    file = models.FileField(_("fil"), upload_to="meetings/%Y/", storage=private_storage)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("dokument")
        verbose_name_plural = _("dokument")

    def __str__(self) -> str:
        return self.title


def _new_feed_secret() -> str:
    return secrets.token_urlsafe(24)


FEED_TOKEN_SALT = "activities.calendar-feed-token"  # noqa: S105  a salt, not a password


def feed_token_digest(token: str) -> str:
    """What is stored of a feed URL's token, and looked up when the URL is fetched."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A user's personal iCalendar feed (calendar apps cannot log in).

    The feed URL carries :meth:`url_token`, an HMAC of ``secret`` with the SECRET_KEY: it names no
    user, and neither the database alone (a backup) nor the admin gives it away. The row keeps the
    token's digest for the look-up. Rotating the secret revokes every earlier URL (issue 15)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret = models.CharField(max_length=64, default=_new_feed_secret)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    rotated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kalenderprenumeration")
        verbose_name_plural = _("kalenderprenumerationer")

    def __str__(self) -> str:
        return f"{self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The digest always follows the secret (and a changed SECRET_KEY, see services).
        self.token_digest = feed_token_digest(self.url_token())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "token_digest"}
        super().save(*args, **kwargs)

    def url_token(self) -> str:
        mac = salted_hmac(FEED_TOKEN_SALT, self.secret, algorithm="sha256").digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")
