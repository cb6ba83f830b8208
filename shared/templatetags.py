"""Template filters for what people read: Solar Hijri dates and Persian digits.

Registered as a template builtin in settings, so every template has them without ``{% load %}``.
"""

from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from shared import persian

register = template.Library()


@register.filter
def jdate(value, fmt="%Y/%m/%d"):
    """``{{ case.opened_at|jdate }}`` → ۱۴۰۵/۰۹/۰۴; ``|jdate:"%Y/%m/%d %H:%M"`` with the time."""
    return persian.jalali(value, fmt)


@register.filter
def fa_digits(value):
    """``{{ count|fa_digits }}`` → Persian digits."""
    return persian.digits_to_persian(value)


def bdi_markup(value) -> str:
    """``bdi``'s markup as a plain (escaped) string, for rows made in Python (cases' case_row,
    letters' queue_row)."""
    return f'<bdi dir="ltr" class="case-number">{escape(persian.digits_to_persian(value))}</bdi>'


@register.filter
def bdi(value):
    """An identifier (case number, letter number) isolated left-to-right, in Persian digits, so
    that «۲۳-۱۴۰۵-۰۰۰۱۷» reads in order inside Persian text."""
    return mark_safe(bdi_markup(value))  # noqa: S308 - escaped in bdi_markup


@register.filter
def bdi_auto(value):
    """A reference typed by a person (a letter number with Persian letters in it): isolated from
    the sentence around it, its direction taken from its own first letter."""
    return format_html("<bdi>{}</bdi>", persian.digits_to_persian(value))
