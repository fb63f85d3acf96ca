"""The office's export of a space's content."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts import policy
from spaces.models import Post, Space

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def export_space(*, space: Space, by: User) -> bytes:
    """A ZIP of everything in the space for the office: ``content.json`` (posts with their
    comments, hidden ones with the reason) and ``files/<id>-<name>`` for every attachment."""
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
            "exported_at": timezone.now().isoformat(),
            "posts": [],
        }
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
                    "created_at": post.created_at.isoformat(),
                    "answered_at": post.answered_at.isoformat() if post.answered_at else None,
                    "hidden_at": post.hidden_at.isoformat() if post.hidden_at else None,
                    "hidden_by": post.hidden_by.get_full_name() if post.hidden_by else "",
                    "hidden_reason": post.hidden_reason,
                    "files": files,
                    "comments": [
                        {
                            "author": c.author.get_full_name() if c.author else "",
                            "organisation": c.organisation.name if c.organisation else "",
                            "body": c.body,
                            "created_at": c.created_at.isoformat(),
                            "is_answer": c.pk == post.answer_id,
                        }
                        for c in post.comments.all()
                    ],
                }
            )
        archive.writestr("content.json", json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()
