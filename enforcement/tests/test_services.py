"""Step 7 through its services: who may be on an order, dates in order, each person's outcome,
the case closing only when everyone cancelled has left, an order given again for a person not
found, and the closing of a case whose persons had already gone."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services as case_services
from cases.choices import CaseState, SourceType, Step, SubjectDecision
from enforcement import services
from enforcement.models import ExpulsionOrder, OrderedPerson, Outcome, PriorDeparture
from people.models import Nationality
from people.tests import factories
from reference.models import BorderPoint, YearlyPolicy
from revocation.demo.najva import settle as najva_settle
from revocation.demo.walk import DEMO_PDF, STEPS_TO, prepare, walk
from shared import clock
from shared.persian import digits_to_persian

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

TODAY = clock.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def refused(call, **kwargs) -> dict:
    with pytest.raises(services.EnforcementRefused) as refusal:
        call(**kwargs)
    error = refusal.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def case_keeping_the_head(actors, *, source_type=SourceType.JUDICIAL_RULING):
    """A Tehran case of a three-person household whose head keeps his status (KEEP) while the
    spouse and the child lose theirs, walked to «کارت باطل و در نجوا ثبت شد»."""
    people = factories.household_with_members(3, province=actors.expert.province)
    case = case_services.case_open(
        by=actors.expert,
        source_type=source_type,
        source_reference="گزارش ۱۲",
        source_date=days(-20),
        subjects=people,
    )
    from revocation.demo.walk import attach_required_evidence

    attach_required_evidence(case, actors.expert)
    steps = STEPS_TO[CaseState.CARD_CANCELLED]
    upto = steps.index(Step.SUBMIT_TO_PROVINCE)
    case = walk(case, steps[:upto], actors)
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors)
    case_services.subject_decide(
        case=case, by=actors.expert, person=people[0], decision=SubjectDecision.KEEP
    )
    case = case_services.case_take_step(case=case, by=actors.expert, step=Step.SUBMIT_TO_PROVINCE)
    return walk(case, steps[upto + 1 :], actors, settle=najva_settle)


def issue(case, by, **overrides):
    subjects = overrides.get("subjects") or services.orderable_subjects(case)
    values = {
        "case": case,
        "by": by,
        "subjects": subjects,
        "issued_on": TODAY,
        "border_point": services.default_border_point(subjects),
        "leave_by": days(30),
        "reentry_ban_years": 5,
    }
    values.update(overrides)
    return services.order_issue(**values)


def test_only_persons_whose_documents_were_cancelled_are_ever_on_an_order(actors_a, offences):
    case = case_keeping_the_head(actors_a)
    head, spouse, child = case.subjects.select_related("person").order_by("pk")
    assert head.decision == SubjectDecision.KEEP
    assert services.orderable_subjects(case) == [spouse, child]

    errors = refused(issue, case=case, by=actors_a.supervisor, subjects=[head, spouse])
    assert any("باطل نشده" in m for m in errors["subjects"])
    assert not ExpulsionOrder.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED

    order = issue(case, actors_a.supervisor)
    assert [e.subject for e in order.persons.order_by("pk")] == [spouse, child]
    case.refresh_from_db()
    assert case.state == CaseState.EXPULSION_ORDERED
    step = case.events.get(action=Step.ORDER_EXPULSION)
    assert step.actor == actors_a.supervisor
    assert step.changes[0]["field"] == "proof" and "دستور اخراج" in step.changes[0]["new"]
    detail = case.events.get(action="expulsion_order")
    assert {c["label"] for c in detail.changes} >= {"اشخاص", "مرز خروجی", "مهلت خروج"}
    # A person on a live order is not ordered again.
    assert services.orderable_subjects(case) == []


def test_an_order_is_refused_with_dates_out_of_order_a_short_ban_or_a_wrong_border(
    case_in, actors_a
):
    case = case_in(CaseState.CARD_CANCELLED)
    supervisor = actors_a.supervisor
    assert refused(issue, case=case, by=supervisor, issued_on=days(1))["issued_on"] == [
        "تاریخ دستور نمی‌تواند در آینده باشد."
    ]
    before_cancel = refused(issue, case=case, by=supervisor, issued_on=days(-400))
    assert "نمی‌تواند پیش از ابطال کارت" in before_cancel["issued_on"][0]
    assert refused(issue, case=case, by=supervisor, leave_by=days(-1))["leave_by"] == [
        "مهلت خروج نمی‌تواند پیش از تاریخ دستور باشد."
    ]
    assert refused(issue, case=case, by=supervisor, reentry_ban_years=2)["reentry_ban_years"] == [
        "مدت ممنوعیت ورود دست‌کم ۵ سال است (سیاست سالانه وزارت کشور)."
    ]
    # The yearly policy raises the minimum: the order follows it.
    YearlyPolicy.objects.create(year=1300, reentry_ban_min_years=7)
    assert "دست‌کم ۷ سال" in refused(issue, case=case, by=supervisor)["reentry_ban_years"][0]
    YearlyPolicy.objects.all().delete()
    # Afghan nationals are not expelled through an Iraqi border.
    mehran = BorderPoint.objects.get(name="مرز مهران")
    assert (
        "از مرز مهران اخراج نمی‌شوند"
        in refused(issue, case=case, by=supervisor, border_point=mehran)["border_point"][0]
    )
    # Nothing was written by any refusal.
    assert not ExpulsionOrder.objects.exists()
    assert not case.events.filter(action="expulsion_order").exists()


def test_every_nationality_offered_has_a_border_point_or_airport():
    for code, label in Nationality.choices:
        points = [p for p in BorderPoint.objects.filter(is_active=True) if p.serves(code)]
        assert points, label
    for code in ("AF", "IQ", "PK"):
        assert any(
            p.kind == BorderPoint.Kind.LAND and p.serves(code)
            for p in BorderPoint.objects.filter(is_active=True)
        ), code
    assert BorderPoint.objects.filter(kind=BorderPoint.Kind.AIRPORT).count() >= 5


def test_a_person_already_gone_before_the_case_is_not_expelled(case_in, actors_a):
    case = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    errors = refused(issue, case=case, by=actors_a.supervisor)
    assert "خروج غیرقانونی نیست" in errors["__all__"][0]


def test_only_the_supervisor_issues_and_only_the_liaison_records(case_in, actors_a):
    case = case_in(CaseState.CARD_CANCELLED)
    for someone in (actors_a.expert, actors_a.enforcement, actors_a.registry):
        with pytest.raises(PermissionDenied):
            issue(case, someone)
    order = issue(case, actors_a.supervisor)
    entry = order.persons.first()
    with pytest.raises(PermissionDenied):
        services.handover_record(entry=entry, by=actors_a.supervisor, on=TODAY, receiving_unit="x")


def test_hand_over_and_outcome_dates_follow_the_order_and_never_the_future(case_in, actors_a):
    case = case_in(CaseState.EXPULSION_ORDERED)
    liaison = actors_a.enforcement
    entry = OrderedPerson.objects.filter(order__case=case).order_by("pk").first()
    order = entry.order
    ExpulsionOrder.objects.filter(pk=order.pk).update(issued_on=days(-10), leave_by=days(-2))
    entry.refresh_from_db()

    def handover(on, unit="اردوگاه"):
        return services.handover_record(entry=entry, by=liaison, on=on, receiving_unit=unit)

    assert refused(handover, on=days(1))["handed_over_on"] == [
        "تاریخ تحویل نمی‌تواند در آینده باشد."
    ]
    assert refused(handover, on=days(-11))["handed_over_on"] == [
        "تاریخ تحویل نمی‌تواند پیش از تاریخ دستور اخراج باشد."
    ]
    assert refused(handover, on=days(-5), unit=" ")["receiving_unit"]

    def outcome(**kwargs):
        values = {"entry": entry, "by": liaison, "outcome": Outcome.EXPELLED, "on": days(-3)}
        values.update(kwargs)
        return services.outcome_record(**values)

    point = order.border_point
    # Expelled: only after the hand-over, with the border and the exit sheet.
    no_handover = refused(outcome, exit_border_point=point, exit_sheet_number="X1")
    assert "تحویل شخص" in no_handover["__all__"][0]
    handover(days(-5))
    assert refused(outcome, on=days(-6), exit_border_point=point, exit_sheet_number="X1")[
        "outcome_on"
    ] == ["تاریخ اخراج نمی‌تواند پیش از تاریخ تحویل باشد."]
    assert refused(outcome, on=days(1), exit_border_point=point, exit_sheet_number="X1")[
        "outcome_on"
    ] == ["تاریخ نمی‌تواند در آینده باشد."]
    missing = refused(outcome)
    assert set(missing) == {"exit_border_point", "exit_sheet_number"}
    # Left on their own: before the deadline, with proof.
    late = refused(outcome, outcome=Outcome.LEFT, on=days(-1))
    assert "پس از پایان مهلت" in late["outcome_on"][0]
    assert "مدرک خروج" in late["proof"][0]
    # Not found: what was done is said.
    assert refused(outcome, outcome=Outcome.NOT_FOUND)["note"]
    entry.refresh_from_db()
    assert entry.outcome == ""
    assert case.events.filter(action="expulsion_handover").count() == 1


def test_the_case_is_expelled_only_when_every_person_has_a_closing_outcome(
    case_in, actors_a, users, django_capture_on_commit_callbacks
):
    users["supervisor_a"].email = "supervisor@example.ir"
    users["supervisor_a"].save()
    case = case_in(CaseState.EXPULSION_ORDERED)
    liaison = actors_a.enforcement
    first, second = OrderedPerson.objects.filter(order__case=case).order_by("pk")
    order = first.order

    services.handover_record(entry=first, by=liaison, on=TODAY, receiving_unit="اردوگاه")
    services.outcome_record(
        entry=first,
        by=liaison,
        outcome=Outcome.EXPELLED,
        on=TODAY,
        exit_border_point=order.border_point,
        exit_sheet_number="EX-77",
    )
    case.refresh_from_db()
    assert case.state == CaseState.EXPULSION_ORDERED
    assert case.subjects.get(pk=first.subject_id).departed_on == TODAY
    # Recorded once: a second outcome for the same person is refused.
    again = refused(
        services.outcome_record, entry=first, by=liaison, outcome=Outcome.NOT_FOUND, on=TODAY
    )
    assert "پیش‌تر ثبت شده" in again["__all__"][0]

    # The second person is not found: the supervisor is told, and the case stays open.
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_record(
            entry=second,
            by=liaison,
            outcome=Outcome.NOT_FOUND,
            on=TODAY,
            note="در نشانی ثبت‌شده نبود؛ همسایگان خبری نداشتند.",
        )
    case.refresh_from_db()
    assert case.state == CaseState.EXPULSION_ORDERED
    (notice,) = mail.outbox
    assert notice.to == ["supervisor@example.ir"]
    assert second.subject.person.full_name in notice.body and "یافت نشد" in notice.subject

    # The supervisor orders again, for that person only.
    with pytest.raises(services.EnforcementRefused):
        issue(case, actors_a.supervisor, subjects=[first.subject], replaces=order)
    reissued = issue(
        case,
        actors_a.supervisor,
        subjects=[second.subject],
        replaces=order,
        reason="شخص یافت نشد؛ نشانی تازه از انتظامی رسید.",
    )
    assert reissued.replaces == order and reissued.number != order.number
    # Ordered again, the case does not move: one step event, two orders.
    assert case.events.filter(action=Step.ORDER_EXPULSION).count() == 1
    new_entry = reissued.persons.get()
    proof = SimpleUploadedFile("exit.pdf", DEMO_PDF + b"stamp", "application/pdf")
    services.outcome_record(
        entry=new_entry,
        by=liaison,
        outcome=Outcome.LEFT,
        on=TODAY,
        proof=proof,
        proof_content_type="application/pdf",
    )
    case.refresh_from_db()
    assert case.state == CaseState.EXPELLED and case.closed_at is not None
    step = case.events.get(action=Step.RECORD_EXPULSION)
    assert step.actor == liaison
    for number in (order.number, reissued.number):
        assert digits_to_persian(number) in step.changes[0]["new"]
    new_entry.refresh_from_db()
    assert len(new_entry.proof_sha256) == 64 and new_entry.proof.read().startswith(b"%PDF")


def test_a_person_not_found_is_ordered_again_only_by_an_order_that_replaces_it(case_in, actors_a):
    case = case_in(CaseState.EXPULSION_ORDERED)
    first, second = OrderedPerson.objects.filter(order__case=case).order_by("pk")
    ExpulsionOrder.objects.filter(pk=first.order_id).update(issued_on=days(-10))
    services.outcome_record(
        entry=second, by=actors_a.enforcement, outcome=Outcome.NOT_FOUND, on=days(-2), note="نبود"
    )
    order = ExpulsionOrder.objects.get(pk=first.order_id)
    # Not as a new order of its own, nor without a reason, nor dated before the day they were
    # found missing.
    assert services.orderable_subjects(case) == []
    alone = refused(issue, case=case, by=actors_a.supervisor, subjects=[second.subject])
    assert "جایگزین همان دستور" in alone["subjects"][0]
    bare = refused(
        issue, case=case, by=actors_a.supervisor, subjects=[second.subject], replaces=order
    )
    assert bare["reason"] == ["بنویسید چرا دستور دوباره صادر می‌شود."]
    early = refused(
        issue,
        case=case,
        by=actors_a.supervisor,
        subjects=[second.subject],
        replaces=order,
        reason="نشانی تازه",
        issued_on=days(-5),
    )
    assert "پیش از ثبت «یافت نشد»" in early["issued_on"][0]
    again = issue(
        case,
        actors_a.supervisor,
        subjects=[second.subject],
        replaces=order,
        reason="نشانی تازه",
        issued_on=days(-2),
    )
    assert again.replaces == order
    # Handed over, a person does not then leave "on their own".
    first.refresh_from_db()
    services.handover_record(
        entry=first, by=actors_a.enforcement, on=days(-1), receiving_unit="اردوگاه"
    )
    left = refused(
        services.outcome_record,
        entry=first,
        by=actors_a.enforcement,
        outcome=Outcome.LEFT,
        on=days(-1),
        proof=SimpleUploadedFile("exit.pdf", DEMO_PDF, "application/pdf"),
        proof_content_type="application/pdf",
    )
    assert "تحویل شده است" in left["__all__"][0]


def test_two_orders_cannot_hold_one_person_at_once(case_in, actors_a):
    case = case_in(CaseState.EXPULSION_ORDERED)
    entry = OrderedPerson.objects.filter(order__case=case).first()
    # Another order took them (as when two supervisors order at once): the pages answer 409.
    with pytest.raises(services.CaseStateConflict):
        issue(case=case, by=actors_a.supervisor, subjects=[entry.subject])
    # The database says the same, whatever the service checks.
    from django.db import IntegrityError, transaction

    other = ExpulsionOrder.objects.create(
        case=case,
        number="E-TEST",
        issued_on=TODAY,
        border_point=entry.order.border_point,
        leave_by=TODAY,
        reentry_ban_years=5,
        issued_by=actors_a.supervisor,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderedPerson.objects.create(order=other, subject=entry.subject)


def test_a_case_of_illegal_exit_closes_with_each_exit_and_the_household_that_stays(
    actors_a, offences
):
    case = case_keeping_the_head(actors_a, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    supervisor = actors_a.supervisor
    report = services.exit_reports(case)[0]

    spouse, child = services.leaving_subjects(case)
    milak = BorderPoint.objects.get(name="مرز میلک")

    def close(exits=None, **kwargs):
        values = {"case": case, "by": supervisor, "report": report}
        values["exits"] = exits or {
            spouse.pk: (case.source_date, milak),
            child.pk: (case.source_date - datetime.timedelta(days=3), None),
        }
        values.update(kwargs)
        return services.close_as_departed(**values)

    late = refused(close, exits={spouse.pk: (days(-1), None), child.pk: (days(3), None)})
    assert "پس از تاریخ گزارش مبادی" in late[f"exited_on_{spouse.pk}"][0]
    assert late[f"exited_on_{child.pk}"] == ["تاریخ خروج نمی‌تواند در آینده باشد."]
    missing = refused(close, exits={spouse.pk: (case.source_date, None)})
    assert missing[f"exited_on_{child.pk}"] == [
        f"تاریخ خروج {child.person.full_name} را وارد کنید."
    ]
    other = case.evidence.exclude(pk=report.pk).first()
    assert refused(close, report=other)["report"]
    with pytest.raises(PermissionDenied):
        close(by=actors_a.enforcement)

    case = close()
    assert case.state == CaseState.CLOSED_DEPARTED and case.closed_at is not None
    departures = PriorDeparture.objects.filter(subject__case=case).order_by("subject_id")
    head, spouse, child = case.subjects.select_related("person").order_by("pk")
    assert [d.subject for d in departures] == [spouse, child]
    assert [(d.border_point, d.exited_on) for d in departures] == [
        (milak, case.source_date),
        (None, case.source_date - datetime.timedelta(days=3)),
    ]
    assert all(d.report == report for d in departures)
    assert spouse.departed_on == case.source_date and head.departed_on is None
    stays = case.events.get(action="household_stays")
    assert [(c["label"], c["new"]) for c in stays.changes] == [
        (head.person.full_name, "حفظ وضعیت؛ سرپرست خانوار")
    ]
    step = case.events.get(action=Step.CLOSE_AS_DEPARTED)
    assert "گزارش خروج غیرقانونی" in step.changes[0]["new"]
    # The head keeps his documents; the others' stay cancelled.
    assert head.person.documents.get().status == "valid"
    assert spouse.person.documents.get().status == "cancelled"


def test_walked_cases_reach_every_state_of_step_seven(case_in):
    expelled = case_in(CaseState.EXPELLED)
    assert all(
        e.outcome == Outcome.EXPELLED for e in OrderedPerson.objects.filter(order__case=expelled)
    )
    departed = case_in(CaseState.CLOSED_DEPARTED)
    assert PriorDeparture.objects.filter(subject__case=departed).count() == 2


def test_the_exit_day_is_kept_on_the_case_only_by_step_7s_role_in_step_7s_state(case_in, actors_a):
    """Each person's exit day on the case (``CaseSubject.departed_on``, what the closing steps
    wait for) is written by step 7's records alone: the liaison's on an order, the supervisor's
    when the persons had gone before the case; never by another role or in another state."""
    ordered = case_in(CaseState.EXPULSION_ORDERED)
    entry = OrderedPerson.objects.filter(order__case=ordered).order_by("pk").first()
    with pytest.raises(PermissionDenied):  # the liaison records exits on an order, not the expert
        services.outcome_record(
            entry=entry, by=actors_a.expert, outcome=Outcome.NOT_FOUND, on=TODAY, note="نبود"
        )
    confirmed = case_in(CaseState.CONFIRMED_NATIONALLY, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    subject = confirmed.subjects.filter(decision=SubjectDecision.CANCEL).first()
    with pytest.raises(case_services.CaseStateConflict):
        services.close_as_departed(
            case=confirmed,
            by=actors_a.supervisor,
            exits={subject.pk: (confirmed.source_date, None)},
            report=confirmed.evidence.filter(evidence_type="exit_proof").first(),
        )
    assert not ordered.subjects.filter(departed_on__isnull=False).exists()
    assert not confirmed.subjects.filter(departed_on__isnull=False).exists()
