"""Activity cards and their working groups, milestones, status log and attachments.

Text fields carry explicit maximum lengths: the activity card must print on *one* page, an A3
wall poster since issue 18 (domain.md: "every activity is described on at most one page"; at a
poster's 13 pt an A4 page no longer holds a card at its limits), and the limits below are chosen
so that a card with every field at its limit, ``MAX_MILESTONES`` milestones, ``MAX_PARTICIPANTS``
organisations and ``MAX_PEOPLE`` named people still fits (``tests/test_pdf.py`` proves it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_plain_name

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from partners.models import Organisation

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
            # The activity list's order: a page is read from this index.
            models.Index(fields=["-start_date", "title"], name="activity_list_order"),
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

    def poster_organisation(self) -> Any:
        """The organisation whose logo is on the printed card: the leading organisation, else the
        first in the working group that has a logo, else None (the card shows the
        partnership's). Its name is the logo's alternative text. Reads the prefetched
        participations."""
        for participation in self.participations.all():  # the lead first (Participation.Meta)
            if participation.organisation.logo:
                return participation.organisation
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
    def lead_organisation(self) -> Organisation | None:
        """The leading organisation of the working group (reads prefetched participations)."""
        return next((p.organisation for p in self.participations.all() if p.is_lead), None)

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
            # Covers the follow-up rule's milestone subquery (activities.selectors.with_facts): the
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
