"""Background work about cases. Thin: load by id, call a service or a selector, send."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from cases.models import CaseEvent
from cases.selectors import case_available_actions, users_who_may_take
from revocation.persian import digits_to_persian


@shared_task
def notify_next_actors(event_id: int) -> int:
    """Queue a notice to each user who can take the next step on the case this event moved.

    Returns the number of notices queued. Runs after commit.
    When the case has moved again before this runs, the newer event's notice speaks for it.
    """
    event = CaseEvent.objects.select_related("case", "case__province").get(pk=event_id)
    case = event.case
    moved_since = case.events.filter(
        pk__gt=event.pk, kind__in=[CaseEvent.Kind.OPENED, CaseEvent.Kind.TRANSITION]
    )
    if moved_since.exists():
        return 0
    recipients: dict[str, list[str]] = {}
    for transition in case.get_all_state_transitions():
        if transition.source != case.state:
            continue
        for user in users_who_may_take(case=case, transition=transition):
            if user == event.actor or not user.email:
                continue  # the actor knows what they just did
            if transition in case_available_actions(case=case, user=user):
                recipients.setdefault(user.email, []).append(transition.custom["label"])
    number = digits_to_persian(case.number)
    subject = f"پرونده {number}: {case.get_state_display()}"
    for email, labels in recipients.items():
        body = (
            f"پرونده {number} ({case.province}) اکنون در وضعیت «{case.get_state_display()}» است.\n"
            f"اقدام‌های شما: {'، '.join(labels)}"
        )
        send_notice.delay(email, subject, body)
    return len(recipients)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notice(email: str, subject: str, body: str) -> None:
    """One message to one person: a retry after a mail-server error re-sends only this one."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
