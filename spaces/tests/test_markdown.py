from __future__ import annotations

import pytest

from spaces.markdown import excerpt, find_disallowed_markup, render_markdown


def test_markdown_renders_emphasis_lists_and_links_with_nofollow() -> None:
    html = render_markdown("**Fet** och *kursiv*\n\n- ett\n- två\n\n[Umeå](https://umea.se)")
    assert "<strong>Fet</strong>" in html
    assert "<em>kursiv</em>" in html
    assert "<li>två</li>" in html
    assert '<a href="https://umea.se" rel="nofollow noopener noreferrer">Umeå</a>' in html


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>hej", "<script"),
        ("<img src=x onerror=alert(1)>", "onerror"),
        ("[x](javascript:alert(1))", "javascript:"),
        ('<a href="https://a.se" onclick="x()">a</a>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ("![bild](https://tracker.example/pixel.png)", "<img"),
    ],
)
def test_render_never_lets_script_or_active_html_through(text: str, forbidden: str) -> None:
    assert forbidden not in render_markdown(text).lower()


def test_headings_start_at_h3_to_keep_the_page_outline() -> None:
    html = render_markdown("# Rubrik\n\n## Under")
    assert "<h1>" not in html
    assert "<h2>" not in html
    assert "<h3>Rubrik</h3>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<SCRIPT>x</SCRIPT>",
        "[a](JavaScript:alert(1))",
        "<a href=x onmouseover=alert(1)>",
        "[a](data:text/html;base64,PHNjcmlwdD4=)",
        "<svg onload=alert(1)>",
    ],
)
def test_text_with_script_is_detected_for_refusal(text: str) -> None:
    assert find_disallowed_markup(text)


@pytest.mark.parametrize(
    "text", ["Utsläppen < 20 % per år", "Vi har en **policy**", "Se https://umea.se"]
)
def test_ordinary_text_is_accepted(text: str) -> None:
    assert not find_disallowed_markup(text)


def test_excerpt_is_plain_text() -> None:
    assert excerpt("# Hej\n\n**Fet** & [länk](https://a.se)") == "Hej Fet & länk"
