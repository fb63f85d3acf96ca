"""Import of the office's partner spreadsheet (CSV or XLSX) and export of lists.

The import is two-step and all-or-nothing: :func:`plan_import` reads every row, names each bad
row with its reason and describes what would be created or changed, touching nothing;
:func:`apply_import` re-plans the same bytes and, only when no row is bad, applies the plan in one
transaction through the services. Rows that match the database produce no change, so importing the
same file twice changes nothing.

Columns (one row per organisation and contact person; an organisation may span several rows):
see ``COLUMNS`` and docs/examples/partners-import.csv.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from klimatfardplan.spreadsheets import safe_cell
from partners import services
from partners.models import CommitmentSet, ContactPerson, Membership, Organisation
from partners.validators import hidden_characters, normalise_organisation_number
from roadmap.models import Challenge, PartnershipPeriod

if TYPE_CHECKING:
    from accounts.models import User

COLUMNS = [
    "organisation_number",
    "name",
    "kind",
    "sector",
    "employees",
    "website",
    "street_address",
    "postal_code",
    "city",
    "status",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_title",
    "contact_phone",
    "contact_roles",
    "period",
    "challenges",
    "commitment_status",
]
REQUIRED = ("organisation_number", "name", "kind")
ORG_FIELDS = (
    "name",
    "kind",
    "sector",
    "employees",
    "website",
    "street_address",
    "postal_code",
    "city",
)
ROLE_CODES = {
    "main": "is_main_contact",
    "huvudkontakt": "is_main_contact",
    "contributor": "is_survey_contributor",
    "bidrar": "is_survey_contributor",
    "submitter": "is_survey_submitter",
    "skickar": "is_survey_submitter",
    "communications": "is_communications",
    "kommunikation": "is_communications",
}


def _choice_lookup(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
    return lookup


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class OrganisationPlan:
    number: str
    values: dict[str, Any]
    status: str
    existing: Organisation | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    period: PartnershipPeriod | None = None
    challenges: list[Challenge] | None = None
    commitment_status: str = CommitmentSet.Status.DRAFT
    commitments_change: bool = False
    first_row: int = 0

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        if (
            self.changes
            or self.commitments_change
            or any(c.get("action") != "unchanged" for c in self.contacts)
        ):
            return "update"
        return "unchanged"


@dataclass
class ImportPlan:
    organisations: list[OrganisationPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and self.row_count > 0

    def count(self, action: str) -> int:
        return sum(1 for o in self.organisations if o.action == action)

    @property
    def contacts_to_add(self) -> int:
        return sum(
            1 for o in self.organisations for c in o.contacts if c.get("action") != "unchanged"
        )


# --- reading ----------------------------------------------------------------------------------


class ImportFileError(ValueError):
    pass


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """The data rows as dicts keyed by column name (header row required)."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _normalise_header(cells: Sequence[Any]) -> list[str]:
    return [str(c or "").strip().lower() for c in cells]


def _read_csv(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # Excel's "CSV" on Swedish Windows
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise ImportFileError(_("Filen är tom."))
    header = _normalise_header(rows[0])
    return [
        {header[i]: (cell or "").strip() for i, cell in enumerate(row) if i < len(header)}
        for row in rows[1:]
    ]


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise ImportFileError(_("Filen går inte att läsa som XLSX.")) from exc
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ImportFileError(_("Filen är tom."))
    header = _normalise_header(rows[0])

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    return [
        {header[i]: text(cell) for i, cell in enumerate(row) if i < len(header)}
        for row in rows[1:]
        if any(cell not in (None, "") for cell in row)
    ]


# --- planning ---------------------------------------------------------------------------------


def _hidden_character_errors(row: dict[str, str], columns: tuple[str, ...]) -> list[str]:
    """Names must be plain text (partners.validators.validate_plain_name): one error per column
    holding control, bidirectional-override or zero-width characters."""
    return [
        _("kolumnen %(column)s innehåller osynliga tecken eller styrtecken (%(chars)s)")
        % {"column": column, "chars": ", ".join(found)}
        for column in columns
        if (found := hidden_characters(row.get(column, "")))
    ]


def plan_import(content: bytes, filename: str) -> ImportPlan:
    plan = ImportPlan()
    try:
        rows = read_rows(content, filename)
    except ImportFileError as exc:
        plan.errors.append(RowError(1, str(exc)))
        return plan
    if rows:
        missing = [c for c in REQUIRED if c not in rows[0]]
        if missing:
            plan.errors.append(
                RowError(1, _("Kolumner saknas: %(columns)s.") % {"columns": ", ".join(missing)})
            )
            return plan
    rows = [r for r in rows if any(r.values())]
    plan.row_count = len(rows)
    if not rows:
        plan.errors.append(RowError(1, _("Filen innehåller inga rader.")))
        return plan

    kinds = _choice_lookup(Organisation.Kind.choices)
    statuses = _choice_lookup(Organisation.Status.choices)
    set_statuses = _choice_lookup(CommitmentSet.Status.choices)
    periods = {p.name.replace("–", "-"): p for p in PartnershipPeriod.objects.all()}
    challenges = {c.number: c for c in Challenge.objects.all()}
    existing_orgs = {o.organisation_number: o for o in Organisation.objects.all()}
    by_number: dict[str, OrganisationPlan] = {}
    emails_in_file: dict[tuple[str, str], int] = {}

    for index, row in enumerate(rows, start=2):  # row 1 is the header
        errors: list[str] = []

        def get(column: str, row: dict[str, str] = row) -> str:
            return row.get(column, "").strip()

        try:
            number = normalise_organisation_number(get("organisation_number"))
        except ValidationError as exc:
            errors.append(
                _("organisationsnummer %(value)r: %(reason)s")
                % {"value": get("organisation_number"), "reason": " ".join(exc.messages)}
            )
            number = ""
        name = get("name")
        if not name:
            errors.append(_("namn saknas"))
        errors += _hidden_character_errors(
            row, ("name", "contact_first_name", "contact_last_name", "contact_title")
        )
        kind = kinds.get(get("kind").lower(), "")
        if not kind:
            errors.append(
                _("okänd typ %(value)r (företag, organisation eller offentlig aktör)")
                % {"value": get("kind")}
            )
        status_text = get("status")
        status = statuses.get(status_text.lower(), "") if status_text else ""
        if status_text and not status:
            errors.append(_("okänd status %(value)r") % {"value": status_text})
        employees: int | None = None
        if get("employees"):
            try:
                employees = int(get("employees").replace(" ", ""))
                if employees < 0:
                    raise ValueError
            except ValueError:
                errors.append(
                    _("antal anställda %(value)r är inte ett heltal") % {"value": get("employees")}
                )
        website = get("website")
        if website:
            try:
                URLValidator()(website)
            except ValidationError:
                errors.append(
                    _("webbplatsen %(value)r är ingen giltig adress") % {"value": website}
                )
        values = {
            "name": name,
            "kind": kind,
            "sector": get("sector"),
            "employees": employees,
            "website": website,
            "street_address": get("street_address"),
            "postal_code": get("postal_code"),
            "city": get("city"),
        }

        contact: dict[str, Any] | None = None
        email = get("contact_email").lower()
        if email or get("contact_first_name") or get("contact_last_name"):
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    _("e-postadressen %(value)r är ogiltig") % {"value": get("contact_email")}
                )
            if not get("contact_first_name") or not get("contact_last_name"):
                errors.append(_("kontaktpersonens för- och efternamn krävs"))
            roles: dict[str, bool] = dict.fromkeys(services.ROLE_FIELDS, False)
            for code in filter(
                None, (r.strip().lower() for r in get("contact_roles").replace(";", ",").split(","))
            ):
                if code not in ROLE_CODES:
                    errors.append(_("okänd roll %(value)r") % {"value": code})
                else:
                    roles[ROLE_CODES[code]] = True
            if (number, email) in emails_in_file:
                errors.append(
                    _("%(email)s finns redan på rad %(row)s för samma organisation")
                    % {"email": email, "row": emails_in_file[(number, email)]}
                )
            emails_in_file[(number, email)] = index
            contact = {
                "first_name": get("contact_first_name"),
                "last_name": get("contact_last_name"),
                "email": email,
                "title": get("contact_title"),
                "phone": get("contact_phone"),
                **roles,
            }

        period = None
        picked: list[Challenge] | None = None
        set_status: str = CommitmentSet.Status.DRAFT
        if get("challenges"):
            period = periods.get(get("period").replace("–", "-"))
            if period is None:
                errors.append(_("okänd period %(value)r") % {"value": get("period")})
            picked = []
            for token in get("challenges").replace(",", ";").split(";"):
                token = token.strip()
                if not token:
                    continue
                if not token.isdigit() or int(token) not in challenges:
                    errors.append(_("okänd klimatutmaning %(value)r (1–21)") % {"value": token})
                else:
                    picked.append(challenges[int(token)])
            picked = sorted(set(picked), key=lambda c: c.number)
            status_value = get("commitment_status") or CommitmentSet.Status.DRAFT
            set_status = set_statuses.get(status_value.lower(), "")
            if not set_status:
                errors.append(_("okänd åtagandestatus %(value)r") % {"value": status_value})
            elif (
                set_status == CommitmentSet.Status.CONFIRMED
                and len(picked) < CommitmentSet.MIN_CHALLENGES
            ):
                errors.append(
                    _(
                        "en bekräftad åtagandeuppsättning behöver minst %(min)s utmaningar, raden har %(count)s"
                    )
                    % {"min": CommitmentSet.MIN_CHALLENGES, "count": len(picked)}
                )

        if number and number in by_number:
            org_plan = by_number[number]
            clashes = [
                k for k, v in values.items() if v not in ("", None) and v != org_plan.values.get(k)
            ]
            if clashes:
                errors.append(
                    _("uppgifterna %(fields)s skiljer sig från rad %(row)s för samma organisation")
                    % {"fields": ", ".join(clashes), "row": org_plan.first_row}
                )
            if (
                picked is not None
                and org_plan.challenges is not None
                and (
                    [c.pk for c in picked] != [c.pk for c in org_plan.challenges]
                    or period != org_plan.period
                )
            ):
                errors.append(
                    _("andra utmaningar än på rad %(row)s för samma organisation")
                    % {"row": org_plan.first_row}
                )
        if errors:
            plan.errors.append(RowError(index, "; ".join(errors)))
            continue
        if number not in by_number:
            by_number[number] = OrganisationPlan(
                number=number,
                values=values,
                status=status,
                existing=existing_orgs.get(number),
                first_row=index,
            )
            plan.organisations.append(by_number[number])
        org_plan = by_number[number]
        if contact:
            org_plan.contacts.append(contact)
        if picked is not None and org_plan.challenges is None:
            org_plan.challenges = picked
            org_plan.period = period
            org_plan.commitment_status = set_status

    if not plan.errors:
        _describe_changes(plan)
    return plan


def _describe_changes(plan: ImportPlan) -> None:
    """Compare the plan with the database: what would be created, changed or left alone."""
    existing_ids = [o.existing.pk for o in plan.organisations if o.existing]
    memberships = {
        (m.organisation_id, m.contact.email.lower()): m
        for m in Membership.objects.filter(organisation_id__in=existing_ids).select_related(
            "contact"
        )
    }
    known_emails = set(
        ContactPerson.objects.filter(
            email__in=[c["email"] for o in plan.organisations for c in o.contacts]
        ).values_list("email", flat=True)
    )
    sets = {
        (s.organisation_id, s.period_id): s
        for s in CommitmentSet.objects.filter(organisation_id__in=existing_ids).prefetch_related(
            "commitments"
        )
    }
    for org_plan in plan.organisations:
        org = org_plan.existing
        if org is not None:
            for key, value in org_plan.values.items():
                # Blank cells leave a field alone: a sparse sheet never erases data.
                if value in ("", None):
                    continue
                if getattr(org, key) != value:
                    org_plan.changes[key] = (getattr(org, key), value)
            if org_plan.status and org.status != org_plan.status:
                org_plan.changes["status"] = (org.status, org_plan.status)
        for contact in org_plan.contacts:
            membership = memberships.get((org.pk, contact["email"])) if org else None
            if membership is None:
                contact["action"] = "link" if contact["email"] in known_emails else "create"
            elif not membership.is_active or any(
                getattr(membership, k) != contact[k] for k in services.ROLE_FIELDS
            ):
                contact["action"] = "update"
            else:
                contact["action"] = "unchanged"
        if org_plan.challenges is not None and org_plan.period is not None:
            current = sets.get((org.pk, org_plan.period.pk)) if org else None
            if current is None:
                org_plan.commitments_change = True
            else:
                have = sorted(c.challenge_id for c in current.commitments.all())
                org_plan.commitments_change = have != [c.pk for c in org_plan.challenges] or (
                    current.status != org_plan.commitment_status
                )


# --- applying ---------------------------------------------------------------------------------


@transaction.atomic
def apply_import(content: bytes, filename: str, *, by: User | None) -> ImportPlan:
    """Apply the file if, and only if, every row is good. Returns the plan (with errors, if any)."""
    plan = plan_import(content, filename)
    if not plan.ok:
        return plan
    for org_plan in plan.organisations:
        if org_plan.action == "unchanged":
            continue
        org = org_plan.existing
        if org is None:
            org = services.create_organisation(
                by=by,
                organisation_number=org_plan.number,
                status=org_plan.status or Organisation.Status.PROSPECT,
                **org_plan.values,
            )
        else:
            data = {k: new for k, (_old, new) in org_plan.changes.items() if k != "status"}
            if data:
                org = services.update_organisation(
                    organisation=org, data=data, expected_version=org.version, by=by
                )
            if "status" in org_plan.changes:
                from django.utils import timezone

                services.change_organisation_status(
                    organisation=org,
                    status=org_plan.status,
                    changed_on=timezone.localdate(),
                    note=_("Import"),
                    by=by,
                )
        for contact in org_plan.contacts:
            if contact["action"] == "unchanged":
                continue
            membership = Membership.objects.filter(
                organisation=org, contact__email__iexact=contact["email"]
            ).first()
            if membership is None:
                services.add_contact(organisation=org, data=contact, by=by)
            else:
                for key in services.ROLE_FIELDS:
                    setattr(membership, key, contact[key])
                membership.is_active = True
                membership.save()
        if org_plan.commitments_change and org_plan.period and org_plan.challenges is not None:
            commitment_set = services.get_or_create_commitment_set(
                organisation=org, period=org_plan.period
            )
            current = {c.challenge_id: c for c in commitment_set.commitments.all()}
            entries = {
                c: services.CommitmentEntry(
                    plan=current[c.pk].plan if c.pk in current else "",
                    looking_for_partners=(
                        current[c.pk].looking_for_partners if c.pk in current else False
                    ),
                )
                for c in org_plan.challenges
            }
            services.save_commitments(
                commitment_set=commitment_set,
                entries=entries,
                expected_version=commitment_set.version,
                confirm=org_plan.commitment_status == CommitmentSet.Status.CONFIRMED,
                by=by,
            )
    return plan


# --- exporting --------------------------------------------------------------------------------


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM and semicolons, which Excel opens correctly with Swedish settings.
    Cells that a spreadsheet would run as formulas are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
