"""How a letter is shown: where it is, the supervisor's buttons, and a row of the print queue
(the letters' own pages, and their part of the case page: letters.panels)."""

from html import escape

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from cases.links import case_url
from letters.links import letter_url
from letters.models import Letter
from shared.persian import digits_to_persian, jalali
from shared.templatetags import bdi, bdi_markup

register = template.Library()


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


NO_NUMBER = '<span class="text-muted small">—</span>'


@register.filter
def queue_row(letter, may_act):
    """``{{ letter|queue_row:may_act }}``: the letter's row of the print queue, the same markup as
    a template's, made here with Python's own escaping: the queue shows up to 250 letters, and a
    template's lookups and filters (even format_html's) for each of their cells cost more than all
    the rest of the page (bench/pages.py). Every value from the database is escaped."""
    number = letter.case.number
    actions = f'<td class="text-nowrap">{action_buttons(letter)}</td>' if may_act else ""
    return mark_safe(  # noqa: S308 - each value below is escaped, or markup made escaped
        f'<tr class="letter-row" data-letter="{letter.pk}">'
        f'<td><a href="{escape(case_url(number))}#letters">{bdi_markup(number)}</a></td>'
        f'<td><a href="{escape(letter_url(letter.pk))}">'
        f"{escape(digits_to_persian(letter.addressee_label))}</a>"
        f'<div class="small text-muted">{escape(letter.get_kind_display())}</div></td>'
        f"<td>{bdi_markup(letter.number) if letter.number else NO_NUMBER}</td>"
        f"<td>{whereabouts(letter)}</td>"
        f'<td class="small">{escape(jalali(letter.status_at, "%Y/%m/%d %H:%M"))}</td>'
        f"{actions}</tr>"
    )
