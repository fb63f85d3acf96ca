"""The filter forms of the space page and the knowledge library: what a query string may ask
for, validated; the views hand the cleaned values to spaces.selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from roadmap.models import Challenge, FocusArea
from spaces.models import Post


class PostKindFilter(forms.Form):
    """A space's posts of one kind; an unknown kind shows them all."""

    kind = forms.ChoiceField(
        label=_("Visa"),
        required=False,
        choices=[("", _("Alla inlägg")), *Post.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select", "id": "kind-filter"}),
    )

    def selected_kind(self) -> str:
        return self.cleaned_data["kind"] if self.is_valid() else ""


class LibraryFilter(forms.Form):
    """The library's search: words, a challenge and a focus area (each optional)."""

    q = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"class": "form-control"}),
    )
    challenge = forms.ModelChoiceField(
        label=_("Klimatutmaning"),
        required=False,
        queryset=Challenge.objects.order_by("number"),
        empty_label=_("Alla utmaningar"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    focus_area = forms.ModelChoiceField(
        label=_("Fokusområde"),
        required=False,
        queryset=FocusArea.objects.all(),
        empty_label=_("Alla fokusområden"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def selector_filters(self) -> dict[str, Any]:
        """The arguments of ``selectors.list_library`` (none when the input is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data["q"] or "",
            "challenge_id": data["challenge"].pk if data["challenge"] else None,
            "focus_area_id": data["focus_area"].pk if data["focus_area"] else None,
        }
