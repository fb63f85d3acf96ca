"""Forms of the reporting app: a new report year, and its narrative and inclusion choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reporting.models import ReportYear
from reporting.services import NARRATIVE_FIELDS

MARKDOWN_HELP = _(
    "Markdown: tom rad mellan stycken, **fetstil**, *kursiv*, listor med - och länkar "
    "[text](https://…). Bilder och HTML tas bort."
)


class ReportYearCreateForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2020, max_value=2100)
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)


class NarrativeForm(forms.ModelForm):  # type: ignore[type-arg]
    """The narrative sections (Markdown, sanitised when frozen) and what the reports include."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ReportYear
        fields = list(NARRATIVE_FIELDS)
        widgets = {
            f"{section}_{language}": forms.Textarea(attrs={"rows": 6})
            for section in ("story", "conclusions", "way_forward")
            for language in ("sv", "en")
        }
        help_texts = {
            f"{section}_{language}": MARKDOWN_HELP
            for section in ("story", "conclusions", "way_forward")
            for language in ("sv", "en")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.fields["version"].initial = self.instance.version


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Språk"), choices=settings.LANGUAGES)


class PublishForm(forms.Form):
    """Publishing cannot be undone: the office ticks that it has read who will see what."""

    confirm = forms.BooleanField(
        label=_("Jag har läst vilka som får se rapporterna och vill publicera dem."),
        required=True,
        error_messages={"required": _("Kryssa i rutan för att bekräfta publiceringen.")},
    )
