from celery import shared_task

from accounts.searches import searches_purge


@shared_task
def purge_searches() -> int:
    """The saved searches past their lifetime, deleted (accounts.searches)."""
    return searches_purge()
