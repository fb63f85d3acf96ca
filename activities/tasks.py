"""Celery tasks of the activities app: thin, by primary key, one service each."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_meeting_invitations(meeting_id: int) -> int:
    from activities import services  # here: services enqueue this task (import cycle)

    return services.deliver_meeting_invitations(meeting_id=meeting_id)
