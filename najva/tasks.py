"""Celery tasks of the Najva outbox: thin, the work is in najva.services."""

from celery import shared_task

from najva import services


@shared_task(acks_late=True)
def deliver(registration_id: int) -> int:
    """Deliver one registration if it is still due (a duplicate task finds nothing to do)."""
    return services.deliver_due(pk=registration_id)


@shared_task
def sweep(limit: int = 1000) -> int:
    """Every 30 s (CELERY_BEAT_SCHEDULE): whatever is due and held by nobody, including rows
    whose task was lost or whose worker died mid-call (its lease ran out)."""
    return services.deliver_due(limit=limit)
