"""Forms of the survey app. The questionnaire itself is dynamic (its inputs come from the round's
questions) and is read with :func:`surveys.rules.answer_from_post`; these forms cover the office's
pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import ImportForm
from surveys.models import Indicator, SurveyRound


def _offsets(text: str) -> list[int]:
    try:
        values = sorted({int(part) for part in text.replace(";", ",").split(",") if part.strip()})
    except ValueError as exc:
        raise forms.ValidationError(_("Ange heltal separerade med komma, t.ex. 14, 7, 1.")) from exc
    if any(v < 0 or v > 90 for v in values):
        raise forms.ValidationError(_("Ange dagar mellan 0 och 90."))
    return sorted(values, reverse=True)


class RoundCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Enkätår"), min_value=2020, max_value=2100)
    opens_on = forms.DateField(label=_("Öppnar"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Stänger"), widget=forms.DateInput(attrs={"type": "date"}))
    baseline = forms.BooleanField(
        label=_("Nollmätning: samla även in basåret"),
        required=False,
        help_text=_("Samlar in både basåret och redovisningsåret (t.ex. 2022 och 2023)."),
    )
    base_year = forms.IntegerField(label=_("Basår"), required=False, min_value=1990)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Stängningsdatum kan inte ligga före öppningsdatum."))
        if data.get("baseline") and not data.get("base_year"):
            self.add_error("base_year", _("Ange basåret för nollmätningen."))
        return data

    def data_years(self) -> list[int]:
        year = self.cleaned_data["year"]
        years = {year - 1}
        if self.cleaned_data.get("baseline") and self.cleaned_data.get("base_year"):
            years |= set(range(self.cleaned_data["base_year"], year - 1))
        return sorted(years)


class RoundUpdateForm(forms.ModelForm[SurveyRound]):
    reminder_offsets_text = forms.CharField(
        label=_("Påminnelser, dagar före stängning"), initial="14, 7, 1"
    )
    escalation_offsets_text = forms.CharField(
        label=_("Påminnelser till huvudkontakten, dagar före stängning"),
        initial="1",
        required=False,
    )

    class Meta:
        model = SurveyRound
        fields = ["name", "opens_on", "closes_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reminder_offsets_text"].initial = ", ".join(
                str(o) for o in self.instance.reminder_offsets
            )
            self.fields["escalation_offsets_text"].initial = ", ".join(
                str(o) for o in self.instance.escalation_offsets
            )

    def clean_reminder_offsets_text(self) -> list[int]:
        return _offsets(self.cleaned_data["reminder_offsets_text"])

    def clean_escalation_offsets_text(self) -> list[int]:
        return _offsets(self.cleaned_data.get("escalation_offsets_text") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Stängningsdatum kan inte ligga före öppningsdatum."))
        return data

    def save(self, commit: bool = True) -> SurveyRound:
        self.instance.reminder_offsets = self.cleaned_data["reminder_offsets_text"]
        self.instance.escalation_offsets = self.cleaned_data["escalation_offsets_text"]
        return super().save(commit)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl till att öppna svaret igen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ExtensionForm(forms.Form):
    until = forms.DateField(
        label=_("Förläng tidsfristen till"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Skäl"), max_length=300, required=False)


class ManualValueForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indikator"), queryset=Indicator.objects.filter(source=Indicator.Source.MANUAL)
    )
    year = forms.IntegerField(label=_("År"), min_value=1990, max_value=2100)
    value = forms.DecimalField(label=_("Värde"), max_digits=18, decimal_places=3)
    source_note = forms.CharField(label=_("Källa"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select" if name == "indicator" else "form-control"
            field.widget.attrs.setdefault("class", css)


class AnswerImportForm(ImportForm):
    """The round's long file to import (surveys.importing), and whether to approve it."""

    approve = forms.BooleanField(
        label=_("Godkänn de importerade svaren"),
        required=False,
        help_text=_(
            "Som när tidigare års siffror flyttas in: svaren godkänns och indikatorerna "
            "räknas om. Annars blir de utkast som organisationerna kan se över och skicka in."
        ),
    )


class BoundaryDecisionForm(forms.Form):
    """The office's word on a detected boundary change (issue 16.5)."""

    comparable = forms.ChoiceField(
        label=_("Beslut"),
        choices=[
            ("no", _("Inte jämförbar: lämnas utanför panelens förändring")),
            ("yes", _("Jämförbar: räknas i panelens förändring")),
        ],
    )
    reason = forms.CharField(label=_("Motivering"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comparable"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["reason"].widget.attrs.update(
            {"class": "form-control form-control-sm", "rows": 2}
        )
