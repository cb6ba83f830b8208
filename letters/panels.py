"""The letters' parts of the cases pages (cases.panels): each letter of a case and where it is, on
the case page; the letters waiting for the supervisor, on the work queue."""

from accounts import permissions
from accounts.roles import Capability
from letters import selectors


def case_part(request, case) -> dict:
    """Each letter of the case: its addressee, number and where it is (waiting to be printed,
    printed, signed, in the post with its tracking number, delivered, returned), with the
    supervisor's buttons. Shown to whoever sees the case; the letter's own page to its readers."""
    user = request.user
    letters = selectors.case_part(case=case)
    for letter in letters:
        postings = list(letter.dispatches.all())  # prefetched
        letter.latest_dispatch = postings[-1] if postings else None
    return {
        "case": case,
        "letters": letters,
        "may_read": permissions.may_read_letters(user),
        "may_act": permissions.may(user, Capability.SUPERVISE_CASE, case),
    }


def queue_part(request) -> dict:
    """For the supervisor: how many letters wait for them, per section (one query)."""
    user = request.user
    if not permissions.can(user, Capability.SUPERVISE_CASE):
        return {"shown": False}
    return {"shown": True, "counts": selectors.waiting_counts(user=user)}


def register() -> None:
    from cases import panels

    panels.register_case_panel(
        app="letters", template="letters/_case_part.html", context=case_part, order=40
    )
    panels.register_queue_panel(
        app="letters", template="letters/_queue_part.html", context=queue_part, order=40
    )
