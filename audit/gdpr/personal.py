"""What belongs to a person: their files, identifying strings, own rows, audit entries and mails."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

logger = logging.getLogger(__name__)

REDACTED = "[raderad]"
# Identifying strings shorter than this are never looked for, not even in the person's own rows.
# Why: a match replaces the whole value, and short strings occur inside unrelated words and
# codes ("Bo Ek" in "Bo Ekström", a phone typed as "%PDF-" in every PDF-related text). Six
# characters keeps every real e-mail address and phone number (the shortest, "a@b.se" and
# "090-12", are six) and full names of six letters or more; the person's own contact row and
# login are blanked whole regardless of this length.
MIN_IDENTIFYING_LENGTH = 6
# Apps whose rows are handled one by one below, never through the generic own-row scrub.
_SKIP_APPS = {"contenttypes", "sessions", "auth", "admin", "django_otp", "otp_totp", "axes"}
_OWN_MODELS_HANDLED_APART = {"audit.AuditEntry", "audit.ErasureRecord", "outbox.OutgoingEmail"}


@dataclass(frozen=True)
class PersonalFile:
    """A file field whose file was made by the person a row links to (``person``: ORM path to
    the login). ``delete_row``: the row only describes the file, so it goes with it."""

    model: str
    file_field: str
    person: str
    delete_row: bool


# Every file a person made, known by the row that records who uploaded it. Generated reports
# (reporting.ReportJob) are not here: a report is built from organisation data and names no
# contact person. Organisation logos belong to the organisation. test_gdpr checks that every
# FileField of the project is either here or in NOT_PERSONAL_FILES, so a new one needs a choice.
PERSONAL_FILES = (
    PersonalFile("activities.Attachment", "file", "uploaded_by", delete_row=True),
    PersonalFile("activities.MeetingDocument", "file", "uploaded_by", delete_row=True),
    PersonalFile("partners.Declaration", "document", "uploaded_by", delete_row=False),
    # A post's files are attached by its author when posting (spaces.services.posts).
    PersonalFile("spaces.Attachment", "file", "post__author", delete_row=True),
)
NOT_PERSONAL_FILES = {
    "reporting.ReportJob.file",
    "reporting.ReportJob.data_xlsx",
    "partners.Organisation.logo",
    "roadmap.PartnershipBranding.logo",  # the partnership's own logo, uploaded by the office
}


def _contact_model() -> type[models.Model]:
    return apps.get_model("partners", "ContactPerson")


def subject_hash(email: str) -> str:
    """Keyed hash of an e-mail address: identifies an erased person without naming them."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def identifying_strings(contact: Any) -> list[str]:
    """The strings that name this person, longest first, refusing those shorter than
    MIN_IDENTIFYING_LENGTH (first or last name alone are never used: "Berg" is not a person)."""
    found = {contact.full_name, contact.email, contact.phone}
    if contact.first_name and contact.last_name:
        found.add(f"{contact.last_name}, {contact.first_name}")
    user = contact.user
    if user is not None:
        found |= {user.username, user.email, user.get_full_name()}
    found = {s.strip() for s in found if s}
    return sorted(
        (s for s in found if len(s) >= MIN_IDENTIFYING_LENGTH), key=lambda s: (-len(s), s)
    )


# --- what belongs to the person ------------------------------------------------------------------


def _targets(contact: Any) -> list[models.Model]:
    return [contact] + ([contact.user] if contact.user is not None else [])


def _links_to(target: models.Model) -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, foreign key) of our apps that points at the target's model."""
    for model in apps.get_models():
        if model._meta.app_label in _SKIP_APPS or model._meta.proxy:
            continue
        if model._meta.label in _OWN_MODELS_HANDLED_APART:
            continue
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is type(target):
                yield model, fk


def own_rows(contact: Any) -> dict[type[models.Model], set[Any]]:
    """The person's rows: their contact row, their login, and every row with a foreign key to
    either, by model."""
    rows: dict[type[models.Model], set[Any]] = defaultdict(set)
    for target in _targets(contact):
        rows[type(target)].add(target.pk)
        for model, fk in _links_to(target):
            pks = model._base_manager.filter(**{fk.attname: target.pk}).values_list("pk", flat=True)
            rows[model].update(pks)
    return {model: pks for model, pks in rows.items() if pks}


def _row(obj: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {"model": obj._meta.label, "pk": obj.pk}
    for f in obj._meta.concrete_fields:
        if f.attname in ("password",):
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, models.fields.files.FieldFile):
            value = value.name or ""
        data[f.attname] = value
    return data


def _names(value: Any, strings: list[str]) -> bool:
    """Whether a value (text, or JSON anywhere inside) holds one of the strings."""
    if isinstance(value, str):
        lowered = value.lower()
        return any(s.lower() in lowered for s in strings)
    if isinstance(value, list):
        return any(_names(v, strings) for v in value)
    if isinstance(value, dict):
        return any(_names(v, strings) for v in value.values())
    return False


def _redact_whole(value: Any, strings: list[str]) -> Any:
    """The value with every text that names the person replaced whole by REDACTED (inside JSON:
    each such leaf). Never a replacement inside a text: what is left is never half a sentence
    that still points at them, and nothing outside the matching value changes."""
    if isinstance(value, str):
        return REDACTED if _names(value, strings) else value
    if isinstance(value, list):
        return [_redact_whole(v, strings) for v in value]
    if isinstance(value, dict):
        return {k: _redact_whole(v, strings) for k, v in value.items()}
    return value


def _audit_entries(contact: Any, rows: dict[type[models.Model], set[Any]]) -> Q:
    """Audit entries about the person's rows (also rows deleted since: their entries recorded the
    foreign key to the person), and entries the person made."""
    condition = Q(pk__in=[])
    for model, pks in rows.items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    for target in _targets(contact):
        for model, fk in _links_to(target):
            content_type = ContentType.objects.get_for_model(model)
            for old_or_new in (0, 1):
                condition |= Q(
                    content_type=content_type,
                    **{f"changes__{fk.attname}__{old_or_new}": target.pk},
                )
    if contact.user_id is not None:
        condition |= Q(actor_id=contact.user_id)
    return condition


def _emails_to(contact: Any) -> list[Any]:
    """Outbox mails with one of the person's addresses among the recipients (a whole recipient,
    not a part of one) or carrying a one-time link for their login."""
    email_model = apps.get_model("outbox", "OutgoingEmail")
    addresses = _addresses(contact)
    condition = Q(pk__in=[])
    for address in addresses:
        condition |= Q(to_text__icontains=address)
    if contact.user_id is not None:
        condition |= Q(link_user_id=contact.user_id)
    candidates = email_model._base_manager.annotate(to_text=Cast("to", models.TextField())).filter(
        condition
    )
    return [
        e
        for e in candidates
        if (contact.user_id is not None and e.link_user_id == contact.user_id)
        or {str(a).strip().lower() for a in e.to} & addresses
    ]


def _addresses(contact: Any) -> set[str]:
    found = {contact.email} | ({contact.user.email} if contact.user is not None else set())
    return {a.strip().lower() for a in found if a and a.strip()}
