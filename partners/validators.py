"""Validation of Swedish organisation numbers (organisationsnummer)."""

import re
from typing import Any

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


DEFAULT_DECLARATION_MAX_BYTES = 10 * 1024 * 1024


def declaration_max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "PARTNERS_DECLARATION_MAX_BYTES", DEFAULT_DECLARATION_MAX_BYTES))


def validate_pdf(upload: Any) -> None:
    """Accept only a real PDF within the size limit: judged by content, never by name or the
    browser's content type, which anyone can set."""
    limit = declaration_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("Filen är för stor (högst %(limit)s MB)."),
            code="too_large",
            params={"limit": limit // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(
            _("Filen är inte en PDF. Ladda upp den undertecknade avsiktsförklaringen som PDF."),
            code="not_pdf",
        )
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(upload)
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        pages = 0
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(
            _("PDF-filen går inte att öppna. Kontrollera filen och försök igen."), code="broken_pdf"
        )
