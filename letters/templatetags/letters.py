"""The letters' parts of pages other apps own: each letter of a case and where it is, on the case
page; the letters waiting for the supervisor, on the work queue. The cases app knows nothing of
letters; its templates load these tags."""

from django import template

from accounts import permissions
from accounts.roles import Capability
from letters import selectors

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
