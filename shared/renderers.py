"""The form renderer: Django's, with its commonest widget templates written out in Python.

Django renders every widget through a template, and every ``<option>`` of a select through one
more: the case list's search form was the largest part of that page's Python that way (what this
saves: ``bench/pages.py --compare renderer``, docs/perf-internals.md). The
templates below produce the same HTML as Django's own (``django/forms/widgets/``), escaped the same
way; any other widget template is rendered by Django as before.
"""

from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

_INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
        "time", "search", "tel",
    )
}  # fmt: skip
_SELECT = "django/forms/widgets/select.html"


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: ``name="value"``, a bare name for True, not False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(format_html(' {}="{}"', name, str(value)))
    return "".join(out)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        mark_safe(value),  # noqa: S308 - built by format_html above
        mark_safe(_attrs(widget["attrs"])),  # noqa: S308 - escaped in _attrs
    )


def _select(widget: dict) -> str:
    out = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            out.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    str(option["value"]),
                    mark_safe(_attrs(option["attrs"])),  # noqa: S308 - escaped in _attrs
                    option["label"],
                )
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        # FAST_RENDERER off: Django's templates for every widget. Read here rather than by choosing
        # FORM_RENDERER, so that bench/pages.py --compare switches it without a new renderer (whose
        # template cache would start empty).
        if not settings.FAST_RENDERER:
            return super().render(template_name, context, request)
        if template_name in _INPUTS and context["widget"].get("type"):
            return _input(context["widget"])
        if template_name == _SELECT and not context["widget"]["attrs"].get("multiple"):
            return _select(context["widget"])
        return super().render(template_name, context, request)
