"""Reads of the audit trail for the office."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from audit.models import AuditEntry

HISTORY_LIMIT = 50


def history_for(obj: Any, *, limit: int = HISTORY_LIMIT) -> QuerySet[AuditEntry]:
    """The newest entries about ``obj``; for an organisation also about everything it owns."""
    content_type = ContentType.objects.get_for_model(type(obj))
    condition = Q(content_type=content_type, object_id=str(obj.pk))
    if obj._meta.label == "partners.Organisation":
        condition |= Q(organisation_id=obj.pk)
    return (
        AuditEntry.objects.filter(condition)
        .select_related("content_type")
        .order_by("-at", "-pk")[:limit]
    )


def describe(entries: Any) -> list[dict[str, Any]]:
    """Entries ready for the template: field names in words, values as short text."""
    described = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, (old, new) in sorted(entry.changes.items()):
            label = name
            if model is not None:
                try:
                    label = str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
                except Exception:  # a field removed since: show its stored name
                    label = name
            changes.append({"field": label, "old": _short(old), "new": _short(new)})
        described.append(
            {
                "at": entry.at,
                "actor": entry.actor_label,
                "action": entry.get_action_display(),
                "object": entry.object_repr,
                "kind": str(model._meta.verbose_name) if model is not None else "",
                "bulk": entry.bulk,
                "changes": changes,
            }
        )
    return described


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"
