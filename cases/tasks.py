"""Background work about cases. Thin: load by id, ask a selector, send."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from audit.models import Event
from cases.models import Case
from cases.selectors import next_actors
from revocation.persian import digits_to_persian


@shared_task
def notify_next_actors(event_id: int) -> int:
    """Tell each user who must take the next step on the case this event moved, with a link to
    the case and, after a return or refusal, its reason. Returns the number of notices queued.

    Runs after commit. When the case has moved again before this runs, the newer event's notice
    speaks for it.
    """
    event = Event.objects.get(pk=event_id)
    case = Case.objects.select_related("province").get(pk=event.case_id)
    moved_since = case.events.filter(pk__gt=event.pk, kind__in=[Event.Kind.OPENED, Event.Kind.STEP])
    if moved_since.exists():
        return 0
    number = digits_to_persian(case.number)
    link = settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.number])
    subject = f"پرونده {number}: {case.get_state_display()}"
    sent = 0
    for user, steps in next_actors(case=case, exclude=event.actor_id).items():
        if not user.email:
            continue
        lines = [
            f"پرونده {number} ({case.province}) اکنون در وضعیت «{case.get_state_display()}» است.",
            f"اقدام شما: {'، '.join(step.label for step in steps)}",
        ]
        if event.reason:
            lines.append(f"دلیل «{event.label}»: {event.reason}")
        lines.append(f"پرونده: {link}")
        send_notice.delay(user.email, subject, "\n".join(lines))
        sent += 1
    return sent


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notice(email: str, subject: str, body: str) -> None:
    """One message to one person: a retry after a mail-server error re-sends only this one."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
