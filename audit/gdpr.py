"""GDPR for contact persons: export everything held about one person, erase a person, replay
erasures after a backup restore, and list contacts due for review under the retention rule.

Erasure anonymises instead of deleting rows that other records hang on (memberships, answers,
activity teams): the organisation's data stays, attributed to "raderad kontaktperson". Traces
of the person elsewhere are found by their identifying strings (name, e-mail, phone, username)
in every text column of every table, in generated files, and in login logs (security.md §0.5).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone

from audit.models import AuditEntry, ErasureRecord, RetentionSettings

logger = logging.getLogger(__name__)

REDACTED = "[raderad]"
# Apps whose tables are never searched (framework bookkeeping without free text about people).
_SKIP_APPS = {"contenttypes", "sessions", "auth", "admin", "django_otp", "otp_totp"}
_PDF_MAGIC = b"%PDF"


def _contact_model() -> type[models.Model]:
    return apps.get_model("partners", "ContactPerson")


def subject_hash(email: str) -> str:
    """Keyed hash of an e-mail address: identifies an erased person without naming them."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def identifying_strings(contact: Any) -> list[str]:
    """The strings that name this person, longest first (so "Anna Berg" goes before "Berg")."""
    found = {contact.full_name, contact.email, contact.phone}
    if contact.first_name and contact.last_name:
        found.add(f"{contact.last_name}, {contact.first_name}")
    user = contact.user
    if user is not None:
        found |= {user.username, user.email, user.get_full_name()}
    # Short strings would wipe unrelated text ("Ek", "Bo"): only what identifies.
    return sorted((s for s in found if s and len(s.strip()) >= 5), key=len, reverse=True)


# --- export -------------------------------------------------------------------------------------


def _row(obj: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {"model": obj._meta.label, "pk": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.attname in ("password",):
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, models.fields.files.FieldFile):
            value = value.name or ""
        data[field.attname] = value
    return data


def _related_rows(target: models.Model) -> Iterator[models.Model]:
    """Every row of our apps with a foreign key to ``target`` (the person or their login)."""
    for model in apps.get_models():
        if model._meta.app_label in _SKIP_APPS or model is AuditEntry:
            continue
        for field in model._meta.concrete_fields:
            remote = getattr(field, "related_model", None)
            if field.is_relation and remote is type(target):
                yield from model._base_manager.filter(**{field.attname: target.pk})


def export_person(*, contact: Any) -> dict[str, Any]:
    """Everything held about one contact person, as JSON-ready data (GDPR art. 15 and 20)."""
    user = contact.user
    targets: list[models.Model] = [contact] + ([user] if user is not None else [])
    related: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, Any]] = set()
    for target in targets:
        for obj in _related_rows(target):
            key = (obj._meta.label, obj.pk)
            if key not in seen:
                seen.add(key)
                related.setdefault(obj._meta.label, []).append(_row(obj))
    audit = (
        AuditEntry.objects.annotate(changes_text=Cast("changes", models.TextField()))
        .filter(_audit_condition(contact))
        .order_by("at")
    )
    login_log: list[dict[str, Any]] = []
    if user is not None:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessLog, AccessAttempt, AccessFailureLog):
            login_log += [_row(o) for o in model.objects.filter(username=user.username)]
    emails = [_row(e) for e in _emails_to(identifying_strings(contact))]
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
        "emails": emails,
    }
    # A round trip through JSON: dates and decimals become strings now, not in the view.
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def _audit_condition(contact: Any) -> Q:
    contact_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(
        type(contact)
    )
    condition = Q(content_type=contact_type, object_id=str(contact.pk))
    if contact.user_id is not None:
        condition |= Q(actor_id=contact.user_id)
    for text in identifying_strings(contact):
        condition |= Q(object_repr__icontains=text) | Q(changes_text__icontains=text)
    return condition


def _emails_to(strings: list[str]) -> Iterable[models.Model]:
    email_model = apps.get_model("outbox", "OutgoingEmail")
    condition = Q(pk__in=[])
    for text in strings:
        condition |= (
            Q(to_text__icontains=text) | Q(subject__icontains=text) | Q(body__icontains=text)
        )
    found: Iterable[models.Model] = email_model.objects.annotate(
        to_text=Cast("to", models.TextField())
    ).filter(condition)
    return found


# --- erasure ------------------------------------------------------------------------------------


@dataclass
class ErasureReport:
    rows_scrubbed: int = 0
    files_removed: int = 0
    login_log_rows: int = 0
    sessions: int = 0


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.primary_key
        and not f.choices
    ]


def _scrub_value(value: Any, strings: list[str]) -> Any:
    if isinstance(value, str):
        for text in strings:
            if text.lower() in value.lower():
                value = _replace_case_insensitive(value, text, REDACTED)
        return value
    if isinstance(value, list):
        return [_scrub_value(v, strings) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v, strings) for k, v in value.items()}
    return value


def _replace_case_insensitive(value: str, needle: str, replacement: str) -> str:
    lower, target = value.lower(), needle.lower()
    out, start = [], 0
    while (index := lower.find(target, start)) != -1:
        out.append(value[start:index])
        out.append(replacement)
        start = index + len(needle)
    out.append(value[start:])
    return "".join(out)


def _scrub_database(strings: list[str]) -> int:
    """Replace the person's identifying strings in every text column of every table."""
    changed = 0
    for model in apps.get_models():
        if model._meta.app_label in _SKIP_APPS or model._meta.proxy:
            continue
        fields = _text_fields(model)
        if not fields:
            continue
        condition = Q(pk__in=[])
        annotations = {}
        for field in fields:
            if isinstance(field, models.JSONField):
                alias = f"_gdpr_{field.attname}"
                annotations[alias] = Cast(field.attname, models.TextField())
                lookup = alias
            else:
                lookup = field.attname
            for text in strings:
                condition |= Q(**{f"{lookup}__icontains": text})
                if isinstance(field, models.JSONField):  # JSON text escapes non-ASCII
                    escaped = json.dumps(text)[1:-1]
                    if escaped != text:
                        condition |= Q(**{f"{lookup}__icontains": escaped})
        for obj in model._base_manager.annotate(**annotations).filter(condition):
            updates = {}
            for field in fields:
                old = getattr(obj, field.attname)
                new = _scrub_value(old, strings)
                if new != old:
                    if isinstance(field, models.CharField) and field.max_length:
                        new = new[: field.max_length]
                    updates[field.attname] = new
            if updates:
                # A plain UPDATE: no save() side effects (auto_now, signals) on the scrubbed rows;
                # audit entries of the scrub would copy the very values being removed.
                model._base_manager.filter(pk=obj.pk).update(**updates)
                changed += 1
    return changed


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def file_text(path: Path) -> str:
    """The text of a stored file as far as we can read it: PDFs through their text layer."""
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="ignore")
    if raw.startswith(_PDF_MAGIC):
        try:
            from pypdf import PdfReader

            text += "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
        except Exception:  # a damaged PDF: its raw bytes were searched above
            logger.info("Could not read the text of %s; searched its bytes only.", path.name)
    return text


def _remove_files_naming(strings: list[str]) -> int:
    """Delete stored files that name the person; clear the fields that pointed at them.

    Generated reports are rebuilt from the (now anonymised) data on the next request: their job
    goes back to PENDING. Uploaded documents that name the person are removed too: the office
    is told in the erasure summary and may upload a redacted copy.
    """
    removed = 0
    lowered = [s.lower() for s in strings]
    for model, field in _file_fields():
        for obj in model._base_manager.exclude(**{field.attname: ""}).exclude(
            **{f"{field.attname}__isnull": True}
        ):
            stored = getattr(obj, field.attname)
            try:
                path = Path(stored.path)
            except (NotImplementedError, ValueError):
                continue
            if not path.exists():
                continue
            text = file_text(path).lower()
            if not any(s in text for s in lowered):
                continue
            stored.storage.delete(stored.name)
            updates: dict[str, Any] = {field.attname: ""}
            if model._meta.label == "reporting.ReportJob":
                updates["status"] = "pending"
            model._base_manager.filter(pk=obj.pk).update(**updates)
            removed += 1
    # Files no row points at any more (left by a replaced upload or a crashed job) count too.
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file() and any(s in file_text(path).lower() for s in lowered):
                path.unlink()
                removed += 1
    return removed


def _end_sessions(user_id: int) -> int:
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def erase_person(*, contact: Any, by: Any) -> ErasureReport:
    """Erase a contact person (GDPR art. 17): anonymise them and every trace that names them.

    Safe to call twice. The ledger keeps a keyed hash of the e-mail for :func:`replay_erasures`.
    The audit trail records that an erasure happened, never the erased values.
    """
    from audit import services
    from audit.registry import suspended

    with suspended():
        report = _erase(contact=contact, by=by)
    services.record(instance=contact, action="update", changes={"gdpr": [None, REDACTED]})
    return report


def _erase(*, contact: Any, by: Any) -> ErasureReport:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    report = ErasureReport()
    strings = identifying_strings(contact)
    digest = subject_hash(contact.email)
    ErasureRecord.objects.get_or_create(subject_hash=digest, defaults={"erased_by": by})
    _append_to_ledger_file(digest)
    user = contact.user
    if user is not None:
        for model in (AccessLog, AccessAttempt, AccessFailureLog):
            report.login_log_rows += model.objects.filter(username=user.username).delete()[0]
        report.sessions = _end_sessions(user.pk)
        TOTPDevice.objects.filter(user=user).delete()
    # Audit entries about the person themselves: every value goes, not just the strings.
    contact_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(
        type(contact)
    )
    about = AuditEntry.objects.filter(content_type=contact_type, object_id=str(contact.pk))
    for entry in about:
        redacted = {k: [REDACTED if o is not None else None, REDACTED if n is not None else None]
                    for k, (o, n) in entry.changes.items()}  # fmt: skip
        AuditEntry.objects.filter(pk=entry.pk).update(changes=redacted, object_repr=REDACTED)
    if user is not None:
        AuditEntry.objects.filter(actor=user).update(actor_label=REDACTED)
    report.rows_scrubbed = _scrub_database(strings)
    report.files_removed = _remove_files_naming(strings)
    # The person's own rows last (their strings were needed above).
    contact_model = type(contact)
    contact_model._base_manager.filter(pk=contact.pk).update(
        first_name="Raderad",
        last_name="kontaktperson",
        title="",
        email=f"raderad-{contact.pk}@raderad.invalid",
        phone="",
        user=None,
    )
    apps.get_model("partners", "Membership")._base_manager.filter(contact_id=contact.pk).update(
        is_active=False, is_main_contact=False, is_survey_submitter=False
    )
    if user is not None:
        user_model = type(user)
        user_model._base_manager.filter(pk=user.pk).update(
            username=f"raderad-{user.pk}",
            first_name="",
            last_name="",
            email="",
            is_active=False,
            password="!",  # noqa: S106  # an unusable hash: nobody can log in as them
        )
    contact.refresh_from_db()
    return report


def ledger_file() -> Path:
    """The erasure ledger outside the database: a restored (older) database does not hold the
    erasures made after its backup, this file does. One hex digest per line, nothing else."""
    return Path(
        getattr(settings, "GDPR_ERASURE_LEDGER", Path(settings.VAR_DIR) / "gdpr-erasures.txt")
    )


def _append_to_ledger_file(digest: str) -> None:
    path = ledger_file()
    known = set(path.read_text().split()) if path.exists() else set()
    if digest not in known:
        with path.open("a") as handle:
            handle.write(digest + "\n")


def replay_erasures() -> int:
    """After restoring a backup: erase again everyone in the ledger who came back."""
    ledger = set(ErasureRecord.objects.values_list("subject_hash", flat=True))
    if ledger_file().exists():
        ledger |= set(ledger_file().read_text().split())
    erased = 0
    for contact in _contact_model()._base_manager.select_related("user"):
        if subject_hash(contact.email) in ledger:  # type: ignore[attr-defined]
            erase_person(contact=contact, by=None)
            erased += 1
    return erased


# --- retention ------------------------------------------------------------------------------------


def contacts_due_for_review(*, today: Any = None) -> list[dict[str, Any]]:
    """Contacts whose organisations have all left the partnership, longer ago than the office's
    retention period (RetentionSettings.review_after_days)."""
    organisation_model = apps.get_model("partners", "Organisation")
    status_change = apps.get_model("partners", "OrganisationStatusChange")
    membership = apps.get_model("partners", "Membership")
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=RetentionSettings.current().review_after_days)
    left = organisation_model.Status.LEFT
    left_on: dict[int, Any] = {}
    for row in status_change.objects.filter(status=left).values("organisation_id", "changed_on"):
        previous = left_on.get(row["organisation_id"])
        if previous is None or row["changed_on"] > previous:
            left_on[row["organisation_id"]] = row["changed_on"]
    rows: dict[int, dict[str, Any]] = {}
    memberships = membership.objects.select_related("contact", "organisation").exclude(
        contact__email__endswith="@raderad.invalid"
    )
    for m in memberships:
        entry = rows.setdefault(
            m.contact_id,
            {"contact": m.contact, "organisations": [], "all_left": True, "left_on": None},
        )
        entry["organisations"].append(m.organisation)
        if m.organisation.status != left or m.organisation_id not in left_on:
            entry["all_left"] = False
        else:
            day = left_on[m.organisation_id]
            entry["left_on"] = day if entry["left_on"] is None else max(entry["left_on"], day)
    return sorted(
        (e for e in rows.values() if e["all_left"] and e["left_on"] and e["left_on"] <= cutoff),
        key=lambda e: e["left_on"],
    )
