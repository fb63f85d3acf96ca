"""Names refuse Unicode's default ignorable characters too (issue 15 point 7, red-team finding
4): the ones outside the Cc/Cf/Zl/Zp/Cs categories render as nothing or as a blank."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from partners.validators import hidden_characters, validate_plain_name


@pytest.mark.parametrize(
    "char",
    [
        "\u00ad",  # SOFT HYPHEN
        "\u180b",  # MONGOLIAN FREE VARIATION SELECTOR ONE (Mn)
        "\u180f",  # MONGOLIAN FREE VARIATION SELECTOR FOUR (Mn)
        "\u1160",  # HANGUL JUNGSEONG FILLER (Lo)
        "\u17b5",  # KHMER VOWEL INHERENT AA (Mn)
        "\ufe0f",  # VARIATION SELECTOR-16 (Mn)
        "\U0001d173",  # MUSICAL SYMBOL BEGIN BEAM (Cf)
        "\U000e0041",  # TAG LATIN CAPITAL LETTER A (Cf)
        "\U000e0100",  # VARIATION SELECTOR-17 (Mn)
    ],
)
def test_default_ignorable_characters_are_refused_and_named(char: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_plain_name(f"Umeå{char} Energi")
    assert f"U+{ord(char):04X}" in str(refused.value.messages)


def test_a_name_of_blanks_alone_is_refused() -> None:
    with pytest.raises(ValidationError):
        validate_plain_name("\u00a0 \u3000")  # no-break and ideographic spaces: nothing shows


@pytest.mark.parametrize(
    "name",
    ["Åsa Öberg-Lindqvist", "Ümit Çelik", "Ærø Energi A/S", "김민수", "张伟", "Ольга", "O'Brien"],
)
def test_ordinary_names_of_every_script_pass(name: str) -> None:
    validate_plain_name(name)
    assert hidden_characters(name) == []
