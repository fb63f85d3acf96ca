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

from audit.gdpr.erasure import ErasureReport, erase_person, ledger_file, replay_erasures
from audit.gdpr.export import export_person
from audit.gdpr.personal import (
    MIN_IDENTIFYING_LENGTH,
    NOT_PERSONAL_FILES,
    PERSONAL_FILES,
    REDACTED,
    PersonalFile,
    identifying_strings,
    logger,
    own_rows,
    subject_hash,
)
from audit.gdpr.retention import ERASED_EMAIL_DOMAIN, DueForReview, contacts_due_for_review

__all__ = [
    "ERASED_EMAIL_DOMAIN",
    "MIN_IDENTIFYING_LENGTH",
    "NOT_PERSONAL_FILES",
    "PERSONAL_FILES",
    "REDACTED",
    "DueForReview",
    "ErasureReport",
    "PersonalFile",
    "contacts_due_for_review",
    "erase_person",
    "export_person",
    "identifying_strings",
    "ledger_file",
    "logger",
    "own_rows",
    "replay_erasures",
    "subject_hash",
]
