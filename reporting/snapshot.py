"""Freezing a report year: the year's figures, activities and narrative as one JSON document.

The PDFs and XLSX files render ONLY from this document, so a later edit of a commitment, an
activity or a survey answer never changes a report that was built (and published) before.

Shape (``SCHEMA_VERSION`` 1)::

    {"schema": 1, "year": 2025, "title": ..., "taken_at": iso, "period": {...},
     "include": {"emissions": bool, ...}, "narrative": {"sv": {...}, "en": {...}},
     "partnership": {"key_figures": {...}, "figures": {...}, "indicators": [...],
                     "enabling": [...], "commitments": {...}, "activities": {...},
                     "meetings": [...]},
     "organisations": {"<id>": {"name": ..., "figures": {...}, "commitments": [...],
                                "activities": [...], "meetings": {...}, "enabling": [...]}},
     "missing": ["surveys", ...]}   # sources not available when the snapshot was taken

Reads go through one query per source (``.values()`` rows), grouped in Python, so freezing 1,000
organisations costs the same number of queries as freezing 3. Survey figures come from the
surveys app's selectors (issue 5); when that app does not provide them, the section stays empty
and its name is listed in ``missing`` (the report then says "no data").
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from reporting import aggregations
from reporting.narrative import render_markdown

if TYPE_CHECKING:
    from reporting.models import ReportYear
    from roadmap.models import PartnershipPeriod

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
REPORTED_STATUSES = ("signed", "active", "paused")  # organisations that are partners this year
HIGHLIGHTS = 8


def _bilingual(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en or sv}


def _period_for(year: int) -> PartnershipPeriod | None:
    from roadmap.models import PartnershipPeriod

    return (
        PartnershipPeriod.objects.filter(start_year__lte=year, end_year__gte=year)
        .order_by("-start_year")
        .first()
        or PartnershipPeriod.objects.order_by("-start_year").first()
    )


def build_snapshot_data(report_year: ReportYear) -> dict[str, Any]:
    """Collect everything the year's reports show; the result is JSON-serialisable."""
    year = report_year.year
    period = _period_for(year)
    base_year = period.base_year if period else year - 1
    rate = float(period.annual_reduction_rate) if period else 0.2
    organisations = _organisations(year)
    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "year": year,
        "title": report_year.title,
        "taken_at": timezone.now().isoformat(),
        "period": {
            "name": period.name if period else "",
            "base_year": base_year,
            "rate": rate,
            "start_year": period.start_year if period else year,
            "end_year": period.end_year if period else year,
        },
        "include": {
            "emissions": report_year.include_emissions,
            "indicators": report_year.include_indicators,
            "enabling": report_year.include_enabling,
            "commitments": report_year.include_commitments,
            "activities": report_year.include_activities,
            "meetings": report_year.include_meetings,
        },
        "narrative": {
            language: {
                section: render_markdown(
                    getattr(report_year, f"{section}_{language}")
                    or getattr(report_year, f"{section}_sv")
                )
                for section in ("story", "conclusions", "way_forward")
            }
            for language in ("sv", "en")
        },
        "partnership": {},
        "organisations": {
            str(pk): {"id": pk, "name": name, "kind": kind} for pk, name, kind in organisations
        },
        "missing": [],
    }
    _add_commitments(data, period)
    _add_activities(data, year)
    _add_meetings(data, year)
    _add_surveys(data, year=year, base_year=base_year, rate=rate)
    partnership = data["partnership"]
    partnership["key_figures"] = {
        "organisations": len(organisations),
        "commitments": partnership["commitments"]["total"],
        "challenges_adopted": len(partnership["commitments"]["per_challenge"]),
        "activities": partnership["activities"]["total"],
        "activities_completed": partnership["activities"]["completed"],
        "meetings_held": len(partnership["meetings"]),
        # "svar" counts approved responses covering the data year; "panel" the like-for-like
        # panel (base year and data year, comparable, not inside another partner's report).
        "responding": partnership["figures"].get("responses"),
        "panel": partnership["figures"].get("panel"),
        # Which panel: scope 1 + 2 by the period's method, base year → data year.
        "panel_method": partnership["figures"].get("scope2_method"),
        "panel_base_year": partnership["figures"].get("base_year"),
        "panel_year": partnership["figures"].get("data_year"),
    }
    return data


def _organisations(year: int) -> list[tuple[int, str, str]]:
    """The organisations that were partners at some time during ``year``, by their status
    history: the status they had when the year began, or one they took during it. An
    organisation imported (or signed) this year is no partner of last year, and gets no
    report for it (issue 17). Rows without any history (made before the history existed)
    count by their current status."""
    from partners.models import Organisation, OrganisationStatusChange

    start, end = _year_bounds(year)
    history = OrganisationStatusChange.objects.filter(organisation=OuterRef("pk"))
    status_at_start = Subquery(
        history.filter(changed_on__lt=start).order_by("-changed_on", "-pk").values("status")[:1]
    )
    joined_during = Exists(
        history.filter(changed_on__gte=start, changed_on__lte=end, status__in=REPORTED_STATUSES)
    )
    return list(
        Organisation.objects.annotate(
            status_at_start=status_at_start,
            joined_during=joined_during,
            has_history=Exists(history),
        )
        .filter(
            Q(status_at_start__in=REPORTED_STATUSES)
            | Q(joined_during=True)
            | Q(has_history=False, status__in=REPORTED_STATUSES)
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "kind")
    )


def _add_commitments(data: dict[str, Any], period: PartnershipPeriod | None) -> None:
    from partners.models import Commitment

    rows = list(
        Commitment.objects.confirmed()
        .filter(commitment_set__period=period)
        .values(
            "commitment_set__organisation_id",
            "challenge__number",
            "challenge__name_sv",
            "challenge__name_en",
            "challenge__focus_area__code",
            "challenge__focus_area__name_sv",
            "challenge__focus_area__name_en",
            "plan",
        )
        .order_by("challenge__number")
    )
    per_challenge: dict[int, dict[str, Any]] = {}
    per_area: dict[str, dict[str, Any]] = {}
    organisations = data["organisations"]
    for org in organisations.values():
        org["commitments"] = []
    for row in rows:
        number = row["challenge__number"]
        name = _bilingual(row["challenge__name_sv"], row["challenge__name_en"])
        area = _bilingual(
            row["challenge__focus_area__name_sv"], row["challenge__focus_area__name_en"]
        )
        entry = per_challenge.setdefault(
            number, {"number": number, "name": name, "focus_area": area, "organisations": 0}
        )
        entry["organisations"] += 1
        area_entry = per_area.setdefault(
            row["challenge__focus_area__code"], {"name": area, "commitments": 0}
        )
        area_entry["commitments"] += 1
        org = organisations.get(str(row["commitment_set__organisation_id"]))
        if org is not None:
            org["commitments"].append(
                {"number": number, "name": name, "focus_area": area, "plan": row["plan"]}
            )
    data["partnership"]["commitments"] = {
        "total": len(rows),
        "per_challenge": sorted(per_challenge.values(), key=lambda e: e["number"]),
        "per_focus_area": list(per_area.values()),
    }


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _add_activities(data: dict[str, Any], year: int) -> None:
    from activities import followup
    from activities.models import Activity, Milestone, Participation

    first, last = _year_bounds(year)
    today = min(timezone.localdate(), last)
    activities = list(
        Activity.objects.filter(start_date__lte=last, end_date__gte=first)
        .exclude(lifecycle=Activity.Lifecycle.IDEA)
        .order_by("start_date", "title")
        .values(
            "pk",
            "title",
            "kind",
            "lifecycle",
            "start_date",
            "end_date",
            "outcome",
            "purpose",
            "is_shared",
            "signal_override",
        )
    )
    ids = [a["pk"] for a in activities]
    milestones: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for activity_id, due, done_on in Milestone.objects.filter(activity_id__in=ids).values_list(
        "activity_id", "due_date", "done_on"
    ):
        milestones[activity_id].append((due, done_on))
    participants: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for activity_id, org_id, is_lead in Participation.objects.filter(
        activity_id__in=ids
    ).values_list("activity_id", "organisation_id", "is_lead"):
        participants[activity_id].append((org_id, is_lead))
    organisations = data["organisations"]
    for org in organisations.values():
        org["activities"] = []
    entries = []
    for a in activities:
        computed = followup.compute_signal(
            today=today,
            lifecycle=a["lifecycle"],
            start_date=a["start_date"],
            end_date=a["end_date"],
            milestones=followup.MilestoneFacts.from_milestones(milestones[a["pk"]], today=today),
        )
        signal = followup.effective_signal(computed, a["signal_override"])
        entry: dict[str, Any] = {
            "title": a["title"],
            "kind": a["kind"],
            "lifecycle": a["lifecycle"],
            "signal": str(signal.value) if signal else "",
            "start_date": a["start_date"].isoformat(),
            "end_date": a["end_date"].isoformat(),
            "summary": (a["outcome"] or a["purpose"] or "")[:400],
            "is_shared": a["is_shared"],
            "organisations": len(participants[a["pk"]]),
        }
        entries.append(entry)
        for org_id, is_lead in participants[a["pk"]]:
            org = organisations.get(str(org_id))
            if org is not None:
                org["activities"].append({**entry, "is_lead": is_lead})
    by_status = aggregations.count_by(entries, keys=["lifecycle"])
    by_signal = aggregations.count_by([e for e in entries if e["signal"]], keys=["signal"])
    # Only activities shared with all partners are named in the partnership report.
    shared = [e for e in entries if e["is_shared"]]
    highlights = sorted(
        shared, key=lambda e: (e["lifecycle"] != "completed", -len(e["summary"]), e["title"])
    )[:HIGHLIGHTS]
    data["partnership"]["activities"] = {
        "total": len(entries),
        "completed": sum(1 for e in entries if e["lifecycle"] == "completed"),
        "by_status": aggregations.records(by_status),
        "by_signal": aggregations.records(by_signal),
        "highlights": highlights,
    }


def _add_meetings(data: dict[str, Any], year: int) -> None:
    from activities.models import Meeting, MeetingAttendance

    first, last = _year_bounds(year)
    meetings = list(
        Meeting.objects.filter(
            status=Meeting.Status.HELD, starts_at__date__gte=first, starts_at__date__lte=last
        )
        .order_by("starts_at")
        .values("pk", "title", "kind", "starts_at")
    )
    ids = [m["pk"] for m in meetings]
    attended: dict[int, set[int]] = defaultdict(set)
    for meeting_id, org_id in MeetingAttendance.objects.filter(
        meeting_id__in=ids, attended=True
    ).values_list("meeting_id", "organisation_id"):
        attended[meeting_id].add(org_id)
    organisations = data["organisations"]
    for org in organisations.values():
        org["meetings"] = {"attended": [], "held": len(meetings)}
    entries = []
    for m in meetings:
        entry = {
            "title": m["title"],
            "kind": m["kind"],
            "date": timezone.localtime(m["starts_at"]).date().isoformat(),
            "organisations": len(attended[m["pk"]]),
        }
        entries.append(entry)
        for org_id in attended[m["pk"]]:
            org = organisations.get(str(org_id))
            if org is not None:
                org["meetings"]["attended"].append(entry)
    data["partnership"]["meetings"] = entries


def _add_surveys(data: dict[str, Any], *, year: int, base_year: int, rate: float) -> None:
    """Emissions, indicators and enabling-goal answers from the surveys app (issue 5)."""
    partnership = data["partnership"]
    partnership.setdefault("figures", {"headline": [], "sums": [], "scope3": []})
    partnership.setdefault("indicators", [])
    partnership.setdefault("enabling", [])
    for org in data["organisations"].values():
        org.setdefault("figures", {"current": None, "series": [], "base_year": base_year})
        org.setdefault("enabling", [])
    from reporting import survey_source  # here: it imports the surveys app's selectors

    missing = survey_source.collect(data, year=year, base_year=base_year, rate=rate)
    data["missing"].extend(missing)


def emissions_frame(records_: list[dict[str, Any]]) -> pd.DataFrame:
    """Records ``{organisation, year, emissions}`` as the DataFrame the aggregations expect."""
    return pd.DataFrame.from_records(records_, columns=["organisation", "year", "emissions"])
