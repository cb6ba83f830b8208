"""Every write of the working groups: sessions, attendance, agenda, votes and resolutions, and
closing a session, which moves its cases through ``cases.services.case_take_step`` only.

Each service is atomic, locks the session row, checks ``accounts.permissions`` and refuses with
Persian messages (``SessionRefused``) leaving nothing saved. A closed session is never changed.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts import permissions
from cases import services as case_services
from cases.choices import CaseState, Step
from cases.models import Case, Evidence
from cases.steps import STEPS
from cases.workflow.proofs import ProofKind
from committees import rules
from committees.models import (
    AGENDA_STATE,
    NATIONAL_OUTCOMES,
    NEEDS_REASON,
    PROVINCIAL_OUTCOMES,
    AgendaItem,
    Member,
    Minutes,
    Outcome,
    Session,
    Vote,
    WorkingGroup,
)
from shared import clock, daterules
from shared.persian import digits_to_ascii, digits_to_persian, isolated, jalali
from shared.text import text_refusal

logger = logging.getLogger(__name__)
# A request for minutes still pending after this is asked again (its task was lost).
MINUTES_PATIENCE = datetime.timedelta(minutes=5)

# The step each outcome takes.
STEP_OF = {
    Outcome.APPROVE: Step.APPROVE_IN_PROVINCE,
    Outcome.REJECT: Step.REJECT_IN_PROVINCE,
    Outcome.RETURN: Step.RETURN_FOR_INFORMATION,
    Outcome.CONFIRM: Step.CONFIRM_NATIONALLY,
    Outcome.REFUSE: Step.REFUSE_NATIONALLY,
}


class SessionRefused(ValidationError):
    """Bad input or a session not ready: Persian messages, by field where one is meant."""


class SessionClosed(SessionRefused):
    """The session is closed: usually another recorder closed it first. Pages answer 409."""

    def __init__(self, session: Session):
        super().__init__("این جلسه بسته شده است و تغییر نمی‌کند.")
        self.session = session


class SessionCloseRefused(SessionRefused):
    """Closing stopped at one case: which case, and the rules it failed. Nothing moved."""

    def __init__(self, item: AgendaItem, messages: list[str]):
        super().__init__(messages)
        self.item = item
        self.reasons = messages


def _require_recorder(session_or_group, by) -> None:
    group = getattr(session_or_group, "group", session_or_group)
    if not permissions.may_record_session(by, group.province_id):
        raise PermissionDenied("ثبت جلسات این کارگروه با شما نیست.")


def _lock(session: Session, by) -> Session:
    """The session re-read under a row lock; refused if the user may not record it or it is
    closed."""
    session = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
    _require_recorder(session, by)
    if not session.is_open:
        raise SessionClosed(session)
    return session


def _touch(session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(version=F("version") + 1)


@transaction.atomic
def session_open(*, group: WorkingGroup, by, number: str, held_on, place: str) -> Session:
    """Open a session of ``group`` (its secretary, or the national secretariat)."""
    _require_recorder(group, by)
    number = number.strip()
    errors = {}
    if refusal := daterules.not_in_future(held_on, "تاریخ جلسه"):
        errors["held_on"] = [refusal]
    if Session.objects.filter(group=group, number=number).exists():
        errors["number"] = ["جلسه‌ای با این شماره در این کارگروه ثبت شده است."]
    if errors:
        raise SessionRefused(errors)
    try:
        with transaction.atomic():
            return Session.objects.create(
                group=group, number=number, held_on=held_on, place=place.strip(), created_by=by
            )
    except IntegrityError:  # the same number at the same moment
        raise SessionRefused(
            {"number": ["جلسه‌ای با این شماره در این کارگروه ثبت شده است."]}
        ) from None


@transaction.atomic
def session_set_attendance(*, session: Session, by, members) -> Session:
    """Record who of the group's members is present."""
    session = _lock(session, by)
    members = list(members)
    if any(m.group_id != session.group_id or not m.active for m in members):
        raise SessionRefused({"present": ["فقط اعضای فعلی همین کارگروه را می‌توان حاضر زد."]})
    present = {m.pk for m in members}
    # Once a vote is recorded the room is fixed: a member added later would stand present without
    # a vote, one taken away would leave a vote behind, and a resolution could cease to follow
    # its votes. (A present list that was wrong is corrected before the first vote.)
    if set(session.present.values_list("pk", flat=True)) != present and (
        Vote.objects.filter(item__session=session).exists()
    ):
        raise SessionRefused(
            {"present": ["پس از ثبت نخستین رأی، فهرست حاضران این جلسه تغییر نمی‌کند."]}
        )
    session.present.set(members)
    _touch(session)
    return session


@transaction.atomic
def agenda_add(*, session: Session, by, cases) -> list[AgendaItem]:
    """Put cases on the agenda, after those already on it. A provincial agenda takes the
    province's cases ready for the working group; the national one, approved cases of any
    province. A case is on one open agenda at a time."""
    session = _lock(session, by)
    group = session.group
    wanted = AGENDA_STATE[group.kind]
    # The cases locked: two sessions adding one case at once find it on the other's agenda.
    cases = list(Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases]))
    errors = []
    for case in cases:
        if timezone.localdate(case.state_entered_at) > session.held_on:
            errors.append(
                f"پرونده {isolated(case.number)} پس از تاریخ این جلسه به کارگروه رسیده است."
            )
        elif case.state != wanted:
            errors.append(
                f"پرونده {isolated(case.number)} در وضعیت «{CaseState(wanted).label}» نیست."
            )
        elif not group.is_national and case.province_id != group.province_id:
            errors.append(f"پرونده {isolated(case.number)} از استان این کارگروه نیست.")
    busy = AgendaItem.objects.filter(
        case__in=cases, session__state=Session.State.OPEN, session__group__kind=group.kind
    ).select_related("case", "session")
    for item in busy:
        errors.append(
            f"پرونده {isolated(item.case.number)} در دستور جلسه "
            f"{isolated(item.session.number)} است که هنوز باز است."
        )
    if errors:
        raise SessionRefused(errors)
    last = session.items.order_by("-position").values_list("position", flat=True).first() or 0
    cases.sort(key=lambda case: (case.state_entered_at, case.pk))  # longest waiting first
    items = [
        AgendaItem.objects.create(session=session, case=case, position=last + index)
        for index, case in enumerate(cases, start=1)
    ]
    _touch(session)
    return items


@transaction.atomic
def agenda_remove(*, item: AgendaItem, by) -> None:
    session = _lock(item.session, by)
    AgendaItem.objects.filter(pk=item.pk, session=session).delete()
    _touch(session)


def _present_members(session: Session) -> list[Member]:
    return list(session.present.all())


def _quorum_missing(group: WorkingGroup, present: int) -> str | None:
    """The refusal when ``present`` members do not make the group's quorum, else None."""
    members = group.members.filter(active=True).count()
    if rules.has_quorum(present=present, members=members, quorum=group.quorum):
        return None
    needed = group.quorum_of(members)
    return rules.QUORUM_MISSING.format(
        present=digits_to_persian(present), needed=digits_to_persian(needed)
    )


def _carried(votes: dict[int, str], present: list[Member]) -> bool:
    """Whether ``votes`` (member id: choice) of the members ``present`` carry the proposal."""
    cast = ((votes[m.pk], m.role == Member.Role.CHAIR) for m in present)
    return rules.carried(cast, present=len(present))


@transaction.atomic
def item_record(
    *,
    item: AgendaItem,
    by,
    outcome: str,
    votes: dict[int, str] | None = None,
    reason: str = "",
    resolution_number: str = "",
    offence_type=None,
) -> AgendaItem:
    """Record the votes and the resolution of one agenda item.

    Provincial: every member present votes; the session must have its quorum; the outcome must
    follow the votes (``rules.carried``); an approval names the offence type of the catalogue in
    force; a rejection or a return gives its reason; the resolution number is the group's own.
    National: confirm or refuse, a reason for a refusal (the batch's letter is the session's).
    """
    session = _lock(item.session, by)
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("correction_of__offence_type")
        .get(pk=item.pk, session=session)
    )
    group = session.group
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if problem := text_refusal(reason):
        errors["reason"] = [problem]
    allowed = NATIONAL_OUTCOMES if group.is_national else PROVINCIAL_OUTCOMES
    if outcome not in allowed:
        errors["outcome"] = ["مصوبه را انتخاب کنید."]
    if outcome in NEEDS_REASON and not reason:
        errors["reason"] = ["دلیل این مصوبه را بنویسید."]
    corrected = item.correction_of
    if corrected is not None:
        # A correction keeps the corrected resolution's outcome, number and offence type: it
        # records the votes (and a rejection's or return's reason) again, with its own reason.
        if outcome != corrected.outcome:
            was = corrected.get_outcome_display()
            errors["outcome"] = [f"اصلاح، نتیجه مصوبه را تغییر نمی‌دهد؛ مصوبه اصلاح‌شده «{was}» است."]
        resolution_number = corrected.resolution_number
        offence_type = corrected.offence_type
    if not group.is_national:
        # One numbering per group: its row locked, so two sessions cannot take a number at once;
        # numbers compared and kept with ASCII digits, however they were typed.
        WorkingGroup.objects.select_for_update().get(pk=group.pk)
        resolution_number = digits_to_ascii((resolution_number or "").strip())
        present = _present_members(session)
        if missing_quorum := _quorum_missing(group, len(present)):
            errors["__all__"] = [missing_quorum]
        votes = dict(votes or {})
        present_ids = {m.pk for m in present}
        if set(votes) - present_ids:
            errors.setdefault("votes", []).append("فقط اعضای حاضر رأی می‌دهند.")
        missing = [m.full_name for m in present if votes.get(m.pk) not in Vote.Choice.values]
        if missing:
            errors.setdefault("votes", []).append(
                "رأی این اعضا ثبت نشده است: " + "، ".join(missing)
            )
        if not resolution_number:
            errors["resolution_number"] = ["شماره مصوبه را بنویسید."]
        elif (
            AgendaItem.objects.filter(session__group=group, resolution_number=resolution_number)
            .exclude(pk__in=_chain(item))
            .exists()
        ):
            errors["resolution_number"] = ["این شماره مصوبه پیش‌تر در این کارگروه ثبت شده است."]
        if outcome == Outcome.APPROVE and offence_type is None:
            errors["offence_type"] = ["نوع جرم را از فهرست جرائم دستورالعمل جاری انتخاب کنید."]
        if not errors.get("votes") and "__all__" not in errors and outcome in allowed:
            is_carried = _carried(votes, present)
            if not rules.outcome_agrees(outcome, is_carried=is_carried):
                errors["outcome"] = [
                    "این مصوبه با آرای ثبت‌شده نمی‌خواند: "
                    + (
                        "پیشنهاد رأی اکثریت را آورده است."
                        if is_carried
                        else "پیشنهاد رأی اکثریت حاضران را نیاورده است."
                    )
                ]
    if errors:
        raise SessionRefused(errors)
    item.outcome = outcome
    item.reason = reason if outcome in NEEDS_REASON else ""
    item.resolution_number = resolution_number if not group.is_national else ""
    item.offence_type = offence_type if outcome == Outcome.APPROVE else None
    item.recorded_by = by
    item.recorded_at = clock.now()
    item.save()
    if not group.is_national:
        item.votes.all().delete()
        Vote.objects.bulk_create(
            [
                Vote(item=item, member_id=member_id, choice=choice)
                for member_id, choice in votes.items()
            ]
        )
    _touch(session)
    return item


def _chain(item: AgendaItem) -> set[int]:
    """The item, the resolution it corrects (and that one's), and every correction of them: one
    resolution, one number."""
    root = item
    while root.correction_of_id is not None:
        root = AgendaItem.objects.only("pk", "correction_of_id").get(pk=root.correction_of_id)
    chain, frontier = {root.pk}, [root.pk]
    while frontier:
        frontier = list(
            AgendaItem.objects.filter(correction_of_id__in=frontier).values_list("pk", flat=True)
        )
        chain.update(frontier)
    return chain | {item.pk}


def _still_follows_votes(item: AgendaItem, present: list[Member]) -> list[str]:
    """At the close: every member present voted on the item, and its outcome follows the votes."""
    votes = {v.member_id: v.choice for v in item.votes.all()}
    if set(votes) != {m.pk for m in present}:
        return ["آرای این پرونده با فهرست حاضران جلسه نمی‌خواند؛ رأی و مصوبه را دوباره ثبت کنید."]
    if not rules.outcome_agrees(item.outcome, is_carried=_carried(votes, present)):
        return ["این مصوبه با آرای ثبت‌شده نمی‌خواند؛ رأی و مصوبه را دوباره ثبت کنید."]
    return []


def _proof_label(item: AgendaItem, session: Session) -> str:
    """The resolution as the case's step event names it: the session, and the resolution number
    (or the national letter) with the votes."""
    where = f"جلسه {isolated(session.number)} {session.group} مورخ {jalali(session.held_on)}"
    if session.group.is_national:
        return f"{where}، نامه {isolated(session.letter_number)}"
    return f"{where}، مصوبه {isolated(item.resolution_number)} ({_tally(item)})"


def resolution_verify(*, case: Case, step: Step, proof: AgendaItem) -> str:
    """Whether ``proof`` (an agenda item) decided ``step`` of ``case``: the case's own item, in a
    closed session of the right working group (the case's province, held with its quorum; or the
    national group, with its letter), whose resolution is this step and was taken after the case
    reached the group. Returns the proof as the event names it; refuses in Persian otherwise.

    Registered for both session kinds of proof (committees.apps); the engine calls it.
    """
    # Read again, not trusted as given: what counts is what the session recorded.
    item = (
        AgendaItem.objects.select_related("session__group", "correction_of")
        .prefetch_related("votes")
        .get(pk=proof.pk)
    )
    session, group = item.session, item.session.group
    national = STEPS[step].proof == ProofKind.NATIONAL_LETTER
    refusals = []
    if group.is_national != national:
        refusals.append(
            "این تصمیم با نامه کارگروه دائمی کشور است، نه مصوبه کارگروه استان."
            if national
            else "این تصمیم با مصوبه کارگروه استان پرونده است، نه کارگروه دائمی کشور."
        )
    elif not national and group.province_id != case.province_id:
        refusals.append("این مصوبه از کارگروه استان دیگری است.")
    if session.is_open:
        refusals.append(f"جلسه {isolated(session.number)} هنوز بسته نشده است.")
    if national and not session.letter_number.strip():
        refusals.append("نامه کارگروه دائمی کشور در این جلسه ثبت نشده است.")
    if not group.is_national and (missing := _quorum_missing(group, session.present.count())):
        refusals.append(missing)
    if item.case_id != case.pk:
        refusals.append("این مصوبه درباره پرونده دیگری است.")
    elif item.is_correction or not item.outcome or STEP_OF.get(Outcome(item.outcome)) != step:
        refusals.append(f"مصوبه این جلسه درباره این پرونده «{STEPS[step].label}» نیست.")
    elif timezone.localdate(case.state_entered_at) > session.held_on:
        # A resolution of an earlier round (the case came back to the group since) decides
        # nothing now.
        refusals.append(
            "پرونده پس از این جلسه دوباره به کارگروه رسیده است؛ این مصوبه از دور پیشین است."
        )
    if refusals:
        raise case_services.ProofRefused(refusals)
    return _proof_label(item, session)


def _step_inputs(item: AgendaItem, session: Session) -> dict:
    if item.outcome in (Outcome.APPROVE, Outcome.REJECT):
        inputs = {
            "province_resolution_number": item.resolution_number,
            "province_resolution_date": session.held_on,
        }
        if item.outcome == Outcome.APPROVE:
            inputs["offence_type"] = item.offence_type
        return inputs
    if item.outcome in (Outcome.CONFIRM, Outcome.REFUSE):
        return {
            "national_letter_number": session.letter_number,
            "national_letter_date": session.held_on,
        }
    return {}


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


@transaction.atomic
def session_close(*, session: Session, by, letter_number: str = "") -> Session:
    """Close the session: every resolution is applied to its case through the case step service,
    in agenda order, in this one transaction. If one case cannot move, nothing moves, and the
    refusal names the case and the rules it failed. A national session's batch takes one letter
    number (and the session's date) for every case."""
    session = _lock(session, by)
    group = session.group
    items = list(
        session.items.select_related("case", "offence_type", "correction_of__session")
        .prefetch_related("votes", "correction_of__votes")
        .order_by("position")
    )
    errors = []
    if not items:
        errors.append("دستور این جلسه خالی است.")
    pending = [isolated(item.case.number) for item in items if not item.is_recorded]
    if pending:
        errors.append("مصوبه این پرونده‌ها ثبت نشده است: " + "، ".join(pending))
    if group.is_national:
        letter_number = (letter_number or session.letter_number).strip()
        if not letter_number:
            errors.append("شماره نامه کارگروه دائمی کشور را بنویسید.")
        session.letter_number = letter_number
    elif missing_quorum := _quorum_missing(group, session.present.count()):
        errors.append(missing_quorum)
    if errors:
        raise SessionRefused(errors)
    if not group.is_national:
        present_members = _present_members(session)
        for item in items:
            if reasons := _still_follows_votes(item, present_members):
                raise SessionCloseRefused(item, reasons)
    # Closed first, in this same transaction: a step takes a resolution of a closed session only
    # (committees.apps registers the verifier). A case that cannot move rolls the closing back.
    session.state = Session.State.CLOSED
    session.closed_by = by
    session.closed_at = clock.now()
    session.version += 1
    session.save()
    for item in items:
        if item.is_correction:
            _record_correction(item, session, by)
            continue
        try:
            case_services.case_take_step(
                case=item.case,
                by=by,
                step=STEP_OF[Outcome(item.outcome)],
                proof=item,
                reason=item.reason,
                **_step_inputs(item, session),
            )
        except case_services.CaseStateConflict:
            item.case.refresh_from_db()
            raise SessionCloseRefused(
                item, [f"وضعیت پرونده اکنون «{CaseState(item.case.state).label}» است."]
            ) from None
        except (case_services.CaseActionRefused, PermissionDenied, Case.DoesNotExist) as error:
            reasons = (
                _messages(error)
                if isinstance(error, ValidationError)
                else ["شما اجازه این اقدام را در این پرونده ندارید."]
            )
            raise SessionCloseRefused(item, reasons) from None
    return session


# --------------------------------------------------------------------------------------------------
# Minutes


def minutes_request(*, session: Session, by) -> Minutes:
    """Ask for the minutes of the session as it is now. The same minutes are served again until
    the session changes; otherwise a task makes them after commit (one task per version)."""
    from committees import tasks

    if not permissions.may_record_session(by, session.group.province_id):
        raise PermissionDenied("تهیه صورتجلسه این کارگروه با شما نیست.")
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        minutes = _minutes_row(session)
        stale = minutes.status == Minutes.Status.PENDING and (
            clock.now() - minutes.requested_at > MINUTES_PATIENCE
        )
        if (
            minutes.version == session.version
            and minutes.status != Minutes.Status.FAILED
            and not stale
        ):
            return minutes  # ready, or already being made for this version
        minutes.status = Minutes.Status.PENDING
        minutes.version = session.version
        minutes.requested_at = clock.now()
        minutes.save()
        version = session.version

        def queue():
            try:
                tasks.make_minutes.delay(session.pk, version)
            except Exception:  # the broker is down: say so on the page rather than wait for ever
                logger.exception("could not queue the minutes of session %s", session.pk)
                minutes_failed(session_id=session.pk, version=version)

        transaction.on_commit(queue)
    return minutes


def _minutes_row(session: Session) -> Minutes:
    """The session's minutes row, locked; made (for no version yet) on first use."""
    minutes, _ = Minutes.objects.select_for_update().get_or_create(
        session=session,
        defaults={"status": Minutes.Status.PENDING, "version": 0, "requested_at": clock.now()},
    )
    return minutes


def minutes_make(*, session_id: int, version: int) -> bool:
    """Render and store the minutes of ``version`` of the session (the task's work). False when
    the session has changed since: the newer request makes its own."""
    import hashlib

    from django.core.files.base import ContentFile

    from committees.minutes import render_minutes

    session = Session.objects.select_related("group__province").get(pk=session_id)
    if session.version != version:
        return False
    # Its serial for the QR code (kept through every version), and the digest of the facts.
    made = Minutes.objects.get(session_id=session_id)
    pdf, pages = render_minutes(session, made)
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().get(session_id=session_id)
        current = Session.objects.values_list("version", flat=True).get(pk=session_id)
        if minutes.version != version or current != version:
            return False
        minutes.content_sha256 = made.content_sha256
        minutes.sha256 = hashlib.sha256(pdf).hexdigest()
        minutes.file.save(f"{minutes.sha256}.pdf", ContentFile(pdf), save=False)
        minutes.status = Minutes.Status.READY
        minutes.printed_at = clock.now()
        minutes.pages = pages
        minutes.save()
    return True


def minutes_failed(*, session_id: int, version: int) -> None:
    from committees.models import Minutes

    Minutes.objects.filter(session_id=session_id, version=version).update(
        status=Minutes.Status.FAILED
    )


@transaction.atomic
def minutes_attach_signed(*, session: Session, by, upload, content_type: str) -> Minutes:
    """Keep the scan of the signed minutes of a closed session (its SHA-256 with it)."""
    session = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
    _require_recorder(session, by)
    if session.is_open:
        raise SessionRefused({"scan": ["نسخه امضاشده پس از بستن جلسه بارگذاری می‌شود."]})
    minutes = _minutes_row(session)
    if minutes.signed_scan:
        raise SessionRefused(
            {"scan": ["نسخه امضاشده این جلسه پیش‌تر بارگذاری شده است و جایگزین نمی‌شود."]}
        )
    minutes.scan_sha256 = Evidence.digest(upload)  # SHA-256 in chunks, as for evidence
    minutes.scan_content_type = content_type
    minutes.signed_scan.save(upload.name or "signed", upload, save=False)
    minutes.signed_by = by
    minutes.signed_at = clock.now()
    minutes.save()
    # The scan's digest in the chain, where no role of the app can change it (audit.files): a
    # scan replaced together with its row's digest is then refused when served.
    from audit import services as audit
    from audit.models import Event

    audit.record(
        by=by,
        kind=Event.Kind.CHANGE,
        action="minutes_signed",
        label=f"بارگذاری صورتجلسه امضاشده جلسه {isolated(session.number)} {session.group}",
        changes=[
            audit.change(
                "چکیده SHA-256 تصویر امضاشده",
                "",
                minutes.scan_sha256,
                field="scan_sha256",
                kind="code",
            )
        ],
    )
    return minutes


@transaction.atomic
def batch_record(*, session: Session, by, decisions: dict[int, tuple[str, str]]) -> None:
    """A national session's decisions on all its cases at once: all recorded, or none, with
    every refusal named by its case."""
    session = _lock(session, by)
    if not session.group.is_national:
        raise SessionRefused("تصمیم دسته‌ای فقط در جلسه کارگروه دائمی کشور است.")
    errors = []
    items = {item.pk: item for item in session.items.select_related("case")}
    for item_id, (outcome, reason) in decisions.items():
        item = items[item_id]
        try:
            with transaction.atomic():
                item_record(item=item, by=by, outcome=outcome, reason=reason)
        except SessionRefused as refused:
            errors += [f"پرونده {isolated(item.case.number)}: {m}" for m in refused.messages]
    if errors:
        raise SessionRefused(errors)


def _tally(item: AgendaItem) -> str:
    return "، ".join(f"{label} {digits_to_persian(n)}" for label, n in item.tally())


def _record_correction(item: AgendaItem, session: Session, by) -> None:
    """The trail of a correction: on the case, what changed and why; the case does not move."""
    from audit import services as audit
    from audit.models import Event

    corrected = item.correction_of
    changes = [audit.change("آرا", _tally(corrected), _tally(item), field="votes")]
    if corrected.reason != item.reason:
        changes.append(audit.change("دلیل مصوبه", corrected.reason, item.reason, field="reason"))
    audit.record(
        case=item.case,
        by=by,
        kind=Event.Kind.CHANGE,
        action="resolution_corrected",
        label=(
            f"اصلاح مصوبه {isolated(corrected.resolution_number)} جلسه "
            f"{isolated(corrected.session.number)} در جلسه {isolated(session.number)}"
        ),
        reason=item.correction_reason,
        changes=changes,
    )


@transaction.atomic
def agenda_add_correction(*, session: Session, by, item: AgendaItem, reason: str) -> AgendaItem:
    """Put the correction of a resolution of a closed session of the same group on this open
    session's agenda, with its reason. The closed session is never changed."""
    session = _lock(session, by)
    reason = (reason or "").strip()
    corrected = AgendaItem.objects.select_related("session__group", "case").get(pk=item.pk)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["دلیل اصلاح را بنویسید."]
    elif problem := text_refusal(reason):
        errors["reason"] = [problem]
    if (
        corrected.session.group_id != session.group_id
        or not rules.resolutions_correctable(corrected.session)
        or not corrected.is_recorded
    ):
        errors["__all__"] = [rules.CORRECTION_REFUSED]
    elif session.items.filter(case=corrected.case).exists():
        errors["__all__"] = [f"پرونده {isolated(corrected.case.number)} در دستور این جلسه هست."]
    if errors:
        raise SessionRefused(errors)
    last = session.items.order_by("-position").values_list("position", flat=True).first() or 0
    correction = AgendaItem.objects.create(
        session=session,
        case=corrected.case,
        position=last + 1,
        correction_of=corrected,
        correction_reason=reason,
    )
    _touch(session)
    return correction
