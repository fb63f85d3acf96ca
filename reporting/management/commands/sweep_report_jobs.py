from typing import Any

from django.core.management.base import BaseCommand

from reporting import services


class Command(BaseCommand):
    help = (
        "Publish report jobs that never reached the broker and re-run jobs whose worker died "
        "(the same service Celery beat runs every minute; use from cron when beat is down)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.sweep_report_jobs()
        self.stdout.write(f"Report jobs published: {sent}")
