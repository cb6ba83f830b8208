"""The case page's reads: the case with everything its page shows, the steps a user may take
on it and what each still lacks, when it is due, and its latest move (the 409 pages)."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.utils import timezone

from accounts import permissions
from accounts.roles import Capability
from audit.models import Event
from cases.choices import REQUIRED_EVIDENCE, Agency, CaseState, EvidenceType, SubjectDecision
from cases.models import Case, CaseSubject, Evidence
from cases.rules import household_elsewhere, missing_evidence_types, rows, undecided_members
from cases.states import CLOSED_STATES, EXPERT_STATES, INQUIRY_STATES
from cases.steps import StepRule, rules_from
from cases.trail import CaseEvent
from people.models import DocumentStatus, IdentityDocument, Person

# The service card's average duration: a case is due a month after it was opened.
SERVICE_TARGET_DAYS = 30


def members_with_live_documents():
    """Persons, each with ``has_live_document`` (a document not yet cancelled): what
    rules.household_members_decided reads of the members of a subject's household."""
    return Person.objects.annotate(
        has_live_document=Exists(
            IdentityDocument.objects.filter(person=OuterRef("pk")).exclude(
                status=DocumentStatus.CANCELLED
            )
        )
    )


def visible_case(cases, *, user, number: str) -> Case:
    """The case ``number`` of ``cases`` if ``user`` may see it (DoesNotExist otherwise): read by
    its number, then checked by the rule the lists filter with (accounts.permissions.may).
    PostgreSQL then plans a read by a unique key, not the user's scope joined in (planning that
    cost more than running it); the cases shared with the user are read only for a case outside
    their scope."""
    case = cases.get(number=number)
    if not permissions.may(user, Capability.VIEW_CASE, case):
        raise Case.DoesNotExist
    return case


def case_for_page(*, user, number: str) -> Case:
    """One case with everything its page shows, in a fixed number of queries (DoesNotExist when
    the user may not see it): the case, its inquiries and their replaced scans, its evidence with
    who uploaded or withdrew it, its subjects with their households' heads and provinces (joined),
    the members of those households, and the subjects' documents with their types (joined). The
    rest is read only once the case is known to be the user's."""
    case = visible_case(
        Case.objects.select_related("province", "assigned_expert", "offence_type"),
        user=user,
        number=number,
    )
    prefetch_related_objects(
        [case],
        "inquiries",
        "inquiries__earlier_scans",
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related("uploaded_by", "withdrawn_by").order_by(
                "uploaded_at", "pk"
            ),
        ),
        Prefetch(
            "subjects",
            queryset=CaseSubject.objects.select_related(
                "person__household__head", "person__household__province"
            ).prefetch_related(
                Prefetch("person__household__members", queryset=members_with_live_documents()),
                Prefetch(
                    "person__documents",
                    queryset=IdentityDocument.objects.select_related("document_type"),
                ),
            ),
        ),
    )
    return case


@dataclass
class StepView:
    """A step as a user meets it on a case: may they take it, and what is still missing."""

    rule: StepRule
    unmet: list[str]

    @property
    def available(self) -> bool:
        return not self.unmet

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def label(self) -> str:
        return self.rule.label


def unmet_conditions(*, case: Case, rule: StepRule) -> list[str]:
    """What the case still lacks for the step, in Persian: the unmet conditions other than those
    met by what the user types with the step itself (a reason, a resolution number)."""
    return [
        c.description
        for c in rule.conditions
        if not getattr(c, "needs_input", False) and not c(case)
    ]


def steps_for(*, case: Case, user, grants=None) -> list[StepView]:
    """The steps from the case's present state that the user's role may take on it."""
    return [
        StepView(rule=rule, unmet=unmet_conditions(case=case, rule=rule))
        for rule in rules_from(case.state)
        if permissions.may(user, rule.capability, case, grants=grants) and applies_to(case, rule)
    ]


def applies_to(case: Case, rule: StepRule) -> bool:
    """Whether the step is for this kind of case at all (an expulsion order is not for a case of
    illegal exit, nor the closing as already gone for any other)."""
    return all(c(case) for c in rule.conditions if getattr(c, "kind_of_case", False))


def case_due_on(case: Case) -> datetime.date | None:
    """When the present step is due: the inquiry replies' due date while awaiting them, otherwise
    the service card's one month from opening. Closed cases are due nothing."""
    if case.state in CLOSED_STATES:
        return None
    if case.state == CaseState.AWAITING_INQUIRIES:
        dues = [i.due_on for i in rows(case, "inquiries") if i.replied_on is None and i.due_on]
        if dues:
            return min(dues)
    return timezone.localdate(case.opened_at) + datetime.timedelta(days=SERVICE_TARGET_DAYS)


def last_move(case: Case) -> Event | None:
    """The latest step taken on the case: who moved it, when, and to which state (409 pages)."""
    return (
        case.events.filter(kind__in=[CaseEvent.STEP, CaseEvent.OPENED])
        .order_by("-at", "-pk")
        .first()
    )


def case_page_context(*, case: Case, user) -> dict:
    """What the case page shows of ``case`` (read by ``case_for_page``) to ``user``, and what it
    lets them do: its subjects and their households (each with what may be recorded of it), the
    evidence and the checklist of what is missing, the inquiries by agency, the events, the steps
    the user may take here, the due date, and whether the expert's records may be edited. Reads
    the prefetched rows; the households' members only where the rules need them."""
    subjects = list(case.subjects.all())
    households = {s.person.household for s in subjects}
    cancelled = {s.person_id for s in subjects if s.decision == SubjectDecision.CANCEL}
    on_case = {s.person_id for s in subjects}
    off_case = [m for m in undecided_members(case) if m.pk not in on_case]
    for household in households:
        # A household another province registered (the case was opened on a person found by
        # document number): the page names the case's own subjects only, nothing of the rest.
        household.elsewhere = household_elsewhere(case, household)
        # Offer to record a new head only where the head loses their card and others remain.
        household.needs_new_head = household.head_id in cancelled and any(
            m.pk not in cancelled for m in household.members.all()
        )
        household.may_change_head = permissions.may_register_in(user, household)
        # The postal address the letters go to: recorded by the same experts, in any state.
        household.may_record_address = household.may_change_head
        # Members the case has no decision for and who are not on it (each needs adding first).
        household.undecided = [m for m in off_case if m.household_id == household.pk]
    missing = set(missing_evidence_types(case))
    inquiries = {i.agency: i for i in case.inquiries.all()}
    may_edit = case.state in EXPERT_STATES and permissions.may(user, Capability.REVIEW_CASE, case)
    steps = steps_for(case=case, user=user)
    return {
        "case": case,
        "subjects": subjects,
        "households": households,
        "evidence": list(case.evidence.all()),
        "checklist": [
            (EvidenceType(t).label, t not in missing)
            for t in REQUIRED_EVIDENCE.get(case.source_type, [])
        ],
        "inquiries": [(agency, label, inquiries.get(agency)) for agency, label in Agency.choices],
        "events": case.events.all(),
        # The steps taken on this page's own form (a session's or an order's are taken there).
        "actions": [s for s in steps if s.available and not s.rule.elsewhere],
        "due_on": case_due_on(case),
        "may_edit": may_edit,
        "may_record_inquiries": may_edit and case.state in INQUIRY_STATES,
    }
