"""Refuse an upload that is too large before reading it (issue 15, point 6).

Django parses a multipart body when something first reads ``request.POST`` or ``request.FILES``.
The first upload handler in ``FILE_UPLOAD_HANDLERS`` sees the request's ``Content-Length`` before a
single byte of the body is read (``handle_raw_input``): above ``settings.UPLOAD_MAX_REQUEST_BYTES``
it raises :class:`UploadTooLarge`, and :class:`klimatfardplan.middleware.UploadLimitMiddleware`
answers 413 with a page that names the limit. The body is never read, so a client cannot make a
worker spool gigabytes to disk only to have a form refuse the file afterwards.

Each form still checks its own file (``UPLOAD_MAX_FILE_BYTES``, or less for the partner import):
the request limit is that file plus room for the form's other fields. The reverse proxy gets the
same request limit (README: ``client_max_body_size``), so most oversized bodies never reach us.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParserError


def max_request_bytes() -> int:
    return int(settings.UPLOAD_MAX_REQUEST_BYTES)


class UploadTooLarge(MultiPartParserError):
    """The request announced a body above ``UPLOAD_MAX_REQUEST_BYTES``.

    A MultiPartParserError, so that if anything reads ``request.POST`` before our middleware
    does, Django still answers 400 (and never 500) without reading the body."""


class RequestSizeLimitHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: judges the announced size, then steps aside."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,  # bytes at run time; typed as django-stubs declares it
        encoding: str | None = None,
    ) -> None:
        limit = max_request_bytes()
        if content_length > limit:
            raise UploadTooLarge(f"Content-Length {content_length} is above {limit}")
        # None: let the next handlers (memory, then temporary file) parse the body as usual.

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data  # pass every chunk on to the next handler unchanged

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the uploaded file
