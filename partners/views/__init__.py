"""Views of the partners app: thin translations of HTTP into selectors and services."""

from __future__ import annotations

from partners.views.commitments import (
    commitment_export,
    commitment_matrix,
    commitments_edit,
    declaration_download,
    declaration_edit,
)
from partners.views.contacts import contact_create, contact_invite, contact_remove, contact_update
from partners.views.groupings import grouping_detail, grouping_export, grouping_list
from partners.views.imports import import_preview, import_upload
from partners.views.organisations import (
    MyOrganisationsView,
    OrganisationListView,
    group_relation_add,
    group_relation_remove,
    organisation_create,
    organisation_detail,
    organisation_export,
    organisation_status,
    organisation_update,
)
from partners.views.shared import XLSX_TYPE

__all__ = [
    "XLSX_TYPE",
    "MyOrganisationsView",
    "OrganisationListView",
    "commitment_export",
    "commitment_matrix",
    "commitments_edit",
    "contact_create",
    "contact_invite",
    "contact_remove",
    "contact_update",
    "declaration_download",
    "declaration_edit",
    "group_relation_add",
    "group_relation_remove",
    "grouping_detail",
    "grouping_export",
    "grouping_list",
    "import_preview",
    "import_upload",
    "organisation_create",
    "organisation_detail",
    "organisation_export",
    "organisation_status",
    "organisation_update",
]
