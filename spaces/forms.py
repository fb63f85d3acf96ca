"""Forms of the shared spaces: input shape and field-level checks; rules spanning models (who
may post where) live in spaces.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from spaces.files import ALLOWED_EXTENSIONS, check_upload, max_file_bytes
from spaces.markdown import MARKUP_MESSAGE, find_disallowed_markup
from spaces.models import COMMENT_MAX, HIDE_REASON_MAX, Comment, Post, Subscription
from spaces.selectors import DEFAULT_MODE


def _refuse_markup(value: str) -> str:
    if find_disallowed_markup(value):
        raise ValidationError(MARKUP_MESSAGE, code="markup")
    return value


class PostForm(forms.ModelForm[Post]):
    link = forms.URLField(
        label=_("Länk"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("En webbadress som börjar med https:// (valfritt)."),
    )
    file = forms.FileField(
        label=_("Bifoga en fil (valfritt)"),
        required=False,
        help_text="",
    )

    class Meta:
        model = Post
        fields = ["kind", "title", "body", "link", "is_reusable"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = max_file_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _("Högst %(mb)s MB. Tillåtna filtyper: %(types)s.") % {
            "mb": megabytes,
            "types": ", ".join(ALLOWED_EXTENSIONS),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in ALLOWED_EXTENSIONS)

    def clean_title(self) -> str:
        return _refuse_markup(self.cleaned_data["title"])

    def clean_body(self) -> str:
        return _refuse_markup(self.cleaned_data["body"])

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload


class PostEditForm(PostForm):
    """Editing a post: what the author wrote; files stay as they are (no upload here)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["file"]


class CommentForm(forms.ModelForm[Comment]):
    class Meta:
        model = Comment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX})}
        labels = {"body": _("Din kommentar")}

    def clean_body(self) -> str:
        return _refuse_markup(self.cleaned_data["body"])


class HidePostForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl att dölja inlägget"),
        max_length=HIDE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sparas med ditt namn och tidpunkten."),
    )


DEFAULT_CHOICE = (DEFAULT_MODE, _("Som för alla mina rum"))


class SubscriptionForm(forms.Form):
    """One space's choice: as for all spaces, or an exception."""

    mode = forms.ChoiceField(
        label=_("E-post från det här rummet"),
        choices=[DEFAULT_CHOICE, *Subscription.Mode.choices],
        widget=forms.RadioSelect,
    )


class MailPreferenceForm(forms.Form):
    """The choice for every space the user is in (issue 18: one save, not one per space)."""

    mode = forms.ChoiceField(
        label=_("E-post från alla mina rum"),
        choices=Subscription.Mode.choices,
        widget=forms.RadioSelect,
    )


class LibraryUseForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
