"""Annual reports (issue 6): building every organisation's report with 2 worker processes, the
per-report time, and peak worker memory, beside WeasyPrint rendering the identical HTML saved as
a static file in the same run.

Scale: 55 organisations (``--scale small``), and both 55 and 1,000 (``--scale full``; about
5 minutes on 2 cores). The 2-worker batch runs the task's build step (``reporting.documents.build_from_data``
and the deterministic file store, as ``services.build_report`` does) in a pool of 2 processes:
the embedded path, no broker. The workers are spawned (their memory is their own, as a Celery
worker's) and get the snapshot once; rows are bookkept in the parent, because the benchmark's
database may be an in-memory SQLite that other processes cannot open.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.harness import Row, percentile
from bench.scenarios import Context

YEAR = 2025
SAMPLE = 8  # reports timed one by one through the real service, beside the bare renderer


def seed(organisations: int, rng: random.Random) -> list[int]:
    """N organisations with commitments, activities, meetings and stored survey figures."""
    from activities.lead import refresh_lead
    from activities.models import Activity, Meeting, MeetingAttendance, Participation
    from partners.models import Commitment, CommitmentSet, Organisation
    from partners.tests.factories import organisation_number
    from roadmap.models import Challenge, Goal, PartnershipPeriod
    from surveys.models import Indicator, IndicatorValue

    period = PartnershipPeriod.objects.get(start_year=2023)
    start = 900_000
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Bänkpartner {i:04d} AB",
            organisation_number=organisation_number(start + i),
            kind=Organisation.Kind.COMPANY,
            status=Organisation.Status.ACTIVE,
        )
        for i in range(organisations)
    )
    orgs = list(Organisation.objects.filter(name__startswith="Bänkpartner").order_by("pk"))
    sets = CommitmentSet.objects.bulk_create(
        CommitmentSet(organisation=o, period=period, status=CommitmentSet.Status.CONFIRMED)
        for o in orgs
    )
    challenges = list(Challenge.objects.all())
    Commitment.objects.bulk_create(
        Commitment(commitment_set=s, challenge=c, plan="Vi minskar utsläppen steg för steg.")
        for s in sets
        for c in rng.sample(challenges, 5)
    )
    activities = Activity.objects.bulk_create(
        Activity(
            title=f"Gemensam aktivitet {i}",
            kind=Activity.Kind.INITIATIVE,
            purpose="Att minska utsläppen tillsammans.",
            goal="Minskade utsläpp",
            start_date=dt.date(YEAR, 1 + i % 6, 1),
            end_date=dt.date(YEAR, 7 + i % 6, 28),
            lifecycle=rng.choice(["planned", "ongoing", "completed"]),
            is_shared=i % 2 == 0,
            outcome="Fler partner deltog än väntat.",
        )
        for i in range(max(10, organisations // 10))
    )
    Participation.objects.bulk_create(
        Participation(activity=a, organisation=o, is_lead=index == 0)
        for a in activities
        for index, o in enumerate(rng.sample(orgs, min(5, len(orgs))))
    )
    refresh_lead()  # bulk_create sends no signals
    meetings = []
    for i in range(8):
        starts = dt.datetime(YEAR, 1 + i, 10, 9, tzinfo=dt.UTC)
        meetings.append(
            Meeting(
                kind=Meeting.Kind.PARTNERSHIP_DAY,
                title=f"Träff {i + 1}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                status=Meeting.Status.HELD,
            )
        )
    Meeting.objects.bulk_create(meetings)
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=m, organisation=o)
        for m in meetings
        for o in rng.sample(orgs, len(orgs) // 2)
    )
    emissions, _ = Indicator.objects.get_or_create(
        key="bench_emissions",
        defaults={
            "goal": Goal.objects.get(code="impact-1"),
            "name_sv": "Utsläpp scope 1 + 2 (bänk)",
            "kind": "quantitative",
            "direction": "decrease",
            "source": "survey_field",
            "aggregation": "emissions",
            "unit": "t CO2e",
        },
    )
    likert = [
        Indicator.objects.get_or_create(
            key=f"bench_enabling_{n}",
            defaults={
                "goal": Goal.objects.get(code="enabling"),
                "name_sv": f"Påstående {n} om partnerskapet",
                "kind": "qualitative",
                "direction": "increase",
                "source": "survey_field",
                "aggregation": "likert",
            },
        )[0]
        for n in range(1, 7)
    ]
    values = []
    for year in range(2022, YEAR + 1):
        values.append(
            IndicatorValue(
                indicator=emissions,
                year=year,
                value=Decimal(100_000 - 8_000 * (year - 2022)),
                n=organisations,
                n_total=organisations,
                details={"path": 100_000 * 0.8 ** (year - 2022)},
            )
        )
    for indicator in likert:
        values.append(
            IndicatorValue(
                indicator=indicator,
                year=YEAR,
                value=Decimal(60),
                n=organisations,
                n_total=organisations,
                distribution={"1": 5, "2": 15, "3": 20, "4": 35, "5": 25},
                details={"top2": 60, "bottom2": 20, "median": 4, "n_dont_know": 0},
            )
        )
    for org in orgs:
        base = rng.uniform(100, 5000)
        for year in range(2022, YEAR + 1):
            values.append(
                IndicatorValue(
                    indicator=emissions,
                    year=year,
                    organisation=org,
                    value=Decimal(round(base * 0.9 ** (year - 2022), 1)),
                    n=1,
                    n_total=1,
                    details={"path": base * 0.8 ** (year - 2022)},
                )
            )
        for indicator in likert:
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    year=YEAR,
                    organisation=org,
                    value=Decimal(rng.randint(1, 5)),
                    n=1,
                    n_total=1,
                )
            )
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    return [o.pk for o in orgs]


def run(ctx: Context) -> list[Row]:
    return _in_own_storage(ctx, 55 if ctx.scale == "small" else 1000)


def run_55(ctx: Context) -> list[Row]:
    """Today's partnership, about 55 organisations (the full scale runs this besides 1,000)."""
    return _in_own_storage(ctx, 55)


def _in_own_storage(ctx: Context, organisations: int) -> list[Row]:
    from django.conf import settings
    from django.core.files.storage import storages
    from django.test import override_settings

    private = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    # The reports go to a throw-away folder: override_settings also resets the storage handler.
    own_storage = override_settings(
        STORAGES={
            **settings.STORAGES,
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": private, "base_url": None},
            },
        }
    )
    with own_storage:
        assert Path(storages["private"].location) == private
        return _run(ctx, private, organisations)


def _run(ctx: Context, private: Path, organisations: int) -> list[Row]:
    import weasyprint

    from reporting import documents, services
    from reporting.models import ReportJob, ReportYear
    from reporting.pdf import BASE_URL, make_url_fetcher

    rng = random.Random(6)
    org_ids = seed(organisations, rng)
    office = ctx.users["office"]
    report_year = ReportYear.objects.create(year=YEAR, story_sv="Ett år av **samarbete**.")
    start = time.perf_counter()
    snapshot = services.take_snapshot(report_year=report_year, by=office)
    snapshot_ms = (time.perf_counter() - start) * 1000
    jobs = ReportJob.objects.bulk_create(
        ReportJob(
            report_year=report_year,
            snapshot=snapshot,
            kind=ReportJob.Kind.ORGANISATION,
            organisation_id=org_id,
            language="sv",
        )
        for org_id in org_ids
    )
    scale = f"{organisations} organisations"
    rows = [
        Row(
            "reporting",
            "freeze the year's snapshot",
            scale,
            snapshot_ms,
            snapshot_ms,
            note=f"{len(snapshot.data['organisations'])} organisations in it",
        )
    ]

    # Per report: the real service (task body: claim, render, XLSX, store, DONE) versus WeasyPrint
    # alone rendering the identical HTML saved as a static file.
    from reporting import pdf

    pdf.render_html_to_pdf("<p>warm</p>")
    html_dir = Path(tempfile.mkdtemp(prefix="bench-report-html-"))
    service_ms, renderer_ms = [], []
    for job in jobs[:SAMPLE]:
        started = time.perf_counter()
        services.build_report(job_id=job.pk)
        service_ms.append((time.perf_counter() - started) * 1000)
        html = documents.render_html(
            snapshot.data, kind="organisation", language="sv", organisation_id=job.organisation_id
        )
        path = html_dir / f"{job.pk}.html"
        path.write_text(html, encoding="utf-8")
        started = time.perf_counter()
        weasyprint.HTML(
            filename=str(path), base_url=BASE_URL, url_fetcher=make_url_fetcher()
        ).write_pdf()
        renderer_ms.append((time.perf_counter() - started) * 1000)
    service_median = statistics.median(service_ms)
    renderer_median = statistics.median(renderer_ms)
    ratio = service_median / renderer_median
    rows.append(
        Row(
            "reporting",
            "one organisation report: whole task (services.build_report)",
            scale,
            service_median,
            percentile(service_ms, 0.95),
            ratio=ratio,
            target="≤ 1.5× renderer",
            ok=ratio <= 1.5,
            note="× = over WeasyPrint on the same HTML file",
        )
    )
    rows.append(
        Row(
            "reporting",
            "WeasyPrint alone on the identical HTML (static file)",
            scale,
            renderer_median,
            percentile(renderer_ms, 0.95),
        )
    )

    # The batch: every other report on 2 worker processes.
    rest = jobs[SAMPLE:]
    work = [(job.organisation_id or 0, job.base_name()) for job in rest]
    context = multiprocessing.get_context("spawn")
    from bench import report_worker

    with context.Pool(
        2, initializer=report_worker.init_worker, initargs=(snapshot.data, str(private))
    ) as pool:
        pool.map(report_worker.ready, [0, 1])  # both workers started and warmed up
        started = time.perf_counter()
        results = pool.map(report_worker.build_one, work, chunksize=1)
        wall = time.perf_counter() - started
    ReportJob.objects.filter(pk__in=[j.pk for j in rest]).update(
        status=ReportJob.Status.DONE, finished_at=dt.datetime.now(dt.UTC)
    )
    per_report = [ms for ms, _ in results]
    peak_mib = max(rss for _, rss in results) / 1024
    rate = len(rest) / wall
    single_rate = 1000 / renderer_median
    share = rate / (2 * single_rate)
    files = sum(1 for _ in private.rglob("*.pdf"))
    rows.append(
        Row(
            "reporting",
            f"build all organisation reports on 2 processes ({len(rest)} reports, wall {wall:.1f} s)",
            scale,
            wall * 1000 / len(rest),
            percentile(per_report, 0.95),
            ratio=share,
            target="≥ 0.8 of 2× single-render rate",
            ok=share >= 0.8,
            note=f"pool of 2 spawned processes running the task's build step, embedded path, no broker; {rate:.2f} reports/s; × = share of 2× renderer rate; {files} PDFs",
        )
    )
    rows.append(
        Row(
            "reporting",
            "peak worker memory (max RSS of a worker process)",
            scale,
            peak_mib,
            peak_mib,
            target="≤ 300 MB",
            ok=peak_mib <= 300,
            note="MiB, not ms",
        )
    )
    return rows
