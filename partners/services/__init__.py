"""Writes of the partners app: the registry of who is in the partnership (organisations, their
contact persons and status history), what each signed (declarations of intent) and which
challenges each took on (commitment sets). Every write that touches more than one row lives
here, runs in a transaction, and is safe to repeat: calling it again with the same input
changes nothing.
"""

from __future__ import annotations

from partners.services.commitments import (
    CommitmentEntry,
    get_or_create_commitment_set,
    record_declaration,
    save_commitments,
)
from partners.services.contacts import (
    DETAIL_FIELDS,
    IDENTITY_FIELDS,
    MSG_ADDRESS_OF_LOGIN,
    MSG_ALREADY_SIGNED_UP,
    MSG_DETAILS_LOCKED,
    MSG_IDENTITY_LOCKED,
    MSG_INVITE_LOCKED,
    MSG_LOGIN_EXISTS,
    MSG_LOGIN_INACTIVE,
    MSG_LOGIN_NO_EMAIL,
    MSG_PERSON_KNOWN,
    MSG_ROLES_LOCKED,
    add_contact,
    contact_changes,
    invite_contact,
    remove_contact,
    sync_login,
    update_contact,
)
from partners.services.errors import (
    MSG_ALREADY_CONTACT,
    MSG_CONCURRENT_EDIT,
    MSG_DUPLICATE_NUMBER,
    MSG_PERIOD_CLOSED,
    MSG_TOO_FEW_CHALLENGES,
    ConcurrentEditError,
)
from partners.services.organisations import (
    CONTACT_FIELDS,
    ORGANISATION_FIELDS,
    ROLE_FIELDS,
    add_group_relation,
    change_organisation_status,
    create_organisation,
    remove_group_relation,
    update_organisation,
)

__all__ = [
    "CONTACT_FIELDS",
    "DETAIL_FIELDS",
    "IDENTITY_FIELDS",
    "MSG_ADDRESS_OF_LOGIN",
    "MSG_ALREADY_CONTACT",
    "MSG_ALREADY_SIGNED_UP",
    "MSG_CONCURRENT_EDIT",
    "MSG_DETAILS_LOCKED",
    "MSG_DUPLICATE_NUMBER",
    "MSG_IDENTITY_LOCKED",
    "MSG_INVITE_LOCKED",
    "MSG_LOGIN_EXISTS",
    "MSG_LOGIN_INACTIVE",
    "MSG_LOGIN_NO_EMAIL",
    "MSG_PERIOD_CLOSED",
    "MSG_PERSON_KNOWN",
    "MSG_ROLES_LOCKED",
    "MSG_TOO_FEW_CHALLENGES",
    "ORGANISATION_FIELDS",
    "ROLE_FIELDS",
    "CommitmentEntry",
    "ConcurrentEditError",
    "add_contact",
    "add_group_relation",
    "change_organisation_status",
    "contact_changes",
    "create_organisation",
    "get_or_create_commitment_set",
    "invite_contact",
    "record_declaration",
    "remove_contact",
    "remove_group_relation",
    "save_commitments",
    "sync_login",
    "update_contact",
    "update_organisation",
]
