"""Forms of the partners app: they check input; rules spanning rows live in services."""

from __future__ import annotations

import html
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from django import forms
from django.db import models
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from klimatfardplan.rendering import choice_labels
from partners import selectors
from partners.models import Commitment, CommitmentSet, GroupRelation, Organisation
from partners.services import CommitmentEntry
from partners.validators import normalise_organisation_number, validate_pdf, validate_plain_name
from roadmap import selectors as roadmap_selectors
from roadmap.models import Challenge, Goal, PartnershipPeriod


class FastSelect(forms.Select):
    """A <select> rendered in Python rather than through one template per option.

    The partner list's filter form has six selects (21 challenges among them) and is rendered on
    every list request; Django's per-option widget templates made up a quarter of the page's
    server time in the benchmark. Output matches Django's select (attributes, selected option),
    without optgroups, which these filters do not use."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = _options_html(tuple((str(v), str(label)) for v, label in self.choices))
        for chosen in {str(v) for v in self.format_value(value)}:  # values are unique
            start = f'<option value="{html.escape(chosen)}">'
            options = options.replace(start, f"{start[:-1]} selected>", 1)
        # Every value and label is escaped; flatatt escapes the attributes.
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308


@lru_cache(maxsize=256)
def _options_html(pairs: tuple[tuple[str, str], ...]) -> str:
    """The ``<option>`` elements of ``(value, label)`` pairs, none selected: made once per list
    of choices (their labels are already in the request's language), as the same few lists
    are rendered on every request. html.escape is what django.utils.html.escape applies,
    without its lazy-string wrapper (which cost more than the escaping, option by option)."""
    return "".join(
        f'<option value="{html.escape(value)}">{html.escape(label)}</option>'
        for value, label in pairs
    )


class FastInputMixin:
    """An <input> rendered in Python, as Django's ``input.html`` template renders it."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        widget = context["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            "" if value is None else format_html(' value="{}"', value),
            flatatt(widget["attrs"]),
        )


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastCheckboxInput(FastInputMixin, forms.CheckboxInput):
    pass


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
    to_organisation = forms.ModelChoiceField(
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
            field.queryset = Organisation.objects.exclude(pk=organisation.pk).only("pk", "name")

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


class ReadyChoices(BaseChoiceIterator):
    """Choices already in Django's canonical form, (value, label) pairs with plain-string labels.

    Setting a list as a field's choices normalises it twice (field and widget), element by
    element, which cost more than rendering the options; an iterator is taken as it is."""

    def __init__(self, pairs: list[tuple[Any, str]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        return iter(self.pairs)


class LoadedChoiceField(forms.ChoiceField):
    """A choice among objects the form has already loaded (reference data such as challenges).

    Like ModelChoiceField it cleans to the chosen object (None when empty) and rejects unknown
    ids, but neither rendering nor validation queries the database: the partner list renders
    three of these on every request."""

    def __init__(self, *, empty_label: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.objects: dict[str, Any] = {}

    def load(self, objects: list[Any]) -> None:
        self.objects = {str(o.pk): o for o in objects}
        self.choices = ReadyChoices(
            [("", str(self.empty_label)), *((o.pk, str(o)) for o in objects)]
        )

    def to_python(self, value: Any) -> Any:
        key = super().to_python(value)
        if key in self.empty_values:
            return None
        if key not in self.objects:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
            )
        return self.objects[key]

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class Sort(models.TextChoices):
    """The partner list's orderings (``selectors.ORDERINGS``)."""

    NAME = "name", _("Namn A–Ö")
    NAME_DESC = "-name", _("Namn Ö–A")
    STATUS = "status", _("Status")
    KIND = "kind", _("Typ")
    SECTOR = "sector", _("Bransch")
    MOST_CHALLENGES = "challenges", _("Flest utmaningar")
    FEWEST_CHALLENGES = "-challenges", _("Minst utmaningar")
    CREATED = "created", _("Senast registrerad")


class OrganisationFilterForm(forms.Form):
    """The partner list's filters. The choices are set per request in ``__init__``: the status,
    type and sort labels as plain strings of the active language (``choice_labels`` caches
    them), so neither copying the fields nor rendering them translates label by label."""

    q = forms.CharField(label=_("Sök"), required=False, widget=FastTextInput)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    kind = forms.ChoiceField(label=_("Typ"), required=False, widget=FastSelect)
    sector = forms.ChoiceField(label=_("Bransch"), required=False, widget=FastSelect)
    focus_area = LoadedChoiceField(
        label=_("Fokusområde"), required=False, empty_label=_("Alla"), widget=FastSelect
    )
    challenge = LoadedChoiceField(
        label=_("Klimatutmaning"), required=False, empty_label=_("Alla"), widget=FastSelect
    )
    period = LoadedChoiceField(
        label=_("Period"), required=False, empty_label=_("Aktuell"), widget=FastSelect
    )
    declaration_missing = forms.BooleanField(
        label=_("Saknar avsiktsförklaring"), required=False, widget=FastCheckboxInput
    )
    sort = forms.ChoiceField(label=_("Sortera"), required=False, widget=FastSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reference = roadmap_selectors.reference_data()
        everything = gettext("Alla")
        names = roadmap_selectors.sector_names()
        for name, choices in (
            ("status", [("", everything), *choice_labels(Organisation.Status).items()]),
            ("kind", [("", everything), *choice_labels(Organisation.Kind).items()]),
            (
                "sector",
                [("", everything), *((s, names.get(s, s)) for s in selectors.list_sectors())],
            ),
            ("sort", list(choice_labels(Sort).items())),
        ):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):  # always; narrows the type for mypy
                field.choices = ReadyChoices(choices)
        for name, objects in (
            ("focus_area", self.reference.focus_areas),
            ("challenge", self.reference.challenges),
            ("period", self.reference.periods),
        ):
            field = self.fields[name]
            if isinstance(field, LoadedChoiceField):  # always; narrows the type for mypy
                field.load(objects)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def filters(self) -> selectors.OrganisationFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.OrganisationFilters(
            search=data.get("q") or "",
            status=data.get("status") or "",
            kind=data.get("kind") or "",
            sector=data.get("sector") or "",
            focus_area=data.get("focus_area"),
            challenge=data.get("challenge"),
            # "Aktuell" is the current period, already known from the choices (no query).
            period=data.get("period") or self.reference.current_period,
            declaration_missing=bool(data.get("declaration_missing")),
            ordering=data.get("sort") or "name",
        )


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
