"""Thin Celery wrappers around the survey services."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def recompute_indicators() -> int:
    from surveys import indicators  # here: services enqueue this task (import cycle)

    return indicators.recompute_indicators()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def warm_followup_figures() -> None:
    from surveys.figures import cached  # here: services enqueue this task (import cycle)

    cached.warm()


@shared_task(acks_late=True)
def send_survey_reminders() -> int:
    from surveys import services  # here: services enqueue tasks (import cycle)

    return services.send_due_reminders()
