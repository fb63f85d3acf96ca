"""Partners: organisations, their contact persons and memberships, status history, group
relations, declarations of intent (avsiktsförklaringar) and commitments to the 21 challenges."""

from __future__ import annotations

from partners.models.commitments import (
    Commitment,
    CommitmentChange,
    CommitmentQuerySet,
    CommitmentSet,
    Declaration,
    declaration_upload_to,
    private_storage,
)
from partners.models.organisations import (
    ContactPerson,
    GroupRelation,
    Membership,
    Organisation,
    OrganisationStatusChange,
)

__all__ = [
    "Commitment",
    "CommitmentChange",
    "CommitmentQuerySet",
    "CommitmentSet",
    "ContactPerson",
    "Declaration",
    "GroupRelation",
    "Membership",
    "Organisation",
    "OrganisationStatusChange",
    "declaration_upload_to",
    "private_storage",
]
