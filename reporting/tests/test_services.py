"""Services of the reporting app: narrative, snapshots, jobs (idempotency, retries, the sweep),
publishing, and a build request while the broker is down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.models import Activity
from partners.models import Commitment
from reporting import services
from reporting.models import ReportJob, ReportYear
from reporting.tests.brokers import broker_at
from reporting.tests.factories import YEAR, Seeded
from tests.fixtures import World

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there; the shared Redis is untouched


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_snapshot_freezes_figures_and_sanitised_narrative(
    world: World, report_year: ReportYear
) -> None:
    report_year.story_sv = "Bra år <script>alert(1)</script> **fet**"
    report_year.save()
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    data = snapshot.data
    assert data["partnership"]["key_figures"] == {
        "organisations": 4,
        "commitments": 10,
        "challenges_adopted": 9,
        "activities": 3,
        "activities_completed": 1,
        "meetings_held": 2,
        "responding": 4,  # approved responses covering 2025: A, B, C and D
        "panel": 3,  # A, B and D: C is inside A's report (factories.SCENARIO)
        # Which panel the count is (h17): scope 1 + 2 market-based, base year → data year.
        "panel_method": "market",
        "panel_base_year": 2022,
        "panel_year": 2025,
    }
    assert "<script>" not in data["narrative"]["sv"]["story"]
    assert "<strong>fet</strong>" in data["narrative"]["sv"]["story"]
    # English falls back to Swedish where the office wrote no English text.
    assert data["narrative"]["en"]["conclusions"] == "<p>Samarbetet bär frukt.</p>"
    # Only activities shared with all partners are named in the partnership report.
    titles = [h["title"] for h in data["partnership"]["activities"]["highlights"]]
    assert titles == ["Solceller på taken", "Cykelpendling vintertid"]
    org_a = data["organisations"][str(world.org_a.pk)]
    assert [c["number"] for c in org_a["commitments"]] == [1, 2, 3, 4, 5]
    assert org_a["meetings"]["held"] == 2
    assert len(org_a["meetings"]["attended"]) == 2
    # Its own scope 1 + scope 2 (market-based) per year: 4000 + 1000, 3600 + 1000, …
    assert [f["path_emissions"] for f in org_a["figures"]["series"]] == [5000, 4600, 4000, 3500]
    assert org_a["enabling"] == [{"key": "enabling_collaboration", "value": 5}]
    assert data["missing"] == []


def test_snapshot_never_changes_after_later_edits(
    world: World, report_year: ReportYear, seeded: Seeded
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    frozen = snapshot.data
    Commitment.objects.filter(commitment_set__organisation=world.org_b).delete()
    Activity.objects.update(title="Ändrad titel")
    world.org_a.name = "Nytt Namn AB"
    world.org_a.save()
    report_year.story_sv = "Helt ny berättelse"
    report_year.save()
    snapshot.refresh_from_db()
    assert snapshot.data == frozen
    assert snapshot.data["partnership"]["key_figures"]["commitments"] == 10
    assert snapshot.data["organisations"][str(world.org_a.pk)]["name"] == "Alfa Energi AB"


def test_update_report_year_detects_a_concurrent_edit(
    world: World, report_year: ReportYear
) -> None:
    stale_version = report_year.version
    services.update_report_year(
        report_year=report_year, by=world.office, version=stale_version, story_sv="Först"
    )
    with pytest.raises(ValidationError) as error:
        services.update_report_year(
            report_year=report_year, by=world.office, version=stale_version, story_sv="Sen"
        )
    assert error.value.code == "stale"
    report_year.refresh_from_db()
    assert report_year.story_sv == "Först"


def test_building_a_job_twice_leaves_one_file(
    world: World, report_year: ReportYear, private_storage: Path, django_capture_on_commit_callbacks
) -> None:
    services.take_snapshot(report_year=report_year, by=world.office)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_report(
            report_year=report_year, kind="partnership", language="sv", by=world.office
        )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.attempts == 1
    first_files = files_under(private_storage)
    # A redelivered task: nothing is rebuilt.
    services.build_report(job_id=job.pk)
    # Even forced to run again (as after a worker died), the same names are overwritten.
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.PENDING)
    services.build_report(job_id=job.pk)
    job.refresh_from_db()
    assert job.attempts == 2
    assert files_under(private_storage) == first_files
    assert first_files == [
        f"reports/{YEAR}/s{job.snapshot_id}/partnerskapet-sv.pdf",
        f"reports/{YEAR}/s{job.snapshot_id}/partnerskapet-sv.xlsx",
    ]


def test_asking_again_for_a_built_report_changes_nothing(
    world: World, report_year: ReportYear, django_capture_on_commit_callbacks
) -> None:
    services.take_snapshot(report_year=report_year, by=world.office)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_report(
            report_year=report_year, kind="partnership", language="sv", by=world.office
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = services.request_report(
            report_year=report_year, kind="partnership", language="sv", by=world.office
        )
    assert second.pk == first.pk
    assert callbacks == []
    assert ReportJob.objects.count() == 1


def test_a_failing_render_marks_the_job_failed_and_retry_builds_it(
    world: World,
    report_year: ReportYear,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    from reporting import documents

    services.take_snapshot(report_year=report_year, by=world.office)
    real_build = documents.build

    def broken(job: ReportJob) -> documents.BuiltReport:
        raise ValueError("trasig mall")

    monkeypatch.setattr(documents, "build", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_report(
            report_year=report_year, kind="partnership", language="sv", by=world.office
        )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "trasig mall" in job.error
    monkeypatch.setattr(documents, "build", real_build)
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_job(job=job, by=world.office)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.error == ""


def test_sweep_reruns_a_job_whose_worker_died(
    world: World, report_year: ReportYear, django_capture_on_commit_callbacks
) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    job = ReportJob.objects.create(
        report_year=report_year,
        snapshot=snapshot,
        kind="organisation",
        organisation=world.org_a,
        language="sv",
        status=ReportJob.Status.RUNNING,
        attempts=1,
        started_at=long_ago,
        published_at=long_ago,
        claimed_by="another-host:4242",
        heartbeat_at=timezone.now(),
    )
    # A RUNNING job within its lease belongs to a live worker: the task and the sweep leave it.
    assert services.build_report(job_id=job.pk).status == ReportJob.Status.RUNNING
    assert services.sweep_report_jobs() == 0
    # Its worker stops renewing the lease (killed): the sweep runs the job again.
    ReportJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    assert services.sweep_report_jobs() == 1
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.attempts == 2


def test_sweep_gives_up_after_max_attempts(world: World, report_year: ReportYear) -> None:
    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    job = ReportJob.objects.create(
        report_year=report_year,
        snapshot=snapshot,
        kind="partnership",
        language="sv",
        status=ReportJob.Status.RUNNING,
        attempts=services.MAX_ATTEMPTS,
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert services.sweep_report_jobs() == 0
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.error == str(services.WORKER_LOST)


def test_request_while_broker_is_down_saves_the_job_pending(
    world: World, report_year: ReportYear, django_capture_on_commit_callbacks
) -> None:
    services.take_snapshot(report_year=report_year, by=world.office)
    with broker_at(CLOSED_PORT), django_capture_on_commit_callbacks(execute=True):
        job = services.request_report(
            report_year=report_year, kind="partnership", language="sv", by=world.office
        )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.PENDING
    assert job.published_at is None  # never reached the broker: the sweep will publish it
    assert job.attempts == 0


def test_batch_fans_out_one_job_per_organisation(
    world: World, report_year: ReportYear, seeded: Seeded, django_capture_on_commit_callbacks
) -> None:
    services.take_snapshot(report_year=report_year, by=world.office)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.build_all_organisation_reports(
            report_year=report_year, language="sv", by=world.office
        )
    jobs = ReportJob.objects.filter(batches=batch)
    assert sorted(j.organisation_id or 0 for j in jobs) == sorted(
        [world.org_a.pk, world.org_b.pk, seeded.org_c.pk, seeded.org_d.pk]
    )
    assert {j.status for j in jobs} == {ReportJob.Status.DONE}
    # Building all again reuses the finished jobs instead of adding new ones.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.build_all_organisation_reports(
            report_year=report_year, language="sv", by=world.office
        )
    assert ReportJob.objects.count() == 4
    assert again.jobs.count() == 4
    assert batch.jobs.count() == 4  # the first batch still counts its own jobs


def test_publishing_needs_a_built_partnership_report(
    world: World, report_year: ReportYear, django_capture_on_commit_callbacks
) -> None:
    with pytest.raises(ValidationError) as error:
        services.publish_report_year(report_year=report_year, by=world.office)
    assert error.value.code == "no_snapshot"
    services.take_snapshot(report_year=report_year, by=world.office)
    with pytest.raises(ValidationError) as error:
        services.publish_report_year(report_year=report_year, by=world.office)
    assert error.value.code == "not_built"
    with django_capture_on_commit_callbacks(execute=True):
        services.request_report(
            report_year=report_year, kind="partnership", language="sv", by=world.office
        )
    services.publish_report_year(report_year=report_year, by=world.office)
    report_year.refresh_from_db()
    assert report_year.is_published
    with pytest.raises(ValidationError):
        services.take_snapshot(report_year=report_year, by=world.office)


def test_worker_settings_suit_long_idempotent_pdf_tasks(settings) -> None:
    from reporting import tasks

    assert tasks.build_report.acks_late is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    # Recycle on memory (300 MB), not every few tasks (that cost 16 % throughput).
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 300_000
    assert getattr(settings, "CELERY_WORKER_MAX_TASKS_PER_CHILD", None) is None
    # A killed worker's job runs again within a minute: its 30 s lease (renewed every 5 s while
    # it builds) expires, and the sweep, every 20 s, publishes it again.
    from reporting.models import HEARTBEAT, LEASE

    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-report-jobs"]
    assert sweep["task"] == tasks.sweep_report_jobs.name
    assert LEASE >= 3 * HEARTBEAT
    assert LEASE.total_seconds() + sweep["schedule"] <= 60


def test_sweep_command_publishes_a_job_saved_while_the_broker_was_down(
    world: World, report_year: ReportYear
) -> None:
    from io import StringIO

    from django.core.management import call_command

    snapshot = services.take_snapshot(report_year=report_year, by=world.office)
    job = ReportJob.objects.create(
        report_year=report_year, snapshot=snapshot, kind="partnership", language="sv"
    )
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    out = StringIO()
    call_command("sweep_report_jobs", stdout=out)
    assert "Report jobs published: 1" in out.getvalue()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE  # the embedded default ran it in-process
