"""Forms of the activities app. They check the shape of the input; rules that span rows live in
``services`` and come back as form errors (views call ``form.add_error(None, error)``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from activities.models import (
    ATTACHMENT_TITLE_MAX,
    MAX_LINKS,
    OVERRIDE_REASON_MAX,
    ROLE_MAX,
    Activity,
    Lifecycle,
    Meeting,
    Milestone,
    Signal,
)
from activities.selectors import ActivityFilters
from klimatfardplan.choices import (
    ActivitiesChoiceField,
    LeanSelect,
    LeanSelectMultiple,
    OrganisationChoiceField,
    OrganisationsChoiceField,
    PeopleChoiceField,
    PeopleWithOrganisationField,
)
from partners.models import ContactPerson, Organisation
from roadmap.models import Challenge, Cluster, FocusArea, Goal

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
INVALID_URL = _("”%(line)s” är ingen giltig webbadress (börja med https://).")


class VersionedForm(forms.ModelForm):  # type: ignore[type-arg]
    """Carries the version the user started from; the service refuses a stale one."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class ActivityForm(VersionedForm):
    organisations = OrganisationsChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        label=_("Organisationer i arbetsgruppen"),
        widget=LeanSelectMultiple(attrs={"size": 8}),
    )
    lead_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        label=_("Leds av"),
        help_text=_("Måste vara en av organisationerna i arbetsgruppen."),
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "purpose",
            "goal",
            "start_date",
            "end_date",
            "lifecycle",
            "challenges",
            "clusters",
            "learning_and_sharing",
            "goals",
            "indicators",
            "funding",
            "outcome",
            "links",
            "is_shared",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "goal": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "links": forms.Textarea(attrs={"rows": 3}),
            "challenges": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = Challenge.objects.order_by("number")  # type: ignore[attr-defined]
        self.fields["clusters"].queryset = Cluster.objects.all()  # type: ignore[attr-defined]
        self.fields["goals"].queryset = Goal.objects.all()  # type: ignore[attr-defined]
        for name in ("purpose", "goal", "outcome", "title", "indicators", "funding", "links"):
            limit = self.fields[name].max_length  # type: ignore[attr-defined]
            if limit:
                limit_text = _("Högst %(max)d tecken, så att kortet ryms på en A4-sida.") % {
                    "max": limit
                }
                help_text = self.fields[name].help_text
                self.fields[name].help_text = (
                    f"{help_text} {limit_text}" if help_text else limit_text
                )
        if self.instance.pk and not self.is_bound:
            team = list(self.instance.participations.all())
            self.initial["organisations"] = [p.organisation_id for p in team]
            self.initial["lead_organisation"] = next(
                (p.organisation_id for p in team if p.is_lead), None
            )

    def clean_links(self) -> str:
        links: str = self.cleaned_data.get("links", "")
        validate = URLValidator(schemes=["http", "https"])
        lines = [line.strip() for line in links.splitlines() if line.strip()]
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(INVALID_URL, params={"line": line[:80]}) from None
        if len(lines) > MAX_LINKS:
            raise ValidationError(
                _("Högst %(max)d länkar får plats på kortet."), params={"max": MAX_LINKS}
            )
        return "\n".join(lines)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return {
            "organisations": list(data.pop("organisations") or []),
            "lead": data.pop("lead_organisation"),
            "challenges": list(data.pop("challenges") or []),
            "clusters": list(data.pop("clusters") or []),
            "goals": list(data.pop("goals") or []),
            **data,
        }


class ProposalForm(VersionedForm):
    """A partner contact's proposed card (issue 18): the card's content for its own
    organisation. Status, visibility and the working group beyond it are the office's."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisation som föreslår och leder aktiviteten"),
        empty_label=None,
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "purpose",
            "goal",
            "start_date",
            "end_date",
            "challenges",
            "clusters",
            "learning_and_sharing",
            "indicators",
            "funding",
            "links",
        ]
        widgets = ActivityForm.Meta.widgets

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["challenges"].queryset = Challenge.objects.order_by("number")  # type: ignore[attr-defined]
        self.fields["clusters"].queryset = Cluster.objects.all()  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["organisation"]  # a proposal stays with the organisation it came from

    clean_links = ActivityForm.clean_links

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return {
            "challenges": list(data.pop("challenges") or []),
            "clusters": list(data.pop("clusters") or []),
            **data,
        }


class ProposalReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Beslut"),
        choices=[
            ("approve", _("Godkänn förslaget")),
            ("return", _("Skicka tillbaka för ändring")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar till partnern"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Krävs när du skickar tillbaka förslaget."),
    )


class StatusUpdateForm(forms.Form):
    lifecycle = forms.ChoiceField(label=_("Status"), choices=Lifecycle.choices)
    comment = forms.CharField(
        label=_("Kommentar"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad har hänt sedan förra uppdateringen? Högst 1000 tecken."),
    )


class SignalOverrideForm(forms.Form):
    signal = forms.ChoiceField(
        label=_("Uppföljningssignal"),
        choices=[("", _("Beräknad automatiskt (ingen manuell signal)")), *Signal.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Motivering"),
        max_length=OVERRIDE_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Krävs när du sätter signalen manuellt."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("signal") and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason", _("Skriv en motivering när du ändrar uppföljningssignalen manuellt.")
            )
        return cleaned


class MilestoneForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "done_on"]
        widgets = {"due_date": DATE_WIDGET, "done_on": DATE_WIDGET}


class _ContactWithOrganisation(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A person as "name (organisation, …)": two people of the same name stay apart."""

    def label_from_instance(self, obj: Any) -> str:
        names = ", ".join(m.organisation.name for m in getattr(obj, "active_memberships", []))
        return f"{obj.full_name} ({names})" if names else str(obj.full_name)


class PersonForm(forms.Form):
    contact = _ContactWithOrganisation(queryset=ContactPerson.objects.none(), label=_("Person"))
    role = forms.CharField(label=_("Roll"), max_length=ROLE_MAX, required=False)

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        from partners.models import Membership

        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = (  # type: ignore[attr-defined]
            ContactPerson.objects.filter(
                memberships__organisation__activity_participations__activity=activity,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("last_name", "first_name", "pk")
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(is_active=True).select_related(
                        "organisation"
                    ),
                    to_attr="active_memberships",
                )
            )
        )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=ATTACHMENT_TITLE_MAX)
    file = forms.FileField(label=_("Fil"))


_TEXT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}


def _with_everything(choices: Any, everything: Any = None) -> list[tuple[str, Any]]:
    return [("", everything or _("Alla")), *choices]


class ActivityFilterForm(forms.Form):
    """Filters of the list, the dashboard, the gallery and the exports. They render through
    ``templates/components/_filter_fields.html`` (Django's own widgets), as the partner list's
    do. A value that does not clean (a deleted organisation, an unknown kind) shows its field
    error and drops that filter only."""

    focus_area = forms.ModelChoiceField(
        label=_("Fokusområde"),
        required=False,
        queryset=FocusArea.objects.all(),
        empty_label=_("Alla"),
        widget=forms.Select(_SELECT),
    )
    challenge = forms.ModelChoiceField(
        label=_("Klimatutmaning"),
        required=False,
        queryset=Challenge.objects.order_by("number"),
        empty_label=_("Alla"),
        widget=forms.Select(_SELECT),
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.order_by("name", "pk"),
        empty_label=_("Alla"),
        widget=LeanSelect(_SELECT),
    )
    kind = forms.ChoiceField(
        label=_("Typ"),
        required=False,
        choices=_with_everything(Activity.Kind.choices, _("Alla typer")),
        widget=forms.Select(_SELECT),
    )
    lifecycle = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_everything(Lifecycle.choices),
        widget=forms.Select(_SELECT),
    )
    signal = forms.ChoiceField(
        label=_("Uppföljning"),
        required=False,
        choices=_with_everything(Signal.choices),
        widget=forms.Select(_SELECT),
    )
    q = forms.CharField(
        label=_("Sök i titel"), required=False, max_length=100, widget=forms.TextInput(_TEXT)
    )

    def filters(self) -> ActivityFilters:
        self.is_valid()  # the fields that clean; the others show their error
        data = getattr(self, "cleaned_data", {})

        def pk(name: str) -> int | None:
            chosen = data.get(name)
            return chosen.pk if chosen is not None else None

        return ActivityFilters(
            focus_area=pk("focus_area"),
            challenge=pk("challenge"),
            organisation=pk("organisation"),
            kind=data.get("kind") or "",
            lifecycle=data.get("lifecycle") or "",
            signal=data.get("signal") or "",
            q=data.get("q") or "",
        )


class MeetingForm(VersionedForm):
    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "organiser",
            "status",
            "challenges",
            "activities",
            "invited_organisations",
            "invited_contacts",
            "notes",
        ]
        # Hundreds to thousands of options each at ten times the real size (klimatfardplan/choices.py).
        field_classes = {
            "organiser": OrganisationChoiceField,
            "invited_organisations": OrganisationsChoiceField,
            "invited_contacts": PeopleChoiceField,
            "activities": ActivitiesChoiceField,
        }
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 5}),
            "challenges": forms.SelectMultiple(attrs={"size": 6}),
            "organiser": LeanSelect,
            "invited_organisations": LeanSelectMultiple(attrs={"size": 8}),
            "invited_contacts": LeanSelectMultiple(attrs={"size": 8}),
            "activities": LeanSelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "invited_organisations": _(
                "Organisationernas aktiva kontaktpersoner får en kalenderinbjudan per e-post "
                "när du sparar, och en uppdatering när tid, plats eller rubrik ändras."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = Challenge.objects.order_by("number")  # type: ignore[attr-defined]
        self.fields["activities"].queryset = Activity.objects.exclude(  # type: ignore[attr-defined]
            lifecycle=Lifecycle.CANCELLED
        )
        people = ContactPerson.objects.filter(memberships__is_active=True).distinct()
        self.fields["invited_contacts"].queryset = people.order_by("last_name", "first_name", "pk")  # type: ignore[attr-defined]
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        self.fields["ends_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return {
            "challenges": list(data.pop("challenges") or []),
            "activities": list(data.pop("activities") or []),
            "invited_organisations": list(data.pop("invited_organisations") or []),
            "invited_contacts": list(data.pop("invited_contacts") or []),
            **data,
        }


class AttendanceForm(forms.Form):
    contacts = PeopleWithOrganisationField(
        queryset=ContactPerson.objects.none(),
        required=False,
        label=_("Personer som deltog"),
        help_text=_(
            "Varje person räknas för en av sina organisationer (en inbjuden, om någon är det)."
        ),
    )
    organisations = OrganisationsChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label=_("Organisationer som deltog utan namngivna personer"),
        widget=LeanSelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = people  # type: ignore[attr-defined]


class MeetingAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("yes", _("Ja, jag kommer")), ("no", _("Nej, jag kan inte"))],
        label=_("Kommer du?"),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=150)
    file = forms.FileField(label=_("Fil"))


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        choices=_with_everything(Meeting.Kind.choices, _("Alla typer")),
        required=False,
        label=_("Typ"),
        widget=forms.Select(_SELECT),
    )
    status = forms.ChoiceField(
        choices=_with_everything(Meeting.Status.choices),
        required=False,
        label=_("Status"),
        widget=forms.Select(_SELECT),
    )
    year = forms.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        label=_("År"),
        widget=forms.NumberInput(_TEXT),
    )
