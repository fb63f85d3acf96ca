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


# Characters that change how a name is shown without being visible in it: control characters,
# bidirectional overrides/isolates/marks and zero-width characters. They let a name pose as
# another ("‮gnirts" read backwards) or differ invisibly from an existing one, so names refuse
# them. Unicode categories: Cc control, Cf format (bidi controls, zero-width and other invisible
# formatting), Zl/Zp line and paragraph separators, Cs lone surrogates.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})

# Unicode's own list of characters that render as nothing: the Default_Ignorable_Code_Point
# property of https://www.unicode.org/Public/UCD/latest/ucd/DerivedCoreProperties.txt (checked
# against UCD 15.1). It also holds letters and marks outside the categories above (U+034F
# COMBINING GRAPHEME JOINER, the Hangul fillers U+115F/U+1160/U+3164/U+FFA0 that show as blank,
# Khmer inherent vowels, variation selectors), so "Alfa\u034f Energi AB" would look exactly like
# the real name and a name of fillers alone would be an invisible, non-empty name. Python's
# unicodedata has no accessor for this property, hence the ranges (inclusive).
DEFAULT_IGNORABLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # SOFT HYPHEN
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),  # ARABIC LETTER MARK
    (0x115F, 0x1160),  # HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ..AA
    (0x180B, 0x180F),  # MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
    (0x200B, 0x200F),  # ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),  # bidirectional embeddings and overrides
    (0x2060, 0x206F),  # WORD JOINER..NOMINAL DIGIT SHAPES (isolates, invisible operators)
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTOR-1..16
    (0xFEFF, 0xFEFF),  # ZERO WIDTH NO-BREAK SPACE
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),  # unassigned, reserved as ignorable
    (0x1BCA0, 0x1BCA3),  # SHORTHAND FORMAT controls
    (0x1D173, 0x1D17A),  # MUSICAL SYMBOL BEGIN BEAM..END PHRASE
    (0xE0000, 0xE0FFF),  # tags, VARIATION SELECTOR-17..256 and reserved
)


def is_default_ignorable(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in DEFAULT_IGNORABLE_RANGES)


def _hidden(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in _HIDDEN_CATEGORIES or is_default_ignorable(char)


def hidden_characters(value: str) -> list[str]:
    """The code points (as ``U+202E``) in ``value`` that a plain name must not contain."""
    found: list[str] = []
    for char in value or "":
        if _hidden(char):
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found


def validate_plain_name(value: str) -> None:
    """A name shown to people is plain text: letters of any script, digits, spaces, punctuation,
    hyphens and accents pass; control, bidirectional-override, zero-width and other default
    ignorable (invisible) characters do not, nor a name with nothing visible left without them.

    Usable as a model field validator (``validators=[validate_plain_name]``) and in forms."""
    found = hidden_characters(value)
    if found:
        raise ValidationError(
            _(
                "Namnet innehåller osynliga tecken eller styrtecken (%(chars)s). "
                "Skriv namnet med vanliga bokstäver och försök igen."
            ),
            code="hidden_characters",
            params={"chars": ", ".join(found)},
        )
    # Reached only by a value of whitespace alone (the characters above are refused already):
    # required fields strip it, but an optional one (a title) must not be blank-but-non-empty.
    if value and not "".join(c for c in value if not _hidden(c)).strip():
        raise ValidationError(
            _("Namnet är tomt. Skriv namnet med vanliga bokstäver."), code="blank"
        )
