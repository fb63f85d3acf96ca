"""Forms of the partners app: they check input; rules spanning rows live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klimatfardplan.choices import OrganisationChoiceField
from partners.models import Commitment, CommitmentSet, GroupRelation, Organisation
from partners.services import CommitmentEntry
from partners.validators import normalise_organisation_number, validate_pdf, validate_plain_name
from roadmap.models import Challenge, Goal, PartnershipPeriod


class OrganisationForm(forms.ModelForm[Organisation]):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    website = forms.URLField(
        label=_("Webbplats"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "organisation_number",
            "kind",
            "sector",
            "employees",
            "website",
            "street_address",
            "postal_code",
            "city",
            "logo",
        ]
        error_messages = {
            "organisation_number": {
                "unique": _("Det finns redan en organisation med det organisationsnumret."),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version

    def clean_organisation_number(self) -> str:
        return normalise_organisation_number(self.cleaned_data["organisation_number"])


class OrganisationCreateForm(OrganisationForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Organisation.Status.choices,
        initial=Organisation.Status.PROSPECT,
    )

    class Meta(OrganisationForm.Meta):
        fields = [*OrganisationForm.Meta.fields, "status"]


class OrganisationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=Organisation.Status.choices)
    changed_on = forms.DateField(
        label=_("Datum"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)


class ContactForm(forms.Form):
    first_name = forms.CharField(
        label=_("Förnamn"), max_length=100, validators=[validate_plain_name]
    )
    last_name = forms.CharField(
        label=_("Efternamn"), max_length=100, validators=[validate_plain_name]
    )
    title = forms.CharField(
        label=_("Titel"), max_length=150, required=False, validators=[validate_plain_name]
    )
    email = forms.EmailField(
        label=_("E-post"),
        error_messages={"invalid": _("Ange en giltig e-postadress, t.ex. namn@example.org.")},
    )
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    is_main_contact = forms.BooleanField(label=_("Huvudkontakt"), required=False)
    is_survey_contributor = forms.BooleanField(label=_("Bidrar till enkäten"), required=False)
    is_survey_submitter = forms.BooleanField(label=_("Skickar in enkäten"), required=False)
    is_communications = forms.BooleanField(label=_("Kommunikation"), required=False)


class DeclarationForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Partnerskapsperiod"), queryset=PartnershipPeriod.objects.order_by("-start_year")
    )
    signed_on = forms.DateField(
        label=_("Undertecknad"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signatory_name = forms.CharField(label=_("Undertecknad av"), max_length=200)
    signatory_title = forms.CharField(
        label=_("Undertecknarens titel"), max_length=200, required=False
    )
    document = forms.FileField(
        label=_("Undertecknat dokument (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("PDF, högst 10 MB. Lämna tomt för att behålla nuvarande fil."),
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Mål som förklaringen anger"),
        queryset=Goal.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals_text = forms.CharField(
        label=_("Mål i egna ord"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, require_document: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].required = require_document

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if document:
            validate_pdf(document)
        return document


class GroupRelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ av relation"), choices=GroupRelation.Kind.choices)
    # Every other organisation (550 at ten times the real size): the options in one query and
    # one template loop.
    to_organisation = OrganisationChoiceField(
        label=_("Relaterad organisation"), queryset=Organisation.objects.none()
    )
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)
    from_year = forms.IntegerField(
        label=_("Från och med år"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Lämna tomt om relationen gäller från början."),
    )
    to_year = forms.IntegerField(
        label=_("Till och med år"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Lämna tomt om relationen gäller tills vidare."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_organisation"]
        if isinstance(field, forms.ModelChoiceField):  # always; narrows the type for mypy
            field.queryset = Organisation.objects.exclude(pk=organisation.pk).order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("from_year"), cleaned.get("to_year")
        if first is not None and last is not None and last < first:
            self.add_error("to_year", _("Slutåret kan inte ligga före startåret."))
        return cleaned


class CommitmentsForm(forms.Form):
    """One row per challenge: adopt it, say what you plan, flag "looking for partners"."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        challenges: list[Challenge],
        commitment_set: CommitmentSet,
        commitments: list[Commitment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.challenges = challenges
        current = {c.challenge_id: c for c in commitments}
        self.fields["version"].initial = commitment_set.version
        for challenge in challenges:
            existing = current.get(challenge.pk)
            self.fields[f"adopt_{challenge.pk}"] = forms.BooleanField(
                label=str(challenge), required=False, initial=existing is not None
            )
            self.fields[f"plan_{challenge.pk}"] = forms.CharField(
                label=_("Vad planerar ni för utmaning %(number)s?") % {"number": challenge.number},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.plan if existing else "",
            )
            self.fields[f"looking_{challenge.pk}"] = forms.BooleanField(
                label=_("Söker samarbetspartner för utmaning %(number)s")
                % {"number": challenge.number},
                required=False,
                initial=existing.looking_for_partners if existing else False,
            )

    def rows(self) -> list[dict[str, Any]]:
        """Bound fields per challenge, grouped for the template.

        Sorted by focus area first: the template's ``{% regroup %}`` starts a new heading at
        every change, and challenges in number order visit "Övriga kompletterande åtgärder"
        twice (16, then 20–21)."""
        ordered = sorted(
            self.challenges,
            key=lambda c: (c.focus_area.order, c.focus_area.code, c.number),
        )
        return [
            {
                "challenge": c,
                "adopt": self[f"adopt_{c.pk}"],
                "plan": self[f"plan_{c.pk}"],
                "looking": self[f"looking_{c.pk}"],
            }
            for c in ordered
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for challenge in self.challenges:
            if cleaned.get(f"plan_{challenge.pk}") and not cleaned.get(f"adopt_{challenge.pk}"):
                self.add_error(
                    f"adopt_{challenge.pk}",
                    _("Kryssa i utmaningen om ni vill spara en plan för den."),
                )
        return cleaned

    def entries(self) -> dict[Challenge, CommitmentEntry]:
        return {
            c: CommitmentEntry(
                plan=self.cleaned_data.get(f"plan_{c.pk}", ""),
                looking_for_partners=bool(self.cleaned_data.get(f"looking_{c.pk}")),
            )
            for c in self.challenges
            if self.cleaned_data.get(f"adopt_{c.pk}")
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Välj en fil som slutar på .csv eller .xlsx."))
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Filen är för stor (högst 5 MB)."))
        return upload
