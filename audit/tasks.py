"""Celery tasks of the audit trail (thin: the work is in audit.heads)."""

from celery import shared_task

from audit import heads


@shared_task
def export_heads() -> str:
    """The daily export of the chains' heads (CELERY_BEAT_SCHEDULE)."""
    return str(heads.export_heads())
