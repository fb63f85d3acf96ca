"""Activities (aktiviteter) run by working groups, the meetings of the partnership, and the
follow-up of every activity against its plan.

Text fields carry explicit maximum lengths: the activity card must print on *one* page, an A3
wall poster since issue 18 (domain.md: "every activity is described on at most one page"; at a
poster's 13 pt an A4 page no longer holds a card at its limits), and the limits below are chosen
so that a card with every field at its limit, ``MAX_MILESTONES`` milestones, ``MAX_PARTICIPANTS``
organisations and ``MAX_PEOPLE`` named people still fits (``tests/test_pdf.py`` proves it).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_plain_name

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

# --- limits that keep the printed card on one A4 page -------------------------------------------
TITLE_MAX = 100
PURPOSE_MAX = 500
GOAL_MAX = 500
OUTCOME_MAX = 500
FUNDING_MAX = 150
INDICATORS_MAX = 250
LINKS_MAX = 500  # one URL per line
MAX_LINKS = 5
MILESTONE_TITLE_MAX = 80
ROLE_MAX = 50
MAX_MILESTONES = 8
MAX_PARTICIPANTS = 8
MAX_PEOPLE = 6
MAX_ATTACHMENTS = 5
ATTACHMENT_TITLE_MAX = 60
MAX_CHALLENGES = 6
COMMENT_MAX = 1000
OVERRIDE_REASON_MAX = 500


def private_storage() -> Storage:
    """Attachments and meeting documents are private: no URL maps to them, views stream them."""
    return storages["private"]


class Lifecycle(models.TextChoices):
    IDEA = "idea", _("Idé")
    PLANNED = "planned", _("Planerad")
    ONGOING = "ongoing", _("Pågående")
    COMPLETED = "completed", _("Genomförd")
    CANCELLED = "cancelled", _("Inställd")


class Signal(models.TextChoices):
    """The follow-up signal: implementation status relative to plan (status genomförande)."""

    ON_TRACK = "on_track", _("Enligt plan")
    AT_RISK = "at_risk", _("Risk för försening")
    LATE = "late", _("Försenad")


class Proposal(models.TextChoices):
    """Where a partner's proposed activity card stands (blank on the office's own cards)."""

    PROPOSED = "proposed", _("Föreslagen, väntar på kansliet")
    RETURNED = "returned", _("Återsänd för ändring")
    APPROVED = "approved", _("Godkänd")


class ActivityQuerySet(models.QuerySet["Activity"]):
    def followed_up(self) -> ActivityQuerySet:
        """Activities whose progress the office follows (planned or ongoing)."""
        return self.filter(lifecycle__in=[Lifecycle.PLANNED, Lifecycle.ONGOING])


class Activity(models.Model):
    class Kind(models.TextChoices):
        MEETING_EVENT = "meeting_event", _("Träff eller event")
        INITIATIVE = "initiative", _("Initiativ")
        JOINT_COMMUNICATION = "joint_communication", _("Gemensam kommunikation")
        INVESTIGATION = "investigation", _("Utredning")
        EXTERNAL_PROJECT = "external_project", _("Projekt med extern finansiering")
        CONSULTANCY = "consultancy", _("Konsultuppdrag")

    Lifecycle = Lifecycle
    Signal = Signal
    Proposal = Proposal

    # Names are plain text (issue 15): no control, bidi-override or zero-width characters.
    title = models.CharField(_("titel"), max_length=TITLE_MAX, validators=[validate_plain_name])
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices, db_index=True)
    purpose = models.TextField(
        _("syfte"), max_length=PURPOSE_MAX, validators=[MaxLengthValidator(PURPOSE_MAX)]
    )
    goal = models.TextField(
        _("mål"), max_length=GOAL_MAX, validators=[MaxLengthValidator(GOAL_MAX)]
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"))
    lifecycle = models.CharField(
        _("status"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.IDEA, db_index=True
    )
    challenges = models.ManyToManyField(
        "roadmap.Challenge",
        related_name="activities",
        blank=True,
        verbose_name=_("klimatutmaningar"),
    )
    clusters = models.ManyToManyField(
        "roadmap.Cluster", related_name="activities", blank=True, verbose_name=_("kluster")
    )
    learning_and_sharing = models.BooleanField(
        _("lärande och erfarenhetsutbyte"),
        default=False,
        help_text=_("Aktiviteten hör till åtagandet om att dela kunskap och erfarenheter."),
    )
    goals = models.ManyToManyField(
        "roadmap.Goal", related_name="activities", blank=True, verbose_name=_("effektmål")
    )
    # Indicators arrive with the survey app (issue 5): the card shows the free text; the keys let
    # the indicator engine link activities to indicators without a schema change.
    indicators = models.CharField(_("indikatorer"), max_length=INDICATORS_MAX, blank=True)
    indicator_keys = models.JSONField(_("indikatornycklar"), default=list, blank=True)
    funding = models.CharField(_("finansiering"), max_length=FUNDING_MAX, blank=True)
    outcome = models.TextField(
        _("resultat"),
        max_length=OUTCOME_MAX,
        blank=True,
        validators=[MaxLengthValidator(OUTCOME_MAX)],
    )
    links = models.TextField(
        _("länkar"),
        max_length=LINKS_MAX,
        blank=True,
        validators=[MaxLengthValidator(LINKS_MAX)],
        help_text=_("En webbadress per rad."),
    )
    is_shared = models.BooleanField(
        _("synlig för alla partner"),
        default=False,
        help_text=_("Alla partners kontaktpersoner kan läsa aktivitetskortet."),
    )
    signal_override = models.CharField(
        _("manuell uppföljningssignal"), max_length=20, choices=Signal.choices, blank=True
    )
    signal_override_reason = models.TextField(
        _("motivering"),
        max_length=OVERRIDE_REASON_MAX,
        blank=True,
        validators=[MaxLengthValidator(OVERRIDE_REASON_MAX)],
    )
    signal_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    signal_override_at = models.DateTimeField(_("ändrad"), null=True, blank=True)
    last_status_update_at = models.DateTimeField(
        _("senaste statusuppdatering"), null=True, blank=True, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # Optimistic locking: edit forms carry the version they started from (security.md §0.2).
    version = models.PositiveIntegerField(default=1, editable=False)
    # What the follow-up rule needs of the milestones, kept on the row so that the dashboard and
    # the list compute every activity's signal without reading its milestones (2,000 activities,
    # 10,000 milestones). None of them depends on the day; activities.milestone_facts keeps them
    # true on every change of a milestone (test_milestone_facts).
    milestones_total = models.PositiveIntegerField(_("delmål"), default=0, editable=False)
    milestones_done = models.PositiveIntegerField(_("klara delmål"), default=0, editable=False)
    first_open_due = models.DateField(
        _("första öppna delmålets datum"), null=True, blank=True, editable=False
    )
    # The leading organisation (the participation with is_lead), kept on the row so that the
    # dashboard finds the activities without a lead without a subquery each (activities.lead).
    lead_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("leds av"),
    )

    # A partner contact's proposal (issue 18): the office approves it, changes it or returns it
    # with a comment. Blank: a card the office made itself.
    proposal_status = models.CharField(
        _("förslag"), max_length=20, choices=Proposal.choices, blank=True, db_index=True
    )
    proposer_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("föreslaget av organisation"),
    )
    review_comment = models.TextField(
        _("kansliets kommentar"),
        max_length=COMMENT_MAX,
        blank=True,
        validators=[MaxLengthValidator(COMMENT_MAX)],
    )

    objects = ActivityQuerySet.as_manager()

    if TYPE_CHECKING:
        participations: RelatedManager[Participation]
        people: RelatedManager[ActivityPerson]
        milestones: RelatedManager[Milestone]
        status_updates: RelatedManager[StatusUpdate]
        attachments: RelatedManager[Attachment]

    class Meta:
        ordering = ["start_date", "title"]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="activity_end_not_before_start",
            ),
        ]
        indexes = [
            # The dashboard counts activities by lifecycle and kind from this index alone.
            models.Index(fields=["lifecycle", "kind"], name="activity_lifecycle_kind"),
            # The activities' fingerprint (the dashboard's focus-area counts) reads the latest
            # change from this index.
            models.Index(fields=["updated_at"], name="activity_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:activity_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("Slutdatum kan inte vara före startdatum.")}, code="end_before_start"
            )

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def poster_logo(self) -> Any:
        """The logo on the printed card: the leading organisation's, else the first in the
        working group that has one, else None (the card shows the partnership's). Reads the
        prefetched participations."""
        for participation in self.participations.all():  # the lead first (Participation.Meta)
            if participation.organisation.logo:
                return participation.organisation.logo
        return None

    def people_on_card(self) -> list[tuple[ActivityPerson, str]]:
        """The named people, each with the organisation they are in the working group for
        (one of theirs in the team; the lead first). Reads the prefetched people,
        their organisations and the participations."""
        team = [p.organisation for p in self.participations.all()]  # the lead first
        result = []
        for person in self.people.all():
            theirs = {o.pk for o in person.contact.organisations.all()}
            organisation = next((o.name for o in team if o.pk in theirs), "")
            result.append((person, organisation))
        return result

    def poster_contact(self) -> tuple[ActivityPerson, str] | None:
        """Whom to ask about the activity: the first named person of the leading organisation,
        else the first named person, with their organisation."""
        lead = next((p.organisation.name for p in self.participations.all() if p.is_lead), None)
        people = self.people_on_card()
        return next((pair for pair in people if pair[1] == lead), people[0] if people else None)

    @property
    def is_open_proposal(self) -> bool:
        """A partner's proposal the office has not approved yet (the partner may still edit it)."""
        return self.proposal_status in (Proposal.PROPOSED, Proposal.RETURNED)

    def organisation_ids(self) -> frozenset[int]:
        """The working group's organisations (uses prefetched participations when present)."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "participations" in cache:
            return frozenset(p.organisation_id for p in cache["participations"])
        return frozenset(self.participations.values_list("organisation_id", flat=True))


class Participation(models.Model):
    """An organisation in an activity's working group (arbetsgrupp); one of them leads it."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("aktivitet"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="activity_participations",
        verbose_name=_("organisation"),
    )
    is_lead = models.BooleanField(_("leder arbetsgruppen"), default=False)

    class Meta:
        ordering = ["-is_lead", "organisation__name"]
        verbose_name = _("deltagande organisation")
        verbose_name_plural = _("arbetsgrupp")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation"], name="unique_activity_participation"
            ),
            models.UniqueConstraint(
                fields=["activity"],
                condition=models.Q(is_lead=True),
                name="one_lead_per_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} – {self.activity_id}"


class ActivityPerson(models.Model):
    """A named person in the working group."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="people", verbose_name=_("aktivitet")
    )
    contact = models.ForeignKey(
        "partners.ContactPerson",
        on_delete=models.CASCADE,
        related_name="activity_roles",
        verbose_name=_("kontaktperson"),
    )
    role = models.CharField(_("roll"), max_length=ROLE_MAX, blank=True)

    class Meta:
        ordering = ["contact__last_name", "contact__first_name"]
        verbose_name = _("person i arbetsgruppen")
        verbose_name_plural = _("personer i arbetsgruppen")
        constraints = [
            models.UniqueConstraint(fields=["activity", "contact"], name="unique_activity_person"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} ({self.role})"


class Milestone(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("aktivitet")
    )
    title = models.CharField(_("delmål"), max_length=MILESTONE_TITLE_MAX)
    due_date = models.DateField(_("datum"))
    done_on = models.DateField(_("klart"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("delmål")
        verbose_name_plural = _("delmål")
        indexes = [
            models.Index(fields=["activity", "due_date"]),
            # Covers the follow-up rule's milestone subquery (activities.followup_sql): the
            # earliest open due date and the counts of one activity, read from the index alone.
            models.Index(fields=["activity", "done_on", "due_date"], name="milestone_open_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class StatusUpdate(models.Model):
    """The dated log of an activity's follow-up: who, what (status and signal), and a comment."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="status_updates",
        verbose_name=_("aktivitet"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("av"),
    )
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    lifecycle = models.CharField(_("status"), max_length=20, choices=Lifecycle.choices)
    signal = models.CharField(
        _("uppföljningssignal"), max_length=20, choices=Signal.choices, blank=True
    )
    comment = models.TextField(
        _("kommentar"),
        max_length=COMMENT_MAX,
        blank=True,
        validators=[MaxLengthValidator(COMMENT_MAX)],
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("statusuppdatering")
        verbose_name_plural = _("statusuppdateringar")

    def __str__(self) -> str:
        return f"{self.activity_id} {self.at:%Y-%m-%d} {self.lifecycle}"


class Attachment(models.Model):
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("aktivitet"),
    )
    title = models.CharField(_("titel"), max_length=ATTACHMENT_TITLE_MAX)
    file = models.FileField(_("fil"), upload_to="activities/%Y/", storage=private_storage)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self) -> str:
        return self.title


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
