"""Partners: organisations, their contact persons and memberships.

Issue 3 extends this module (status history, declarations, commitments, groupings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.validators import normalise_organisation_number, validate_organisation_number


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

    name = models.CharField(_("namn"), max_length=200)
    organisation_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        unique=True,
        validators=[validate_organisation_number],
        help_text=_("Tio siffror, t.ex. 556036-0793."),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    sector = models.CharField(_("bransch"), max_length=100, blank=True)
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

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:organisation_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.organisation_number:
            self.organisation_number = normalise_organisation_number(self.organisation_number)


class ContactPerson(models.Model):
    """A person at one or more partner organisations; may have a login."""

    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    title = models.CharField(_("titel"), max_length=150, blank=True)
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
