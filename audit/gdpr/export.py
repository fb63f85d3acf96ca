"""Export of everything stored about a person (right of access)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from audit.gdpr.personal import _audit_entries, _emails_to, _row, own_rows
from audit.models import AuditEntry

# --- export -------------------------------------------------------------------------------------


def export_person(*, contact: Any) -> dict[str, Any]:
    """Everything held about one contact person, as JSON-ready data (GDPR art. 15 and 20)."""
    user = contact.user
    rows = own_rows(contact)
    related: dict[str, list[dict[str, Any]]] = {}
    for model, pks in rows.items():
        if model is type(contact) or (user is not None and model is type(user)):
            pks = pks - {contact.pk if model is type(contact) else user.pk}
        if pks:
            related[model._meta.label] = [
                _row(o) for o in model._base_manager.filter(pk__in=pks).order_by("pk")
            ]
    audit = AuditEntry.objects.filter(_audit_entries(contact, rows)).order_by("at")
    login_log: list[dict[str, Any]] = []
    if user is not None:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessLog, AccessAttempt, AccessFailureLog):
            login_log += [_row(o) for o in model.objects.filter(username=user.username)]
    data = {
        "exported_at": timezone.now(),
        "contact_person": _row(contact),
        "user_account": _row(user) if user is not None else None,
        "related_records": related,
        "audit_trail": [
            {
                "at": e.at,
                "action": e.action,
                "object": f"{e.content_type.app_label}.{e.content_type.model}#{e.object_id}",
                "object_repr": e.object_repr,
                "by": e.actor_label,
                "changes": e.changes,
            }
            for e in audit.select_related("content_type")
        ],
        "login_log": login_log,
        "emails": [_row(e) for e in _emails_to(contact)],
    }
    # A round trip through JSON: dates and decimals become strings now, not in the view.
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result
