"""The rules of a working group's decision, as plain functions: quorum, and the outcome the
votes allow. committees.services applies them; the tests read them directly."""

from collections.abc import Iterable

from committees.models import Outcome, Vote

QUORUM_MISSING = "جلسه به حد نصاب نرسیده است: {present} عضو حاضرند و دست‌کم {needed} عضو لازم است."


def quorum_needed(*, members: int, quorum: int | None) -> int:
    """Members present needed for a session to decide: the province's own rule when it has one,
    else more than half of the group's members."""
    return quorum or members // 2 + 1


def has_quorum(*, present: int, members: int, quorum: int | None) -> bool:
    return present >= quorum_needed(members=members, quorum=quorum)


def carried(votes: Iterable[tuple[str, bool]], *, present: int) -> bool:
    """Whether the proposal (the expert's: cancel the card) is carried.

    ``votes`` are (choice, cast by the chair) of the members present. A majority of those present
    carries it; a tie (half of those present for, half against) is decided by the chair's vote;
    abstentions count as present but for neither side, so they keep a proposal from its majority
    and there is then no tie for the chair to break.
    """
    votes = list(votes)
    in_favour = sum(1 for choice, _ in votes if choice == Vote.Choice.FOR)
    against = sum(1 for choice, _ in votes if choice == Vote.Choice.AGAINST)
    if in_favour * 2 > present:
        return True
    if in_favour * 2 == present and in_favour == against:
        # A tie: those present split evenly for and against; the chair's vote decides.
        return any(chair and choice == Vote.Choice.FOR for choice, chair in votes)
    return False


def outcome_agrees(outcome: str, *, is_carried: bool) -> bool:
    """An approval needs the proposal carried; a rejection or a return needs it not carried."""
    if outcome == Outcome.APPROVE:
        return is_carried
    return not is_carried


CORRECTION_REFUSED = "فقط مصوبه ثبت‌شده جلسه‌ای بسته از همین کارگروه استان اصلاح می‌شود."


def resolutions_correctable(session) -> bool:
    """Whether the resolutions recorded in ``session`` may be corrected in a later session of its
    working group: the session is closed (a closed session is never edited, so a correction is a
    new item elsewhere) and provincial (the national group's letters stand as sent). Asked by the
    service that adds a correction and by the session page that offers it."""
    return not session.is_open and not session.group.is_national
