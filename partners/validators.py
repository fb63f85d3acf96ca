"""Validation of Swedish organisation numbers (organisationsnummer)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ORGNR = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) checksum that Swedish organisation and personal numbers use."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_organisation_number(value: str) -> str:
    """``5560360793`` or ``16556036-0793`` → ``556036-0793``; raises ValidationError if invalid."""
    match = _ORGNR.match((value or "").strip().replace(" ", ""))
    if not match:
        raise ValidationError(
            _("Ange organisationsnumret som tio siffror, t.ex. 556036-0793."), code="format"
        )
    digits = match.group(1) + match.group(2)
    if not luhn_ok(digits):
        raise ValidationError(
            _("Organisationsnumret %(value)s har fel kontrollsiffra."),
            code="checksum",
            params={"value": value},
        )
    return f"{digits[:6]}-{digits[6:]}"


def validate_organisation_number(value: str) -> None:
    normalise_organisation_number(value)
