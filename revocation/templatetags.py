"""Template filters for what people read: Solar Hijri dates and Persian digits.

Registered as a template builtin in settings, so every template has them without ``{% load %}``.
"""

from django import template
from django.utils.html import format_html

from revocation import persian

register = template.Library()


@register.filter
def jdate(value, fmt="%Y/%m/%d"):
    """``{{ case.opened_at|jdate }}`` → ۱۴۰۵/۰۹/۰۴; ``|jdate:"%Y/%m/%d %H:%M"`` with the time."""
    return persian.jalali(value, fmt)


@register.filter
def fa_digits(value):
    """``{{ count|fa_digits }}`` → Persian digits."""
    return persian.digits_to_persian(value)


@register.filter
def bdi(value):
    """An identifier (case number, letter number) isolated left-to-right, in Persian digits, so
    that «۲۳-۱۴۰۵-۰۰۰۱۷» reads in order inside Persian text."""
    return format_html(
        '<bdi dir="ltr" class="case-number">{}</bdi>', persian.digits_to_persian(value)
    )


@register.filter
def bdi_auto(value):
    """A reference typed by a person (a letter number with Persian letters in it): isolated from
    the sentence around it, its direction taken from its own first letter."""
    return format_html("<bdi>{}</bdi>", persian.digits_to_persian(value))
