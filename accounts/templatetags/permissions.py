"""``{% may "capability" case as name %}``: the one template tag that asks accounts.permissions."""

from django import template

from accounts import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, capability, case=None):
    """``{% may "open_case" as may_open %}`` or ``{% may "review_case" case as may_review %}``."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None:
        return False
    if case is None:
        return permissions.can(user, capability)
    return permissions.may(user, capability, case)


@register.simple_tag(takes_context=True)
def may_read_sessions(context):
    """``{% may_read_sessions as name %}``: whether the working-group sessions are the user's to
    read (the navigation link)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return user is not None and permissions.may_read_sessions(user)


@register.simple_tag(takes_context=True)
def may_read_najva_queue(context):
    """``{% may_read_najva_queue as name %}``: whether the Najva queue is the user's to read."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return user is not None and permissions.may_read_najva_queue(user)


@register.simple_tag(takes_context=True)
def may_read_audit_log(context):
    """``{% may_read_audit_log as name %}``: whether the read log is the user's (the auditor's)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return user is not None and permissions.may_read_audit_log(user)


@register.simple_tag(takes_context=True)
def may_read_letters(context):
    """``{% may_read_letters as name %}``: whether the letters and the dispatch register are the
    user's to read (the navigation link)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return user is not None and permissions.may_read_letters(user)


@register.simple_tag(takes_context=True)
def may_approve_grants(context):
    """``{% may_approve_grants as name %}``: whether the user approves role grants (the link)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return user is not None and permissions.may_approve_grants(user)
