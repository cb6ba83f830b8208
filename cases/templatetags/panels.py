"""``{% panel shown %}``: one upper app's part of a cases page (cases.panels), included with the
context its app computed, as an inclusion tag would: the part sees only its own context (and the
page's CSRF token)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def panel(context, shown):
    part = context.template.engine.get_template(shown.template)
    inner = context.new(shown.context)
    csrf_token = context.get("csrf_token")
    if csrf_token is not None:
        inner["csrf_token"] = csrf_token
    return part.render(inner)
