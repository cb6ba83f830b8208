"""Background work of step 7. Thin: load by id, ask, send."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import permissions
from accounts.roles import Capability
from notices import services as notices
from shared.persian import digits_to_persian

logger = logging.getLogger(__name__)


def queue_not_found_notice(entry) -> None:
    """Tell the case's supervisors that a person on an order was not found: written with the
    record, sent once it commits, kept until sent (notices.services)."""
    notices.later("enforcement.tasks.notify_not_found", entry.pk)


@shared_task
@notices.job
def notify_not_found(entry_id: int) -> int:
    """One message to each supervisor who may order again; returns how many were queued."""
    from enforcement.models import OrderedPerson

    entry = OrderedPerson.objects.select_related("order__case__province", "subject__person").get(
        pk=entry_id
    )
    case = entry.order.case
    number = digits_to_persian(case.number)
    link = settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.number])
    subject = f"پرونده {number}: شخص مشمول دستور اخراج یافت نشد"
    body = "\n".join(
        [
            f"{entry.subject.person.full_name}، مشمول دستور اخراج "
            f"{digits_to_persian(entry.order.number)}، یافت نشد.",
            f"توضیح رابط انتظامی: {entry.note}",
            "می‌توانید برای این شخص دستور اخراج تازه صادر کنید.",
            f"پرونده: {link}#enforcement",
        ]
    )
    users = permissions.users_who_may(
        get_user_model().objects.all(), Capability.SUPERVISE_CASE, case
    )
    sent = 0
    for user in users:
        if user.email:
            notices.mail(user.email, subject, body)
            sent += 1
    return sent
