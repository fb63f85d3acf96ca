"""Celery tasks of the shared spaces: thin wrappers around services (house style §2.6)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def notify_new_post(post_id: int) -> int:
    from spaces import services  # here: services enqueue this task (import cycle)

    return services.notify_new_post(post_id=post_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def notify_new_comment(comment_id: int) -> int:
    from spaces import services  # here: services enqueue this task (import cycle)

    return services.notify_new_comment(comment_id=comment_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def notify_post_hidden(post_id: int) -> int:
    from spaces import services  # here: services enqueue this task (import cycle)

    return services.notify_post_hidden(post_id=post_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_weekly_digests() -> int:
    """Beat: Monday mornings. Idempotent per member and week (outbox dedupe keys). Also clears
    unsubscribe links that have expired, so their table does not grow with every mail."""
    from spaces import services

    services.delete_expired_unsubscribe_links()
    return services.send_weekly_digests()


@shared_task(acks_late=True)
def ensure_spaces() -> int:
    """Beat: create spaces for new challenges and new working groups."""
    from spaces import services

    return services.ensure_spaces()
