"""The office's form for the partnership's logo and accent colour."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from roadmap import branding


class BrandingForm(forms.Form):
    accent = forms.CharField(
        label=_("Accentfärg"),
        max_length=7,
        help_text=_(
            "Som #rrggbb. Används för vit text på färgen och för rubriker på vitt, så den måste "
            "ha minst 4,5:1 i kontrast mot vitt (WCAG AA)."
        ),
        widget=forms.TextInput(attrs={"placeholder": branding.DEFAULT_ACCENT, "size": 8}),
    )
    logo = forms.FileField(
        label=_("Ny logotyp"),
        required=False,
        help_text=_(
            "PNG, JPEG eller SVG, högst 512 kB. SVG-filer får bara innehålla ritning: skript, "
            "länkar och inbäddade filer avvisas."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.svg"}),
    )
    remove_logo = forms.BooleanField(label=_("Ta bort logotypen"), required=False)

    def clean_accent(self) -> str:
        return branding.validate_accent(self.cleaned_data["accent"].strip())

    def clean_logo(self) -> UploadedFile | None:
        logo: UploadedFile | None = self.cleaned_data.get("logo")
        if logo is None:
            return None
        if (logo.size or 0) > branding.LOGO_MAX_BYTES:
            raise forms.ValidationError(_("Logotypen får vara högst 512 kB."), code="logo_size")
        branding.check_logo(logo.read())
        logo.seek(0)  # the service reads (and checks) it again
        return logo

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("logo") and cleaned.get("remove_logo"):
            self.add_error(
                "remove_logo", _("Välj antingen en ny logotyp eller att ta bort den, inte båda.")
            )
        return cleaned
