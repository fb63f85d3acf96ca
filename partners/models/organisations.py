"""Organisations, their contact people, memberships, status history and group relations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Replace
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.validators import (
    normalise_organisation_number,
    validate_organisation_number,
    validate_plain_name,
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Företag")
        ORGANISATION = "organisation", _("Organisation")
        PUBLIC_BODY = "public_body", _("Offentlig aktör")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Intresserad")
        SIGNED = "signed", _("Har undertecknat")
        ACTIVE = "active", _("Aktiv")
        PAUSED = "paused", _("Vilande")
        LEFT = "left", _("Har lämnat")

    # Indexed: the partner list and the matrix page through organisations by name, and an index
    # lets the database stop after one page instead of sorting every organisation.
    name = models.CharField(
        _("namn"), max_length=200, db_index=True, validators=[validate_plain_name]
    )
    organisation_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        unique=True,
        validators=[validate_organisation_number],
        help_text=_("Tio siffror, t.ex. 556036-0793."),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    # Indexed: the partner list's sector filter reads the distinct sectors
    # (selectors.list_sectors) and filters by sector.
    sector = models.CharField(_("bransch"), max_length=100, blank=True, db_index=True)
    employees = models.PositiveIntegerField(_("antal anställda"), null=True, blank=True)
    website = models.URLField(_("webbplats"), blank=True)
    street_address = models.CharField(_("gatuadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    logo = models.ImageField(_("logotyp"), upload_to="logos/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROSPECT, db_index=True
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # Optimistic locking: an edit form carries the version it started from (security.md §0.2).
    version = models.PositiveIntegerField(default=1, editable=False)
    # What the partner list's search looks in, kept by the database itself (a stored generated
    # column, so no write path can leave it stale): one column to scan instead of four, which
    # halved the search's time at 5,000 organisations. The number is there with and without its
    # hyphen, so "5560360793" finds 556036-0793. Fields are separated by a line break, which a
    # search box cannot hold, so a term never matches across two fields.
    search_text = models.GeneratedField(
        expression=Concat(
            "name",
            Value("\n"),
            "organisation_number",
            Value("\n"),
            Replace("organisation_number", Value("-"), Value("")),
            Value("\n"),
            "sector",
            Value("\n"),
            "city",
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        indexes = [
            # The partner list's search reads the search text in name order from this index
            # and stops after a page, instead of visiting each organisation's row.
            models.Index(fields=["name", "id", "search_text"], name="organisation_search"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:organisation_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.organisation_number:
            self.organisation_number = normalise_organisation_number(self.organisation_number)


class ContactPerson(models.Model):
    """A person at one or more partner organisations; may have a login."""

    first_name = models.CharField(_("förnamn"), max_length=100, validators=[validate_plain_name])
    last_name = models.CharField(_("efternamn"), max_length=100, validators=[validate_plain_name])
    title = models.CharField(
        _("titel"), max_length=150, blank=True, validators=[validate_plain_name]
    )
    email = models.EmailField(_("e-post"), unique=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_person",
        verbose_name=_("inloggning"),
    )
    organisations: models.ManyToManyField[Organisation, Membership] = models.ManyToManyField(
        Organisation,
        through="Membership",
        related_name="contacts",
        verbose_name=_("organisationer"),
    )
    invited_at = models.DateTimeField(_("inbjuden"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Membership(models.Model):
    """A contact person's place in an organisation, with the roles they hold there."""

    contact = models.ForeignKey(
        ContactPerson,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("kontaktperson"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    is_main_contact = models.BooleanField(_("huvudkontakt"), default=False)
    is_survey_contributor = models.BooleanField(_("bidrar till enkäten"), default=False)
    is_survey_submitter = models.BooleanField(_("skickar in enkäten"), default=False)
    is_communications = models.BooleanField(_("kommunikation"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["contact", "organisation"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} – {self.organisation}"


class OrganisationStatusChange(models.Model):
    """One dated step in an organisation's membership status (prospect → signed → active …).

    Kept forever: the current status lives on ``Organisation.status`` for fast filtering, and
    this table is its history, written by ``services.change_organisation_status``."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("organisation"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Organisation.Status.choices)
    previous_status = models.CharField(
        _("tidigare status"), max_length=20, choices=Organisation.Status.choices, blank=True
    )
    changed_on = models.DateField(_("datum"))
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-id"]
        verbose_name = _("statusändring")
        verbose_name_plural = _("statusändringar")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_status_display()} ({self.changed_on})"


class GroupRelation(models.Model):
    """A relation between two organisations: "our figures are included in X's report", or
    parent company → subsidiary."""

    class Kind(models.TextChoices):
        INCLUDED_IN_REPORT_OF = "included_in_report_of", _("Redovisas i rapporten från")
        PARENT_OF = "parent_of", _("Moderorganisation till")

    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    from_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="relations_from",
        verbose_name=_("organisation"),
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="relations_to",
        verbose_name=_("relaterad organisation"),
    )
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    # The reporting years the relation holds (both ends included; blank = open). A subsidiary
    # sold in 2024 is inside its parent's figures up to 2023 only (issue 16).
    from_year = models.PositiveSmallIntegerField(_("från och med år"), null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(_("till och med år"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("grupprelation")
        verbose_name_plural = _("grupprelationer")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "from_organisation", "to_organisation"],
                name="unique_group_relation",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_organisation=models.F("to_organisation")),
                name="group_relation_not_to_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_organisation} – {self.get_kind_display()} – {self.to_organisation}"
