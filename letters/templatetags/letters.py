"""The letters' parts of pages other apps own: each letter of a case and where it is, on the case
page; the letters waiting for the supervisor, on the work queue. The cases app knows nothing of
letters; its templates load these tags."""

from django import template
from django.utils.html import format_html, format_html_join

from accounts import permissions
from accounts.roles import Capability
from letters import selectors
from letters.models import Letter
from revocation.persian import jalali
from revocation.templatetags import bdi

register = template.Library()


def _user(context):
    return context.get("user") or getattr(context.get("request"), "user", None)


@register.inclusion_tag("letters/_case_part.html", takes_context=True)
def case_letters(context, case):
    """Each letter of the case: its addressee, number and where it is (waiting to be printed,
    printed, signed, in the post with its tracking number, delivered, returned), with the
    supervisor's buttons. Shown to whoever sees the case; the letter's own page to its readers."""
    user = _user(context)
    letters = selectors.case_part(case=case)
    for letter in letters:
        postings = list(letter.dispatches.all())  # prefetched
        letter.latest_dispatch = postings[-1] if postings else None
    return {
        "case": case,
        "letters": letters,
        "may_read": user is not None and permissions.may_read_letters(user),
        "may_act": user is not None and permissions.may(user, Capability.SUPERVISE_CASE, case),
    }


@register.inclusion_tag("letters/_queue_part.html", takes_context=True)
def letters_waiting(context):
    """For the supervisor: how many letters wait for them, per section (one query)."""
    user = _user(context)
    if user is None or not permissions.can(user, Capability.SUPERVISE_CASE):
        return {"shown": False}
    return {"shown": True, "counts": selectors.waiting_counts(user=user)}


# How each state is shown: the badge's style and its words.
BADGES = {
    Letter.Status.WAITING: ("secondary", "در انتظار چاپ"),
    Letter.Status.PRINTED: ("info", "چاپ‌شده"),
    Letter.Status.SIGNED: ("primary", "امضاشده"),
    Letter.Status.DISPATCHED: ("warning", "ارسال‌شده"),
    Letter.Status.DELIVERED: ("success", "تحویل‌شده"),
    Letter.Status.RETURNED: ("danger", "برگشتی"),
}


@register.filter
def whereabouts(letter):
    """``{{ letter|whereabouts }}``: where the letter is, its state and, once posted, the latest
    posting's day, tracking number and outcome (``letter.latest_dispatch``, set by the selectors).
    Made here rather than in a template: the print queue shows it for up to 250 letters."""
    status = letter.status
    style, label = BADGES[status]
    posting = getattr(letter, "latest_dispatch", None)
    if status == Letter.Status.PRINTED:
        detail = format_html("{}؛ در انتظار امضا", jalali(letter.printed_at))
    elif status == Letter.Status.SIGNED:
        detail = "آماده ارسال پستی"
    elif posting is None:
        detail = ""
    elif status == Letter.Status.DISPATCHED:
        detail = format_html(
            "{}، شماره پیگیری {}", jalali(posting.sent_on), bdi(posting.tracking_number)
        )
    elif status == Letter.Status.DELIVERED:
        detail = format_html(
            "{} به {} (شماره پیگیری {})",
            jalali(posting.delivered_on),
            posting.received_by,
            bdi(posting.tracking_number),
        )
    else:
        detail = format_html(
            "{}: {} (شماره پیگیری {})",
            jalali(posting.returned_on),
            posting.return_reason,
            bdi(posting.tracking_number),
        )
    return format_html(
        '<span class="whereabouts" data-status="{}"><span class="badge text-bg-{}">{}</span>'
        ' <span class="small">{}</span></span>',
        status,
        style,
        label,
        detail,
    )


@register.filter
def action_buttons(letter):
    """``{{ letter|action_buttons }}``: the supervisor's next actions on the letter as buttons
    (Letter.actions; the pages behind them confirm or ask first)."""
    return format_html_join(
        " ",
        '<a class="btn btn-sm {}" href="{}">{}</a>',
        ((s, u, lb) for lb, u, s in letter.actions),
    )
