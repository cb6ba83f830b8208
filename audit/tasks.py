"""Celery tasks of the audit trail (thin: the work is in audit.heads and audit.chain)."""

from celery import shared_task

from audit import chain, heads


@shared_task
def seal() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): seal what the sealer at commit left (a process that
    died between a record's commit and its sealing)."""
    return chain.seal_all()


@shared_task
def export_heads() -> str:
    """The daily export of the chains' heads (CELERY_BEAT_SCHEDULE)."""
    return str(heads.export_heads())
