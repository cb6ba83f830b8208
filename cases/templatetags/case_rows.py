"""The case list's rows, made in Python: 25 rows of six cells cost a template's lookups and filters
more than the rest of the page (bench/pages.py). The markup is the template's, every value from
the database escaped."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from cases.links import case_url
from shared.persian import jalali
from shared.templatetags import bdi_markup

register = template.Library()


@register.filter
def case_row(case):
    """``{{ case|case_row }}``: number, state, source, persons, expert and day of one case of the
    list (a ``cases.selectors.search.ListRow``)."""
    names = "، ".join(escape(name) for name in case.subject_names)
    return mark_safe(  # noqa: S308 - each value below is escaped
        f'<tr><td><a href="{escape(case_url(case.number))}">{bdi_markup(case.number)}</a></td>'
        f"<td>{escape(case.state_label)}</td><td>{escape(case.source_label)}</td>"
        f"<td>{names}</td><td>{escape(case.expert_name or '—')}</td>"
        f"<td>{escape(jalali(case.opened_at))}</td></tr>"
    )
