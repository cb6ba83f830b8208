"""Background work about cases. Thin: load by id, ask a selector, send."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import permissions
from accounts.roles import Capability
from audit.models import Event
from cases.models import Case
from cases.selectors.intake import open_cases_naming
from cases.selectors.notices import next_actors
from cases.trail import CaseEvent
from notices import services as notices
from shared.persian import digits_to_persian


@shared_task
@notices.job
def notify_next_actors(event_id: int) -> int:
    """Tell each user who must take the next step on the case this event moved, with a link to
    the case and, after a return or refusal, its reason. Returns the number of e-mails written
    (each kept until sent).

    Runs after commit. When the case has moved again before this runs, the newer event's notice
    speaks for it.
    """
    event = Event.objects.get(pk=event_id)
    case = Case.objects.select_related("province").get(pk=event.case_id)
    moved_since = case.events.filter(pk__gt=event.pk, kind__in=[CaseEvent.OPENED, CaseEvent.STEP])
    if moved_since.exists():
        return 0
    number = digits_to_persian(case.number)
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
        lines.append(f"پرونده: {_case_link(case)}")
        notices.mail(user.email, subject, "\n".join(lines))
        sent += 1
    return sent


def _case_link(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.number])


def _supervisors(case: Case):
    return permissions.users_who_may(
        get_user_model().objects.all(), Capability.SUPERVISE_CASE, case
    ).exclude(email="")


@shared_task
@notices.job
def notify_open_case_elsewhere(case_id: int) -> int:
    """A case was opened, after the expert confirmed it, on persons named on other open cases:
    tell the supervisors of the new case, and those of each open case (another province's, or
    the same), each about their own case only. Returns the number of e-mails
    written (each kept until sent)."""
    case = Case.objects.select_related("province").get(pk=case_id)
    others = [
        c for c in open_cases_naming(case.subjects.values("person_id")) if c.case_id != case.pk
    ]
    if not others:
        return 0
    sent = 0
    number = digits_to_persian(case.number)
    lines = [f"پرونده {number} در استان {case.province} ثبت شد، با تأیید کارشناس، در حالی که:"]
    lines += [f"- {c.person_name} پرونده باز در استان {c.province} دارد." for c in others]
    lines.append(f"پرونده: {_case_link(case)}")
    for user in _supervisors(case):
        notices.mail(user.email, f"پرونده {number}: پرونده دوم برای یک شخص", "\n".join(lines))
        sent += 1
    told = {user.pk for user in _supervisors(case)}
    for other in Case.objects.filter(pk__in={c.case_id for c in others}).select_related("province"):
        names = sorted({c.person_name for c in others if c.case_id == other.pk})
        other_number = digits_to_persian(other.number)
        body = "\n".join(
            [
                f"استان {case.province} برای {'، '.join(names)} پرونده تازه ثبت کرد؛ "
                f"پرونده {other_number} شما درباره همین شخص باز است.",
                "برای هماهنگی با آن استان تماس بگیرید.",
                f"پرونده شما: {_case_link(other)}",
            ]
        )
        for user in _supervisors(other).exclude(pk__in=told):
            notices.mail(user.email, f"پرونده {other_number}: پرونده دوم در استان دیگر", body)
            sent += 1
    return sent
