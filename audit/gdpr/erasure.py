"""Erasure of a person (right to erasure), its ledger and replay after a restore."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from audit.gdpr.personal import (
    PERSONAL_FILES,
    REDACTED,
    _addresses,
    _audit_entries,
    _contact_model,
    _emails_to,
    _names,
    _redact_whole,
    identifying_strings,
    own_rows,
    subject_hash,
)
from audit.gdpr.retention import ERASED_EMAIL_DOMAIN
from audit.models import AuditEntry, ErasureRecord

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


def _scrub_own_rows(rows: dict[type[models.Model], set[Any]], strings: list[str]) -> int:
    """In the person's own rows, replace every value that names them, whole."""
    changed = 0
    for model, pks in rows.items():
        fields = _text_fields(model)
        if not fields:
            continue
        for obj in model._base_manager.filter(pk__in=pks).only("pk", *(f.attname for f in fields)):
            updates: dict[str, Any] = {}
            for f in fields:
                old = getattr(obj, f.attname)
                new = _redact_whole(old, strings)
                if new != old:
                    if isinstance(f, models.CharField) and f.unique:
                        new = f"{REDACTED}-{obj.pk}"
                    if isinstance(f, models.CharField) and f.max_length:
                        new = new[: f.max_length]
                    updates[f.attname] = new
            if updates:
                # A plain UPDATE: no save() side effects (auto_now, signals) on the scrubbed rows;
                # audit entries of the scrub would copy the very values being removed.
                model._base_manager.filter(pk=obj.pk).update(**updates)
                changed += 1
    return changed


def _scrub_audit_trail(
    contact: Any, rows: dict[type[models.Model], set[Any]], strings: list[str]
) -> int:
    contact_type = ContentType.objects.get_for_model(type(contact))
    user_type = ContentType.objects.get_for_model(type(contact.user)) if contact.user else None
    changed = 0
    for entry in AuditEntry.objects.filter(_audit_entries(contact, rows)):
        about_person = (entry.content_type_id, entry.object_id) in {
            (contact_type.pk, str(contact.pk)),
            (user_type.pk if user_type else None, str(contact.user_id)),
        }
        if about_person:  # every value of the person's own record goes, not just the matches
            changes = {k: [REDACTED if o is not None else None, REDACTED if n is not None else None]
                       for k, (o, n) in entry.changes.items()}  # fmt: skip
            object_repr = REDACTED
        else:
            changes = _redact_whole(entry.changes, strings)
            object_repr = _redact_whole(entry.object_repr, strings)
        actor_label = REDACTED if entry.actor_id and entry.actor_id == contact.user_id else None
        updates = {"changes": changes, "object_repr": object_repr}
        if actor_label:
            updates["actor_label"] = actor_label
        AuditEntry.objects.filter(pk=entry.pk).update(**updates)
        changed += 1
    return changed


def _scrub_admin_log(
    contact: Any, rows: dict[type[models.Model], set[Any]], strings: list[str]
) -> int:
    """django_admin_log. Entries about the person's rows lose their description and message.
    Entries the person made lose each value that names them. Other entries' change messages lose
    the names of the person's rows they mention (the organisation page's inline "added
    membership 'Anna Berg – Org'"): only JSON values equal to such a name, whole."""
    about = Q(pk__in=[])
    for model, pks in rows.items():
        content_type = ContentType.objects.get_for_model(model)
        about |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    changed = LogEntry.objects.filter(about).update(object_repr=REDACTED, change_message="")
    names = {str(o) for model, pks in rows.items() for o in model._base_manager.filter(pk__in=pks)}
    names = {n for n in names if _names(n, strings)} | set(strings)
    # The admin writes change messages as JSON with non-ASCII escaped: look for both spellings.
    mentions = Q(user_id=contact.user_id) if contact.user_id is not None else Q(pk__in=[])
    for text in names:
        escaped = json.dumps(text)[1:-1]
        mentions |= Q(change_message__icontains=escaped) | Q(change_message__icontains=text)
    for entry in LogEntry.objects.filter(mentions).exclude(about):
        try:
            message = json.loads(entry.change_message)
        except ValueError:
            message = entry.change_message
        object_repr = entry.object_repr
        cleaned = _redact_exact(message, names)
        if entry.user_id == contact.user_id:
            cleaned = _redact_whole(cleaned, strings)
            object_repr = _redact_whole(object_repr, strings)
        if cleaned != message or object_repr != entry.object_repr:
            text = cleaned if isinstance(cleaned, str) else json.dumps(cleaned)
            LogEntry.objects.filter(pk=entry.pk).update(
                change_message=text, object_repr=object_repr
            )
            changed += 1
    return changed


def _redact_exact(value: Any, texts: set[str]) -> Any:
    """JSON with each leaf that equals one of the texts (case-insensitively) replaced whole."""
    if isinstance(value, str):
        return REDACTED if value.strip().lower() in {t.lower() for t in texts} else value
    if isinstance(value, list):
        return [_redact_exact(v, texts) for v in value]
    if isinstance(value, dict):
        return {k: _redact_exact(v, texts) for k, v in value.items()}
    return value


def _scrub_outbox(contact: Any, strings: list[str]) -> int:
    email_model = apps.get_model("outbox", "OutgoingEmail")
    addresses = _addresses(contact)
    changed = 0
    for email in _emails_to(contact):
        others = [a for a in email.to if str(a).strip().lower() not in addresses]
        updates: dict[str, Any] = {"to": others or [REDACTED], "link_user": None}
        if not others:  # a mail to the person alone is about them: nothing of it is kept
            # headers: List-Unsubscribe carries the person's own unsubscribe link
            updates |= {"subject": REDACTED, "body": REDACTED, "html_body": "", "headers": {}}
            if email.status == email_model.Status.PENDING:  # never sent to an erased person
                updates |= {"status": email_model.Status.FAILED, "last_error": REDACTED}
        else:
            for name in ("subject", "body", "html_body"):
                updates[name] = _redact_whole(getattr(email, name), strings)
        if str(email.reply_to).strip().lower() in addresses:
            updates["reply_to"] = ""
        email_model._base_manager.filter(pk=email.pk).update(**updates)
        changed += 1
    return changed


def _remove_personal_files(user: Any, report: ErasureReport) -> None:
    """Delete the files the person uploaded (PERSONAL_FILES), and nothing else. The files go
    once the erasure is committed: a failed erasure leaves rows and files as they were."""
    for entry in PERSONAL_FILES:
        model = apps.get_model(entry.model)
        for obj in model._base_manager.filter(**{entry.person: user.pk}):
            stored = getattr(obj, entry.file_field)
            if stored:
                transaction.on_commit(partial(stored.storage.delete, stored.name))
                report.files_removed += 1
            if entry.delete_row:
                model._base_manager.filter(pk=obj.pk).delete()
            else:
                model._base_manager.filter(pk=obj.pk).update(**{entry.file_field: ""})


def _end_sessions(user_id: int) -> int:
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def erase_person(*, contact: Any, by: Any) -> ErasureReport:
    """Erase a contact person (GDPR art. 17): anonymise them and what links to them.

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
    from django_otp import devices_for_user

    report = ErasureReport()
    strings = identifying_strings(contact)
    digest = subject_hash(contact.email)
    ErasureRecord.objects.get_or_create(subject_hash=digest, defaults={"erased_by": by})
    _append_to_ledger_file(digest)
    user = contact.user
    # Login logs under any name the person logs in with (axes keeps what was typed).
    names = _addresses(contact) | ({user.username.lower()} if user is not None else set())
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        login_rows = Q(pk__in=[])
        for name in names:
            login_rows |= Q(username__iexact=name)
        report.login_log_rows += model.objects.filter(login_rows).delete()[0]
    if user is not None:
        report.sessions = _end_sessions(user.pk)
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        _remove_personal_files(user, report)
    rows = own_rows(contact)
    report.rows_scrubbed = (
        _scrub_own_rows(rows, strings)
        + _scrub_audit_trail(contact, rows, strings)
        + _scrub_admin_log(contact, rows, strings)
        + _scrub_outbox(contact, strings)
    )
    # The person's own record last (their strings and links were needed above).
    contact_model = type(contact)
    contact_model._base_manager.filter(pk=contact.pk).update(
        first_name="Raderad",
        last_name="kontaktperson",
        title="",
        email=f"raderad-{contact.pk}{ERASED_EMAIL_DOMAIN}",
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
