"""Reads of the audit trail for the office: which entries a page shows, and in what words."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import AuditEntry

HISTORY_LIMIT = 50
# Longer values (a plan, a purpose) are cut: the history says that a text changed, the page
# itself shows the whole text.
VALUE_LIMIT = 120


def history_for(obj: Any, *, limit: int = HISTORY_LIMIT) -> QuerySet[AuditEntry]:
    """The newest entries about ``obj`` and what its page shows with it.

    An organisation's page shows its details, contacts, commitments and declarations, so its
    history holds the entries of everything it owns (``organisation_id``) and of its contact
    persons, who belong to no single organisation. An activity's page shows its working
    group, so its history holds the participations too."""
    content_type = ContentType.objects.get_for_model(type(obj))
    condition = Q(content_type=content_type, object_id=str(obj.pk))
    label = obj._meta.label
    if label == "partners.Organisation":
        condition |= Q(organisation_id=obj.pk)
        contact_ids = obj.memberships.values_list("contact_id", flat=True)
        condition |= Q(
            content_type=_content_type("partners.ContactPerson"),
            object_id__in=[str(pk) for pk in contact_ids],
        )
    elif label == "activities.Activity":
        participations = _content_type("activities.Participation")
        condition |= Q(
            content_type=participations,
            object_id__in=[str(pk) for pk in obj.participations.values_list("pk", flat=True)],
        )
        # A removed participation is no longer among the activity's rows: its entries still
        # name the activity in their values ([None, pk] when added, [pk, None] when removed).
        condition |= Q(content_type=participations, changes__activity_id__contains=[obj.pk])
    entries = AuditEntry.objects.filter(condition)
    if label == "partners.Organisation":
        # The survey's answers belong to the organisation too, but its page does not show them
        # (the response page has its own log); hundreds of answer rows would drown the rest.
        entries = entries.exclude(content_type__app_label="surveys")
    return entries.select_related("content_type", "actor").order_by("-at", "-pk")[:limit]


def _content_type(label: str) -> ContentType:
    from django.apps import apps

    return ContentType.objects.get_for_model(apps.get_model(label))


def describe(entries: Iterable[AuditEntry]) -> list[dict[str, Any]]:
    """Entries in words a person reads: who, when, what, and each change as field label with
    old → new values (choice labels, related objects by name, yes/no, local dates)."""
    entries = list(entries)
    names = _related_names(entries)
    current = _current_objects(entries)
    described = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, pair in entry.changes.items():
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            field = _field(model, name)
            if field is not None and (not field.editable or isinstance(field, models.AutoField)):
                continue  # bookkeeping set by the system (created_at, generated columns)
            if _is_empty(old) and _is_empty(new):
                continue
            changes.append(
                {
                    "field": _label(field, name),
                    "old": _value(field, old, names),
                    "new": _value(field, new, names),
                }
            )
        obj = current.get((entry.content_type_id, entry.object_id))
        described.append(
            {
                "at": entry.at,
                "actor": _actor(entry),
                "action": entry.get_action_display(),
                "action_code": entry.action,
                "object": str(obj) if obj is not None else entry.object_repr,
                "kind": _kind(model),
                "bulk": entry.bulk,
                "changes": changes,
            }
        )
    return described


def _actor(entry: AuditEntry) -> str:
    # The account's name as it is now (an erased person's account is renamed), else the label
    # kept when the account itself was deleted; no actor at all means the system did it.
    if entry.actor is not None:
        return str(entry.actor)
    return entry.actor_label


def _kind(model: type[models.Model] | None) -> str:
    if model is None:
        return ""
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None  # a field removed since the entry was written


def _label(field: Any, name: str) -> str:
    if field is None or not hasattr(field, "verbose_name"):
        return name
    label = str(field.verbose_name)
    return label[:1].upper() + label[1:]


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _is_key(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def _related_names(entries: list[AuditEntry]) -> dict[tuple[type[models.Model], str], str]:
    """The names of every object a foreign key in ``entries`` points at: one query per
    related model, whatever the number of entries."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, pair in entry.changes.items():
            field = _field(model, name)
            if field is None or not getattr(field, "many_to_one", False):
                continue
            for value in pair if isinstance(pair, list) else [pair]:
                if _is_key(value):  # not an erased person's "[raderad]"
                    wanted[field.related_model].add(value)
    names: dict[tuple[type[models.Model], str], str] = {}
    for related, pks in wanted.items():
        for pk, obj in related._base_manager.in_bulk(list(pks)).items():
            names[(related, str(pk))] = str(obj)
    return names


def _current_objects(entries: list[AuditEntry]) -> dict[tuple[int, str], models.Model]:
    """The objects of bulk entries as they are now: a bulk write names them "organisation #5",
    which a person cannot read. Deleted objects keep the recorded text."""
    wanted: dict[int, set[str]] = defaultdict(set)
    models_by_type: dict[int, type[models.Model]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        if entry.bulk and model is not None:
            wanted[entry.content_type_id].add(entry.object_id)
            models_by_type[entry.content_type_id] = model
    found: dict[tuple[int, str], models.Model] = {}
    for type_id, pks in wanted.items():
        model = models_by_type[type_id]
        for pk, obj in model._base_manager.in_bulk(list(pks)).items():
            found[(type_id, str(pk))] = obj
    return found


def _value(field: Any, value: Any, names: dict[tuple[type[models.Model], str], str]) -> str:
    if _is_empty(value):
        return ""
    if field is not None and getattr(field, "many_to_one", False) and _is_key(value):
        name = names.get((field.related_model, str(value)))
        return name if name is not None else _("borttagen (id %(id)s)") % {"id": value}
    if field is not None and getattr(field, "choices", None):
        labels = {str(k): str(v) for k, v in field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "Y-m-d H:i")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if isinstance(day, dt.date):
            return date_format(day, "Y-m-d")
    if field is not None and (field.model._meta.label, field.name) == (
        "partners.Organisation",
        "sector",
    ):  # reference data with an English name: the history shows it as the page does
        from roadmap.selectors import sector_name  # here: roadmap is read rarely

        return _short(sector_name(str(value)))
    return _short(value)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"
