"""The filter forms of the partner list and the commitment matrix.

They render through ``templates/components/_filter_fields.html`` (Django's own widgets); the
views read what they chose from ``filters()``. A value that does not clean (an unknown status,
a deleted challenge) shows its field error and drops that filter only, never the others.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners import selectors
from partners.models import Organisation
from roadmap import selectors as roadmap_selectors
from roadmap.models import Challenge, FocusArea, PartnershipPeriod

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_CHECKBOX = {"class": "form-check-input"}


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


def _with_everything(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Alla")), *choices]


class OrganisationFilterForm(forms.Form):
    """The partner list's filters."""

    q = forms.CharField(label=_("Sök"), required=False, widget=forms.TextInput(_TEXT))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_everything(Organisation.Status.choices),
        widget=forms.Select(_SELECT),
    )
    kind = forms.ChoiceField(
        label=_("Typ"),
        required=False,
        choices=_with_everything(Organisation.Kind.choices),
        widget=forms.Select(_SELECT),
    )
    sector = forms.ChoiceField(label=_("Bransch"), required=False, widget=forms.Select(_SELECT))
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
    period = forms.ModelChoiceField(
        label=_("Period"),
        required=False,
        queryset=PartnershipPeriod.objects.order_by("-start_year"),
        empty_label=_("Aktuell"),
        widget=forms.Select(_SELECT),
    )
    declaration_missing = forms.BooleanField(
        label=_("Saknar avsiktsförklaring"), required=False, widget=forms.CheckboxInput(_CHECKBOX)
    )
    sort = forms.ChoiceField(
        label=_("Sortera"), required=False, choices=Sort.choices, widget=forms.Select(_SELECT)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = roadmap_selectors.sector_names()  # English names, when English is active
        sector: Any = self.fields["sector"]  # a ChoiceField
        sector.choices = _with_everything((s, names.get(s, s)) for s in selectors.list_sectors())

    def filters(self) -> selectors.OrganisationFilters:
        self.is_valid()  # the fields that clean; the others show their error
        data = getattr(self, "cleaned_data", {})
        return selectors.OrganisationFilters(
            search=data.get("q") or "",
            status=data.get("status") or "",
            kind=data.get("kind") or "",
            sector=data.get("sector") or "",
            focus_area=data.get("focus_area"),
            challenge=data.get("challenge"),
            period=data.get("period"),  # None: the current period
            declaration_missing=bool(data.get("declaration_missing")),
            ordering=data.get("sort") or "name",
        )


class CommitmentMatrixFilterForm(forms.Form):
    """The commitment matrix's filters. The view binds it with the current period when none
    was chosen, so the period list always shows which period the matrix is of."""

    period = forms.ModelChoiceField(
        label=_("Period"),
        required=False,
        queryset=PartnershipPeriod.objects.order_by("-start_year"),
        empty_label=None,
        widget=forms.Select(_SELECT),
    )
    focus_area = forms.ModelChoiceField(
        label=_("Fokusområde"),
        required=False,
        queryset=FocusArea.objects.all(),
        empty_label=_("Alla"),
        widget=forms.Select(_SELECT),
    )
    q = forms.CharField(label=_("Sök organisation"), required=False, widget=forms.TextInput(_TEXT))
    drafts = forms.BooleanField(
        label=_("Räkna med utkast"), required=False, widget=forms.CheckboxInput(_CHECKBOX)
    )

    def __init__(self, data: Any, *, current_period: PartnershipPeriod | None) -> None:
        data = data.copy()
        if not data.get("period") and current_period is not None:
            data["period"] = str(current_period.pk)
        super().__init__(data)
        self.current_period = current_period

    def filters(self) -> dict[str, Any]:
        """The arguments of ``commitment_selectors.commitment_matrix``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "period": data.get("period") or self.current_period,
            "focus_area": data.get("focus_area"),
            "search": data.get("q") or "",
            "include_drafts": bool(data.get("drafts")),
        }
