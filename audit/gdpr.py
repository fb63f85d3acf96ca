"""GDPR for contact persons: export everything held about one person, erase a person, replay
erasures after a backup restore, and list contacts due for review under the retention rule.

Erasure anonymises instead of deleting rows that other records hang on (memberships, answers,
activity teams): the organisation's data stays, attributed to "raderad kontaktperson".

What belongs to the person is found through links in the database, never by searching file
contents or every table for their name (security.md §9): a contact with the phone "%PDF-" once
made an erasure delete every PDF, and a name that is a common phrase would scrub other people's
text. The person's rows are their contact row, their login, and every row with a foreign key to
either (memberships, posts they wrote, answers they submitted...); their files are the ones
those rows record them as uploading (PERSONAL_FILES). Inside their own rows a value that holds
one of their identifying strings is replaced whole, never cut into. Logs that name them are
reached the same way: audit entries and admin-log entries about their rows or made by them,
outbox mails addressed to them, axes rows under their username or e-mail, their sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone

from audit.models import AuditEntry, ErasureRecord, RetentionSettings

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
