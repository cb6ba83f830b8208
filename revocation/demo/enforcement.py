"""Step 7 for demo and test cases: what the supervisor and the enforcement liaison would record,
through the services (revocation.demo.walk takes these steps through ``take``)."""

import datetime

from cases.choices import Step
from cases.models import Case
from enforcement import services
from enforcement.models import OrderedPerson, Outcome
from shared import clock

RECEIVING_UNIT = "اردوگاه اخراج — پلیس اتباع فرماندهی انتظامی استان"


def issue_order(case: Case, by) -> object:
    today = clock.today()
    subjects = services.orderable_subjects(case)
    policy = services.policy_for(today)
    return services.order_issue(
        case=case,
        by=by,
        subjects=subjects,
        issued_on=today,
        border_point=services.default_border_point(subjects),
        leave_by=today + datetime.timedelta(days=policy.leave_within_days),
        reentry_ban_years=policy.reentry_ban_min_years,
    )


def expel_everyone(case: Case, by) -> None:
    """Hand over and expel each person on the case's orders who has no outcome yet."""
    today = clock.today()
    entries = OrderedPerson.objects.filter(order__case=case, outcome="").select_related("order")
    for index, entry in enumerate(entries.order_by("pk"), start=1):
        services.handover_record(entry=entry, by=by, on=today, receiving_unit=RECEIVING_UNIT)
        services.outcome_record(
            entry=entry,
            by=by,
            outcome=Outcome.EXPELLED,
            on=today,
            exit_border_point=entry.order.border_point,
            exit_sheet_number=f"{case.sequence:05d}-{index}",
        )


def take(case: Case, step: Step, actors) -> Case:
    """The steps of step 7, as their roles would record them."""
    if step == Step.ORDER_EXPULSION:
        issue_order(case, actors.supervisor)
    elif step == Step.RECORD_EXPULSION:
        expel_everyone(case, actors.enforcement)
    elif step == Step.CLOSE_AS_DEPARTED:
        services.close_as_departed(
            case=case,
            by=actors.supervisor,
            exits={s.pk: (case.source_date, None) for s in services.leaving_subjects(case)},
            report=services.exit_reports(case)[0],
        )
    else:
        raise ValueError(f"{step} is not recorded by the enforcement app")
    return Case.objects.get(pk=case.pk)
