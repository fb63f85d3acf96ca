"""Exports of activities and meetings as CSV or XLSX: the same rows, two encodings.

Each export runs a fixed number of queries (rows from selectors, then two prefetch-style reads
for the names of organisations and challenges)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import AnyUser
from activities import selectors
from activities.models import Meeting
from klimatfardplan.spreadsheets import safe_cell


def activity_rows(
    *, visible_to: AnyUser, filters: selectors.ActivityFilters | None = None
) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("ID"),
        _("Titel"),
        _("Typ"),
        _("Status"),
        _("Uppföljning"),
        _("Manuell signal"),
        _("Ej uppdaterad"),
        _("Start"),
        _("Slut"),
        _("Leds av"),
        _("Arbetsgrupp"),
        _("Klimatutmaningar"),
        _("Delmål"),
        _("Delmål klara"),
        _("Senaste statusuppdatering"),
        _("Synlig för alla partner"),
    ]
    activities = selectors.with_signals(
        list(selectors.list_activities(visible_to=visible_to, filters=filters))
    )
    rows = []
    for a in activities:
        team = [p.organisation.name for p in a.participations.all()]
        rows.append(
            [
                a.pk,
                a.title,
                a.get_kind_display(),
                a.get_lifecycle_display(),
                a.signal.label if a.signal else "",  # type: ignore[attr-defined]
                _("ja") if a.signal_override else "",
                _("ja") if a.is_stale else "",  # type: ignore[attr-defined]
                a.start_date.isoformat(),
                a.end_date.isoformat(),
                a.lead_name or "",  # type: ignore[attr-defined]
                "; ".join(team),
                "; ".join(str(c.number) for c in a.challenges.all()),
                a.ms_total,  # type: ignore[attr-defined]
                a.ms_done,  # type: ignore[attr-defined]
                timezone.localtime(a.last_status_update_at).strftime("%Y-%m-%d %H:%M")
                if a.last_status_update_at
                else "",
                _("ja") if a.is_shared else _("nej"),
            ]
        )
    return header, rows


def meeting_rows(
    *, visible_to: AnyUser, year: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("ID"),
        _("Typ"),
        _("Rubrik"),
        _("Börjar"),
        _("Slutar"),
        _("Plats"),
        _("Arrangör"),
        _("Status"),
        _("Deltagande organisationer"),
    ]
    meetings: Iterable[Meeting] = selectors.list_meetings(visible_to=visible_to, year=year)
    rows = [
        [
            m.pk,
            m.get_kind_display(),
            m.title,
            timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(m.ends_at).strftime("%Y-%m-%d %H:%M"),
            m.place,
            m.organiser.name if m.organiser else _("Kansliet"),
            m.get_status_display(),
            m.attending_organisations,  # type: ignore[attr-defined]
        ]
        for m in meetings
    ]
    return header, rows


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Swedish Excel expects semicolons
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8 correctly


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    from openpyxl import Workbook  # imported here: only exports need it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
