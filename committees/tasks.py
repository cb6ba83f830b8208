"""Background work of the working groups. Thin: load by id, call a service."""

from celery import shared_task
from celery.signals import worker_process_init

from committees import services


@worker_process_init.connect
def _warm_up_pdf(**kwargs) -> None:
    """Each worker process loads the PDF machinery and fonts before its first minutes."""
    from committees.minutes import warm_up

    warm_up()


@shared_task(bind=True, max_retries=3, default_retry_delay=10)
def make_minutes(self, session_id: int, version: int) -> bool:
    """Render and store the minutes of one version of a session; retried, then marked failed so
    that the page offers to try again instead of waiting for ever."""
    try:
        return services.minutes_make(session_id=session_id, version=version)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            services.minutes_failed(session_id=session_id, version=version)
            raise
        raise self.retry(exc=error) from error
