"""A working group's decision in the demo and the test fixtures: a real session with its members
present, the case on its agenda, the votes, the resolution and the closing (which takes the
step, with the agenda item as its proof)."""

from cases.choices import Step
from cases.models import Case
from committees import services
from committees.models import Member, Outcome, Session, Vote
from committees.selectors import working_group_of
from reference.models import OffenceType
from shared import clock
from shared.persian import digits_to_persian, jalali_year

# The members of each demo province's working group: (name, position, agency, role).
WORKING_GROUP = [
    ("حمید کاظمی", "معاون سیاسی، امنیتی و اجتماعی استاندار", "استانداری", "chair"),
    ("رضا توکلی", "مدیرکل امور اتباع و مهاجرین خارجی", "اداره کل امور اتباع", "secretary"),
    ("ناصر افشار", "نماینده", "اداره کل اطلاعات", "member"),
    ("کامران رستمی", "نماینده", "فرماندهی انتظامی استان", "member"),
    ("سعید بهرامی", "نماینده", "دادگستری استان", "member"),
    ("بهروز فرهادی", "نماینده", "اداره کل ثبت احوال", "member"),
    ("مجید یزدانی", "کارشناس امور بین‌الملل", "استانداری", "member"),
]

OUTCOME_OF = {
    Step.APPROVE_IN_PROVINCE: Outcome.APPROVE,
    Step.REJECT_IN_PROVINCE: Outcome.REJECT,
    Step.RETURN_FOR_INFORMATION: Outcome.RETURN,
    Step.CONFIRM_NATIONALLY: Outcome.CONFIRM,
    Step.REFUSE_NATIONALLY: Outcome.REFUSE,
}


def group_with_members(province):
    """The province's working group (None: the national one), given the demo members the first
    time (the IT administrator records them in the admin in a real office)."""
    group = working_group_of(province)
    if province is not None and not group.members.filter(active=True).exists():
        Member.objects.bulk_create(
            Member(
                group=group, full_name=name, position=position, agency=agency, role=role, order=n
            )
            for n, (name, position, agency, role) in enumerate(WORKING_GROUP)
        )
    return group


def next_number(group) -> str:
    """The group's next session number in the year (``n/year``, as the secretariat numbers)."""
    year = jalali_year(clock.today())
    return digits_to_persian(f"{Session.objects.filter(group=group).count() + 1}/{year}")


def _open(group, by) -> Session:
    return services.session_open(
        group=group,
        by=by,
        number=next_number(group),
        held_on=clock.today(),
        place="سالن جلسات استانداری",
    )


def decide(case: Case, step: Step, actors, reason: str = "") -> Case:
    """Take a working group's ``step`` on ``case`` in a session of its own, held today: the
    provincial group's secretary records attendance (every member), the votes (all for an
    approval, all against a rejection or a return) and the resolution; the national secretariat
    records the decision and the batch's letter. Closing the session takes the step."""
    outcome = OUTCOME_OF[Step(step)]
    national = step in (Step.CONFIRM_NATIONALLY, Step.REFUSE_NATIONALLY)
    by = actors.national if national else actors.secretary
    group = group_with_members(None if national else case.province)
    session = _open(group, by)
    if not national:
        members = list(group.members.filter(active=True))
        services.session_set_attendance(session=session, by=by, members=members)
    [item] = services.agenda_add(session=session, by=by, cases=[case])
    if national:
        services.item_record(item=item, by=by, outcome=outcome, reason=reason)
        services.session_close(session=session, by=by, letter_number=f"ک‌د/{case.sequence}/۱۴۰۵")
    else:
        choice = Vote.Choice.FOR if outcome == Outcome.APPROVE else Vote.Choice.AGAINST
        offence = None
        if outcome == Outcome.APPROVE:
            offence = OffenceType.objects.in_force(Case.year_of(clock.now())).order_by("code")
            offence = offence.first()
        services.item_record(
            item=item,
            by=by,
            outcome=outcome,
            votes={member.pk: choice for member in members},
            reason=reason,
            resolution_number=f"ک‌ا/{case.sequence}/{session.number}",
            offence_type=offence,
        )
        services.session_close(session=session, by=by)
    return Case.objects.get(pk=case.pk)
