"""Demo data for ``manage.py load_demo_data``: the 2025 report year with its narrative, a frozen
snapshot, and the partnership report (Swedish) built in-process (idempotent)."""

from __future__ import annotations

import random

from partners.models import Organisation
from reporting import services
from reporting.models import ReportJob, ReportYear

DEMO_YEAR = 2025

STORY_SV = """2025 var partnerskapets tredje år. Fler partner än någonsin redovisade sina utsläpp,
och flera gemensamma aktiviteter gick från idé till genomförande.

- Solceller på fler tak i kommunens och företagens fastigheter
- Gemensam upphandling av fossilfria transporter
- En partnerskapsdag med över hundra deltagare

Arbetet visar att **samarbete över organisationsgränser** ger resultat som ingen klarar ensam."""

STORY_EN = """2025 was the partnership's third year. More partners than ever reported their emissions,
and several joint activities went from idea to delivery.

- Solar panels on more roofs of municipal and company buildings
- Joint procurement of fossil-free transport
- A partnership day with more than a hundred participants

The work shows that **collaboration across organisations** achieves what nobody manages alone."""

CONCLUSIONS_SV = """Utsläppen i den jämförbara panelen minskar, men inte i den takt som 20 %-banan kräver.
De organisationer som satt egna mål minskar snabbare än de som inte har gjort det."""

WAY_FORWARD_SV = """Inför nästa period vill vi att alla partner sätter egna mål i linje med 20 %-banan,
och att fler aktiviteter riktar sig mot transporter och byggande, där utsläppen är störst."""


def create_demo(rng: random.Random, organisations: list[Organisation]) -> str:
    """Prepare the 2025 report year; build its partnership report when that is cheap (in-process)."""
    from accounts.models import User

    office = User.objects.filter(is_office_staff=True, is_active=True).order_by("pk").first()
    if office is None:
        return ""
    report_year, created = ReportYear.objects.get_or_create(
        year=DEMO_YEAR,
        defaults={
            "title": "Umeå klimatfärdplan – uppföljning 2025",
            "story_sv": STORY_SV,
            "story_en": STORY_EN,
            "conclusions_sv": CONCLUSIONS_SV,
            "way_forward_sv": WAY_FORWARD_SV,
        },
    )
    if report_year.snapshot_id is None:
        services.take_snapshot(report_year=report_year, by=office)
    built = ""
    from django.conf import settings

    already = ReportJob.objects.filter(
        report_year=report_year, kind=ReportJob.Kind.PARTNERSHIP, language="sv"
    ).exists()
    if settings.CELERY_TASK_ALWAYS_EAGER and not already:
        # The embedded default builds it here (about a second); with a broker, workers do. The
        # demo command runs in one transaction, so the on-commit publish would come too late.
        job = services.request_report(
            report_year=report_year, kind=ReportJob.Kind.PARTNERSHIP, language="sv", by=office
        )
        services.build_report(job_id=job.pk)
        job.refresh_from_db()
        built = f", partnership report {job.get_status_display().lower()}"
    return f"report year {DEMO_YEAR} ({'new' if created else 'existing'}){built}"
