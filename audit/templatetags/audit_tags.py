from django import template

from audit.presentation import changes_of

register = template.Library()


@register.inclusion_tag("audit/timeline.html")
def timeline(events):
    """``{% timeline events %}``: the events of a case, oldest first, with what each changed."""
    return {"items": [(event, changes_of(event)) for event in events]}
