"""The office's export of a space's content: a ZIP that opens in a browser (``index.html``
with the files beside it) and reads in a program (``content.json``)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts import policy
from spaces.models import Post, Space

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
# The partnership's clock: an export read years later, anywhere, shows the times people saw.
EXPORT_ZONE = ZoneInfo("Europe/Stockholm")


def _local(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in Swedish local time, with its offset (unambiguous and readable)."""
    return moment.astimezone(EXPORT_ZONE).isoformat() if moment is not None else None


def export_space(*, space: Space, by: User, language: str = "") -> bytes:
    """A ZIP of everything in the space for the office: ``index.html`` (posts and comments in
    local time, hidden ones with the reason, links to the files), ``content.json`` (the same as
    data) and ``files/<id>-<name>`` for every attachment. ``language``: of index.html (default:
    the active one)."""
    policy.require(by, "spaces.export", space)
    posts = (
        Post.objects.filter(space=space)
        .select_related("author", "organisation", "hidden_by", "answered_by")
        .prefetch_related("attachments", "comments__author", "comments__organisation")
        .order_by("created_at", "pk")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        data: dict[str, Any] = {
            "space": {"id": space.pk, "name": space.name, "kind": space.kind},
            "exported_at": _local(timezone.now()),
            "time_zone": str(EXPORT_ZONE),
            "posts": [],
        }
        entries: list[dict[str, Any]] = []  # for index.html: each post with its files' paths
        for post in posts:
            files = []
            for attachment in post.attachments.all():
                arcname = f"files/{attachment.pk}-{attachment.original_name}"
                try:
                    with attachment.file.open("rb") as handle:
                        archive.writestr(arcname, handle.read())
                except OSError:
                    logger.warning("Attachment %s is missing from storage.", attachment.pk)
                    arcname = ""
                files.append({"name": attachment.original_name, "path": arcname})
            entries.append({"post": post, "files": files})
            data["posts"].append(
                {
                    "id": post.pk,
                    "kind": post.kind,
                    "title": post.title,
                    "body": post.body,
                    "link": post.link,
                    "is_reusable": post.is_reusable,
                    "author": post.author.get_full_name() if post.author else "",
                    "organisation": post.organisation.name if post.organisation else "",
                    "created_at": _local(post.created_at),
                    "edited_at": _local(post.edited_at),
                    "answered_at": _local(post.answered_at),
                    "hidden_at": _local(post.hidden_at),
                    "hidden_by": post.hidden_by.get_full_name() if post.hidden_by else "",
                    "hidden_reason": post.hidden_reason,
                    "files": files,
                    "comments": [
                        {
                            "author": c.author.get_full_name() if c.author else "",
                            "organisation": c.organisation.name if c.organisation else "",
                            "body": c.body,
                            "created_at": _local(c.created_at),
                            "edited_at": _local(c.edited_at),
                            "is_answer": c.pk == post.answer_id,
                        }
                        for c in post.comments.all()
                    ],
                }
            )
        archive.writestr("content.json", json.dumps(data, ensure_ascii=False, indent=2))
        with (
            translation.override(language or translation.get_language()),
            timezone.override(EXPORT_ZONE),
        ):
            index = render_to_string(
                "spaces/export/index.html",
                {"space": space, "entries": entries, "exported_at": timezone.now()},
            )
        archive.writestr("index.html", index)
    return buffer.getvalue()
