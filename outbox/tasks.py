from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_email(email_id: int) -> None:
    from outbox import services  # here: services enqueue this task (import cycle)

    services.send_email(email_id=email_id)


@shared_task(acks_late=True)
def sweep_pending_emails() -> int:
    from outbox import services

    return services.sweep_pending_emails()
