from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from spaces.files import check_upload, clean_original_name

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("policy.pdf", PDF, "application/pdf"),
        ("bild.PNG", PNG, "image/png"),
        ("foto.jpg", b"\xff\xd8\xff\xe0" + b"0" * 10, "image/jpeg"),
        (
            "plan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("plan.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("data.csv", "år;ton\n2024;12,5\n".encode(), "text/csv"),
        ("notes.txt", "Hej på er".encode("cp1252"), "text/plain"),
    ],
)
def test_allowed_files_are_accepted_with_our_content_type(
    name: str, content: bytes, content_type: str
) -> None:
    checked = check_upload(SimpleUploadedFile(name, content, content_type="application/x-evil"))
    assert checked.content_type == content_type
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("sida.html", b"<html></html>", "file_type"),
        ("program.exe", b"MZ\x90\x00", "file_type"),
        ("utan-filandelse", PDF, "file_type"),
        ("rapport.pdf", b"<html><script>alert(1)</script></html>", "file_content"),
        ("bild.png", PDF, "file_content"),
        ("plan.docx", _zip({"evil.html": b"<html/>"}), "file_content"),
        ("plan.xlsx", DOCX, "file_content"),
        ("plan.odt", _zip({"mimetype": b"text/html"}), "file_content"),
        ("text.txt", b"<!DOCTYPE html><script>x</script>", "file_content"),
        ("binar.txt", b"abc\x00def", "file_content"),
        ("tom.pdf", b"", "file_empty"),
    ],
)
def test_disallowed_or_disguised_files_are_refused(name: str, content: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(name, content))
    assert caught.value.code == code


@override_settings(SPACES_MAX_FILE_BYTES=1024)
def test_a_file_one_byte_over_the_limit_is_refused_with_the_limit_named() -> None:
    check_upload(SimpleUploadedFile("ok.pdf", PDF + b"0" * (1024 - len(PDF))))
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * (1025 - len(PDF))))
    assert caught.value.code == "file_too_large"
    assert "1,0" in caught.value.messages[0] or "1.0" in caught.value.messages[0]


def test_original_names_lose_folders_and_control_characters() -> None:
    assert clean_original_name("../../etc/passwd") == "passwd"
    assert clean_original_name('C:\\Users\\x\\"plan"\n.pdf') == "plan.pdf"
    assert clean_original_name("") == "fil"
