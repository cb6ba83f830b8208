"""Celery tasks of the notices' outbox: thin, the work is in notices.services."""

from celery import shared_task

from notices import services


@shared_task(acks_late=True)
def run(notice_id: int) -> int:
    """Do one notice if it is still due (a duplicate task finds nothing to do)."""
    return services.run_due(pk=notice_id)


@shared_task
def sweep(limit: int = 1000) -> int:
    """Every 30 s (CELERY_BEAT_SCHEDULE): the notices whose task was lost (the broker was down
    when they were queued), whose worker died (their lease ran out) or whose retry is due; and
    the done ones past a month deleted."""
    services.purge()
    return services.run_due(limit=limit)
