"""Celery tasks of the audit trail (thin: the work is in audit.heads and audit.chain)."""

from celery import shared_task

from audit import chain, files, heads


@shared_task
def seal() -> dict:
    """Every minute (CELERY_BEAT_SCHEDULE): seal what the sealer at commit left (a process that
    died between a record's commit and its sealing)."""
    return chain.seal_all()


@shared_task
def export_heads() -> str:
    """The daily export of the chains' heads (CELERY_BEAT_SCHEDULE)."""
    return str(heads.export_heads())


@shared_task
def verify_stored_files() -> dict:
    """Every night (CELERY_BEAT_SCHEDULE): every stored upload against its row and the trail
    (audit.files). Each problem is an ERROR log line (the alarm); the run that finds any is a
    security event naming them."""
    from audit import services as audit
    from audit.models import Event

    checked, problems = files.stored_file_problems()
    if problems:
        audit.record(
            by=None,
            kind=Event.Kind.SECURITY,
            action="stored_files_check_failed",
            label=f"بررسی شبانه فایل‌ها: {len(problems)} فایل خراب یا دست‌خورده",
            changes=[
                audit.change(problem.label, "", f"{problem.name}: {problem.problem}", field="file")
                for problem in problems[:50]
            ],
        )
    return {"checked": checked, "problems": len(problems)}
