from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import RetentionSettings


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jag förstår att uppgifterna om personen inte går att återställa."),
        required=True,
    )


class RetentionForm(forms.ModelForm[RetentionSettings]):
    class Meta:
        model = RetentionSettings
        fields = ["review_after_days"]

    def clean_review_after_days(self) -> int:
        days: int = self.cleaned_data["review_after_days"]
        if days > 36500:
            raise forms.ValidationError(_("Ange högst 36500 dagar."))
        return days
