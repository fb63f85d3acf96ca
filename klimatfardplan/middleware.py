from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from klimatfardplan.uploads import UploadTooLarge, max_request_bytes


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user chose English with the language switch.

    Django's LocaleMiddleware also follows the browser's Accept-Language, which would show an
    English browser the English UI unasked; the office wants Swedish first, English on request.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class UploadLimitMiddleware:
    """Answers 413 to a multipart request whose ``Content-Length`` is above the upload limit.

    Placed before CsrfViewMiddleware, whose check is the first thing to read ``request.POST``:
    reading it here runs the upload handlers (klimatfardplan.uploads), whose first one refuses
    an oversized body from its announced length, before any byte of it is read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method != "POST":
            return None  # Django parses a body into request.POST for POST only
        if request.content_type != "multipart/form-data":
            return None  # other bodies: DATA_UPLOAD_MAX_MEMORY_SIZE, also judged before reading
        try:
            request.POST  # noqa: B018  parse now: the upload handlers judge the size first
        except UploadTooLarge:
            return render(
                request,
                "413.html",
                {
                    "file_limit": settings.UPLOAD_MAX_FILE_BYTES,
                    "request_limit": max_request_bytes(),
                },
                status=413,
            )
        return None
