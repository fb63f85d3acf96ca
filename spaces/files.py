"""Checks for files attached to posts (security.md SEC-11, ASVS 5.2.1/5.2.2).

A file is accepted only when its *content* is one of the allowed types and its name's extension
agrees with that content: a web page renamed ``report.pdf`` is refused. The size limit is
``settings.SPACES_MAX_FILE_BYTES`` (default 10 MB). What we store and later send as
``Content-Type`` comes from this table, never from the browser.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
}
ALLOWED_EXTENSIONS = tuple(CONTENT_TYPES)
_OOXML_FOLDER = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_HTML_START = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<head")


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str
    original_name: str
    size: int


def max_file_bytes() -> int:
    return int(getattr(settings, "SPACES_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def clean_original_name(name: str) -> str:
    """The name shown to people and offered on download: no folders, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return base.strip()[:150] or "fil"


def _content_matches(extension: str, head: bytes, upload: UploadedFile) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in _OOXML_FOLDER or extension in ("odt", "ods", "odp"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                if extension in _OOXML_FOLDER:
                    folder = _OOXML_FOLDER[extension]
                    return "[Content_Types].xml" in names and any(
                        n.startswith(folder) for n in names
                    )
                if "mimetype" not in names:
                    return False
                # The ODF mimetype entry is tiny; read at most what a real one needs.
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                return declared == CONTENT_TYPES[extension]
        except (zipfile.BadZipFile, OSError, KeyError):
            return False
    if extension in ("txt", "csv"):
        upload.seek(0)
        data = upload.read()
        if b"\x00" in data or data.lstrip().lower().startswith(_HTML_START):
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                data.decode("cp1252")  # Excel's CSV export on Swedish Windows
            except UnicodeDecodeError:
                return False
        return True
    return False


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Accept ``upload`` or raise ValidationError with a message for the person uploading."""
    limit = max_file_bytes()
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            _("Filen är för stor (%(size)s). Största tillåtna storlek är %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if size == 0:
        raise ValidationError(_("Filen är tom."), code="file_empty")
    name = clean_original_name(upload.name or "")
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in CONTENT_TYPES:
        raise ValidationError(
            _("Filtypen är inte tillåten. Tillåtna filtyper: %(types)s.")
            % {"types": ", ".join(ALLOWED_EXTENSIONS)},
            code="file_type",
        )
    upload.seek(0)
    head = upload.read(16)
    matches = _content_matches(extension, head, upload)
    upload.seek(0)
    if not matches:
        raise ValidationError(
            _(
                "Filens innehåll stämmer inte med filtypen .%(extension)s. "
                "Spara filen i rätt format och försök igen."
            )
            % {"extension": extension},
            code="file_content",
        )
    return CheckedFile(
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        original_name=name,
        size=size,
    )
