from celery import shared_task


@shared_task(acks_late=True)
def send_password_reset(email: str) -> int:
    """Look up the logins of a reset request and mail them (accounts.services)."""
    from accounts import services  # here: services enqueue this task (import cycle)

    return services.send_password_reset(email=email)
