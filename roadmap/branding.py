"""The partnership's look: accent colour arithmetic and logo checks (pure functions, no ORM).

The accent colour is used for white text on it (the navigation bar, buttons, the PDF cover) and
as text on white (headings in the PDFs, links), so it must reach WCAG 2.1 AA for normal text
(4.5:1) against white. A colour that does not is refused, and the message offers the nearest
darker shade of the same hue that does: the office sees and chooses the colour that will be
printed, rather than finding a different one in the report.

Logos are untrusted uploads shown in every page and embedded in every PDF. PNG and JPEG are
decoded by Pillow, so a file that only claims the type is refused. SVG is XML that can carry
scripts, event handlers, external references and entity bombs; sanitising it reliably is a
project of its own, so an SVG is accepted only when it consists of drawing elements and
presentation attributes alone, and refused otherwise (no rewriting, nothing silently dropped).
The logo view serves it with a sandboxing Content-Security-Policy as a second fence.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from klimatfardplan import numbers

DEFAULT_ACCENT = "#1f5e43"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_NORMAL_TEXT = 4.5
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4000 * 4000
LOGO_CONTENT_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "svg": "image/svg+xml",
}

SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Drawing elements only: no <script>, <foreignObject> (HTML inside), <style> (CSS can import and
# fetch), <image>/<use>/<a>/<feImage> (references to other documents) or <animate>/<set> (which
# can rewrite an href at run time).
SVG_ELEMENTS = {
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "metadata",
}
SVG_ATTRIBUTES = {
    "id", "class", "version", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2",
    "cx", "cy", "r", "rx", "ry", "d", "points", "transform", "fill", "fill-opacity", "fill-rule",
    "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "clip-path",
    "clip-rule", "mask", "offset", "stop-color", "stop-opacity", "gradientUnits",
    "gradientTransform", "fx", "fy", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "letter-spacing", "preserveAspectRatio",
    "clipPathUnits", "maskUnits", "maskContentUnits", "dx", "dy", "xml:space", "role",
    "aria-label", "aria-hidden", "display", "visibility", "style",
}  # fmt: skip
# An attribute value (``style`` included) may point into the document itself (url(#id)) and
# nowhere else; a backslash is refused because CSS escapes (``u\72l(``) would hide a url(.
EXTERNAL_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#)|javascript:|data:|@import|\\", re.I)


# --- colours ------------------------------------------------------------------------------------


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def rgb_triplet(colour: str) -> str:
    """``"31, 94, 67"`` for ``#1f5e43``: Bootstrap's ``--bs-*-rgb`` variables take this form."""
    return ", ".join(str(v) for v in _rgb(colour))


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    r, g, b = (_channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def shade(colour: str, factor: float) -> str:
    """``colour`` with each channel scaled by ``factor`` (< 1 darkens, keeping the hue)."""
    return "#" + "".join(f"{round(v * factor):02x}" for v in _rgb(colour))


def darkest_needed(colour: str, ratio: float = AA_NORMAL_TEXT) -> str:
    """The lightest darker shade of ``colour`` with at least ``ratio`` against white."""
    factor = 1.0
    candidate = colour.lower()
    while contrast_with_white(candidate) < ratio and factor > 0:
        factor = round(factor - 0.01, 2)
        candidate = shade(colour, factor)
    return candidate


def hover_shade(colour: str) -> str:
    """Buttons darken on hover and when pressed: about a quarter darker than the accent."""
    return shade(colour, 0.72)


def validate_accent(value: str) -> str:
    """``#rrggbb`` (returned in lower case), with AA contrast for text on white and white on it."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Ange färgen som #rrggbb, till exempel #1f5e43."), code="accent_format"
        )
    value = value.lower()
    ratio = contrast_with_white(value)
    if ratio < AA_NORMAL_TEXT:
        raise ValidationError(
            _(
                "Färgen är för ljus för text: kontrasten mot vitt är %(ratio)s:1, minst 4,5:1 "
                "behövs. Närmaste mörkare nyans som räcker är %(suggestion)s."
            ),
            code="accent_contrast",
            params={"ratio": numbers.for_people(ratio, 1), "suggestion": darkest_needed(value)},
        )
    return value


# --- logos --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedLogo:
    kind: str  # a key of LOGO_CONTENT_TYPES
    width: int | None
    height: int | None

    @property
    def content_type(self) -> str:
        return LOGO_CONTENT_TYPES[self.kind]


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _local_name(tag: str) -> str | None:
    """The element's name if it is in the SVG namespace (anything else is refused)."""
    return tag[len(SVG_NS) :] if tag.startswith(SVG_NS) else None


def _check_svg(data: bytes) -> CheckedLogo:
    unreadable = _refuse(_("SVG-filen går inte att läsa som ren SVG."), "logo_svg_unreadable")
    # No DTD at all, so no entities: nothing to expand (billion laughs) and nothing external to
    # fetch. Expat reads no external entities anyway; this keeps the parser away from them.
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise unreadable
    try:
        root = ET.fromstring(data)  # noqa: S314  # DTDs refused above
    except (ET.ParseError, ValueError):
        raise unreadable from None
    for element in root.iter():
        name = _local_name(str(element.tag))
        if name not in SVG_ELEMENTS:
            raise _refuse(
                _(
                    "SVG-filen innehåller något annat än ritning (till exempel skript, "
                    "inbäddade bilder, länkar eller stilmallar). Spara den som ren SVG eller PNG."
                ),
                "logo_svg_element",
            )
        for attribute, value in element.attrib.items():
            bare = attribute.replace("{http://www.w3.org/XML/1998/namespace}", "xml:")
            if bare not in SVG_ATTRIBUTES or EXTERNAL_REFERENCE.search(value):
                raise _refuse(
                    _(
                        "SVG-filen innehåller attribut som inte är tillåtna (till exempel "
                        "händelser, stilar eller referenser till andra filer). Spara den som "
                        "ren SVG eller PNG."
                    ),
                    "logo_svg_attribute",
                )
    if _local_name(str(root.tag)) != "svg":
        raise unreadable
    return CheckedLogo(kind="svg", width=None, height=None)


def _check_raster(data: bytes) -> CheckedLogo:
    from PIL import Image  # imported here: only uploads need Pillow

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = (image.format or "").lower()
            width, height = image.size
            if kind in ("png", "jpeg") and width * height <= LOGO_MAX_PIXELS:
                image.verify()  # reads the whole file: a truncated or doctored one fails here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind, width, height = "", 0, 0
    if kind not in ("png", "jpeg"):
        raise _refuse(_("Logotypen måste vara en PNG-, JPEG- eller SVG-fil."), "logo_type")
    if width * height > LOGO_MAX_PIXELS:
        raise _refuse(_("Bilden är för stor: högst 4000 × 4000 bildpunkter."), "logo_pixels")
    return CheckedLogo(kind=kind, width=width, height=height)


def check_logo(data: bytes) -> CheckedLogo:
    """What the file really is (judged from its content, never its name), or ValidationError."""
    if len(data) > LOGO_MAX_BYTES:
        raise _refuse(_("Logotypen får vara högst 512 kB."), "logo_size")
    head = data[:512].lstrip()
    if head.startswith((b"<?xml", b"<svg", b"<!--")):
        return _check_svg(data)
    return _check_raster(data)
