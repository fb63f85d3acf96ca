"""Planning an import: rows checked and compared with the registry, nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from partners import services
from partners.importing.plan import (
    REQUIRED,
    ROLE_CODES,
    ImportPlan,
    OrganisationPlan,
    RowError,
    _choice_lookup,
)
from partners.importing.reading import ImportFileError, read_rows
from partners.models import CommitmentSet, ContactPerson, Membership, Organisation
from partners.validators import hidden_characters, normalise_organisation_number
from roadmap.models import Challenge, PartnershipPeriod

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


def _cell(row: dict[str, str], column: str) -> str:
    return row.get(column, "").strip()


@dataclass
class _Lookups:
    """What every row is checked against, read once per file."""

    kinds: dict[str, str]
    statuses: dict[str, str]
    set_statuses: dict[str, str]
    periods: dict[str, PartnershipPeriod]
    challenges: dict[int, Challenge]
    existing_orgs: dict[str, Organisation]

    @classmethod
    def read(cls) -> _Lookups:
        return cls(
            kinds=_choice_lookup(Organisation.Kind.choices),
            statuses=_choice_lookup(Organisation.Status.choices),
            set_statuses=_choice_lookup(CommitmentSet.Status.choices),
            periods={p.name.replace("–", "-"): p for p in PartnershipPeriod.objects.all()},
            challenges={c.number: c for c in Challenge.objects.all()},
            existing_orgs={o.organisation_number: o for o in Organisation.objects.all()},
        )


def _plan_rows(content: bytes, filename: str, plan: ImportPlan) -> list[dict[str, str]]:
    """The file's non-empty rows; none, with the reason in ``plan.errors``, when the file cannot
    be read, lacks a required column or has no rows."""
    try:
        rows = read_rows(content, filename)
    except ImportFileError as exc:
        plan.errors.append(RowError(1, str(exc)))
        return []
    if rows:
        missing = [c for c in REQUIRED if c not in rows[0]]
        if missing:
            plan.errors.append(
                RowError(1, _("Kolumner saknas: %(columns)s.") % {"columns": ", ".join(missing)})
            )
            return []
    rows = [r for r in rows if any(r.values())]
    plan.row_count = len(rows)
    if not rows:
        plan.errors.append(RowError(1, _("Filen innehåller inga rader.")))
    return rows


def plan_import(content: bytes, filename: str) -> ImportPlan:
    plan = ImportPlan()
    rows = _plan_rows(content, filename, plan)
    if not rows:
        return plan

    lookups = _Lookups.read()
    by_number: dict[str, OrganisationPlan] = {}
    emails_in_file: dict[tuple[str, str], int] = {}

    for index, row in enumerate(rows, start=2):  # row 1 is the header
        errors: list[str] = []
        number, values, status = _organisation_values(row, errors, lookups)
        contact = _contact(row, errors, number=number, index=index, emails_in_file=emails_in_file)
        period, picked, set_status = _commitments(row, errors, lookups)
        if number and number in by_number:
            errors += _clashes(by_number[number], values, picked, period)
        if errors:
            plan.errors.append(RowError(index, "; ".join(errors)))
            continue
        if number not in by_number:
            by_number[number] = OrganisationPlan(
                number=number,
                values=values,
                status=status,
                existing=lookups.existing_orgs.get(number),
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


def _organisation_values(
    row: dict[str, str], errors: list[str], lookups: _Lookups
) -> tuple[str, dict[str, Any], str]:
    """The row's organisation number, its organisation's fields and its status; what is wrong
    goes to ``errors``."""

    def get(column: str) -> str:
        return _cell(row, column)

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
    kind = lookups.kinds.get(get("kind").lower(), "")
    if not kind:
        errors.append(
            _("okänd typ %(value)r (företag, organisation eller offentlig aktör)")
            % {"value": get("kind")}
        )
    status_text = get("status")
    status = lookups.statuses.get(status_text.lower(), "") if status_text else ""
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
            errors.append(_("webbplatsen %(value)r är ingen giltig adress") % {"value": website})
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
    return number, values, status


def _contact(
    row: dict[str, str],
    errors: list[str],
    *,
    number: str,
    index: int,
    emails_in_file: dict[tuple[str, str], int],
) -> dict[str, Any] | None:
    """The row's contact person, if it names one; what is wrong goes to ``errors``."""

    def get(column: str) -> str:
        return _cell(row, column)

    email = get("contact_email").lower()
    if not (email or get("contact_first_name") or get("contact_last_name")):
        return None
    try:
        validate_email(email)
    except ValidationError:
        errors.append(_("e-postadressen %(value)r är ogiltig") % {"value": get("contact_email")})
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
    return {
        "first_name": get("contact_first_name"),
        "last_name": get("contact_last_name"),
        "email": email,
        "title": get("contact_title"),
        "phone": get("contact_phone"),
        **roles,
    }


def _commitments(
    row: dict[str, str], errors: list[str], lookups: _Lookups
) -> tuple[PartnershipPeriod | None, list[Challenge] | None, str]:
    """The row's period, challenges (None when it names none) and commitment status; what is
    wrong goes to ``errors``."""

    def get(column: str) -> str:
        return _cell(row, column)

    period = None
    picked: list[Challenge] | None = None
    set_status: str = CommitmentSet.Status.DRAFT
    if get("challenges"):
        period = lookups.periods.get(get("period").replace("–", "-"))
        if period is None:
            errors.append(_("okänd period %(value)r") % {"value": get("period")})
        picked = []
        for token in get("challenges").replace(",", ";").split(";"):
            token = token.strip()
            if not token:
                continue
            if not token.isdigit() or int(token) not in lookups.challenges:
                errors.append(_("okänd klimatutmaning %(value)r (1–21)") % {"value": token})
            else:
                picked.append(lookups.challenges[int(token)])
        picked = sorted(set(picked), key=lambda c: c.number)
        status_value = get("commitment_status") or CommitmentSet.Status.DRAFT
        set_status = lookups.set_statuses.get(status_value.lower(), "")
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
    return period, picked, set_status


def _clashes(
    org_plan: OrganisationPlan,
    values: dict[str, Any],
    picked: list[Challenge] | None,
    period: PartnershipPeriod | None,
) -> list[str]:
    """A later row of an organisation already in the file must not contradict the first."""
    errors = []
    clashes = [k for k, v in values.items() if v not in ("", None) and v != org_plan.values.get(k)]
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
    return errors


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
