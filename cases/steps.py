"""The rule book: each step of the work declared once.

A step names its transition (source and target states), the capability of the role that takes it,
every rule it checks (conditions, with their Persian sentences), the case fields typed with it and
the form they are typed in, and how pages present it. ``cases.models.Case`` builds its django-fsm
transitions from here; ``cases.services.case_take_step`` (``cases.workflow``) is the one path that
moves a case and checks all of it; views, notices, the demo data and the tests read the same
declaration.
"""

from dataclasses import dataclass

from accounts.roles import Capability
from cases import rules
from cases.choices import WITHDRAWABLE_STATES, CaseState, Step
from cases.workflow import registry
from cases.workflow.proofs import ProofKind


@dataclass(frozen=True)
class StepRule:
    step: Step
    source: tuple[CaseState, ...]
    target: CaseState
    # None: the system takes the step when its conditions hold (no user may take it).
    capability: Capability | None
    conditions: tuple = ()
    # Case fields the user types with the step; the step's form has a field of each name. A step
    # taken elsewhere (``proof``) uses no form here: its inputs come from the record that proves it.
    inputs: tuple[str, ...] = ()
    form: str = "cases.forms.ConfirmForm"
    needs_reason: bool = False
    # The step sends the case on again: the reason its last return gave is cleared.
    clears_reason: bool = False
    irreversible: bool = False
    # Whether those who may take the step are told when a case reaches its source state: a step
    # anybody *may* take at any time (a withdrawal) is not work waiting for them.
    notify: bool = True
    # What the step is taken on (cases.workflow.proofs): a closed session's resolution, an
    # order, an exit record, or none. A step with a proof is taken where that record is made
    # (a session, the enforcement part of the case page), never from the case's own step form;
    # the engine asks the verifier the proof's app registered.
    proof: ProofKind = ProofKind.NONE

    @property
    def automatic(self) -> bool:
        return self.capability is None

    @property
    def in_session(self) -> bool:
        """A working group's decision: recorded in a session, where its votes and quorum are."""
        return self.proof.in_session

    @property
    def recorded_in(self) -> str:
        """The part of the case page (its anchor) where the step's record is made, if any: the
        app that verifies its proof says (cases.workflow.registry)."""
        verifier = registry.verifiers.get(self.proof)
        return verifier.anchor if verifier else ""

    @property
    def elsewhere(self) -> bool:
        """Whether the step is taken on another page than the case's own step form."""
        return self.proof != ProofKind.NONE

    @property
    def elsewhere_refusal(self) -> str:
        if self.in_session:
            return "این تصمیم در جلسه کارگروه ثبت می‌شود، نه در صفحه پرونده."
        return f"«{self.label}» در بخش دستور اخراج و خروج از کشور پرونده ثبت می‌شود."

    @property
    def name(self) -> str:
        return self.step.value

    @property
    def label(self) -> str:
        return self.step.label


def _dates(field: str, what: str, *extra):
    return (rules.not_in_future(field, what), rules.not_before_opening(field, what), *extra)


RESOLUTION_DATE = _dates(
    "province_resolution_date",
    "تاریخ مصوبه کارگروه استان",
    rules.not_before_state_entered(
        "province_resolution_date", "تاریخ مصوبه کارگروه استان", "ارسال پرونده به کارگروه"
    ),
)
LETTER_DATE = _dates(
    "national_letter_date",
    "تاریخ نامه کارگروه دائمی کشور",
    rules.national_letter_not_before_resolution,
)

STEPS: dict[Step, StepRule] = {
    rule.step: rule
    for rule in [
        StepRule(
            Step.START_REVIEW,
            source=(CaseState.RECEIVED,),
            target=CaseState.EXPERT_REVIEW,
            capability=Capability.REVIEW_CASE,
        ),
        StepRule(
            Step.SEND_INQUIRIES,
            source=(CaseState.EXPERT_REVIEW,),
            target=CaseState.AWAITING_INQUIRIES,
            capability=Capability.REVIEW_CASE,
            conditions=(rules.inquiries_sent,),
        ),
        StepRule(
            Step.SUBMIT_TO_PROVINCE,
            source=(CaseState.AWAITING_INQUIRIES,),
            target=CaseState.READY_FOR_PROVINCE,
            capability=Capability.REVIEW_CASE,
            clears_reason=True,
            conditions=(
                rules.inquiry_replies_recorded,
                rules.required_evidence_attached,
                rules.subjects_decided,
                rules.household_members_decided,
                rules.household_settled,
            ),
        ),
        StepRule(
            Step.RETURN_FOR_INFORMATION,
            source=(CaseState.READY_FOR_PROVINCE,),
            target=CaseState.RETURNED,
            capability=Capability.DECIDE_IN_PROVINCE,
            conditions=(rules.has_reason,),
            needs_reason=True,
            proof=ProofKind.PROVINCIAL_RESOLUTION,
        ),
        StepRule(
            Step.RESUME_REVIEW,
            source=(CaseState.RETURNED,),
            target=CaseState.EXPERT_REVIEW,
            capability=Capability.REVIEW_CASE,
            clears_reason=True,
        ),
        StepRule(
            Step.APPROVE_IN_PROVINCE,
            source=(CaseState.READY_FOR_PROVINCE,),
            target=CaseState.APPROVED_BY_PROVINCE,
            capability=Capability.DECIDE_IN_PROVINCE,
            # The offence type is the working group's, from the catalogue in force when it
            # resolves; the case keeps that row whatever later catalogues say.
            conditions=(
                rules.has_province_resolution,
                *RESOLUTION_DATE,
                rules.has_offence_type,
                rules.offence_type_in_force,
            ),
            inputs=("province_resolution_number", "province_resolution_date", "offence_type"),
            proof=ProofKind.PROVINCIAL_RESOLUTION,
        ),
        StepRule(
            Step.REJECT_IN_PROVINCE,
            source=(CaseState.READY_FOR_PROVINCE,),
            target=CaseState.REJECTED_BY_PROVINCE,
            capability=Capability.DECIDE_IN_PROVINCE,
            conditions=(rules.has_province_resolution, *RESOLUTION_DATE, rules.has_reason),
            inputs=("province_resolution_number", "province_resolution_date"),
            needs_reason=True,
            irreversible=True,
            proof=ProofKind.PROVINCIAL_RESOLUTION,
        ),
        StepRule(
            Step.CONFIRM_NATIONALLY,
            source=(CaseState.APPROVED_BY_PROVINCE,),
            target=CaseState.CONFIRMED_NATIONALLY,
            capability=Capability.DECIDE_NATIONALLY,
            conditions=(rules.has_national_letter, *LETTER_DATE),
            inputs=("national_letter_number", "national_letter_date"),
            proof=ProofKind.NATIONAL_LETTER,
        ),
        StepRule(
            Step.REFUSE_NATIONALLY,
            source=(CaseState.APPROVED_BY_PROVINCE,),
            target=CaseState.REFUSED_NATIONALLY,
            capability=Capability.DECIDE_NATIONALLY,
            conditions=(rules.has_national_letter, *LETTER_DATE, rules.has_reason),
            inputs=("national_letter_number", "national_letter_date"),
            needs_reason=True,
            irreversible=True,
            proof=ProofKind.NATIONAL_LETTER,
        ),
        StepRule(
            Step.CANCEL_CARD,
            source=(CaseState.CONFIRMED_NATIONALLY,),
            target=CaseState.AWAITING_NAJVA,
            capability=Capability.REGISTER_IN_NAJVA,
            # The households were settled at the submission (every member decided, a new head
            # where the head loses their card), and nothing changes them after it but a member
            # registered since: that member is not on the case, the confirmation page names them
            # and their documents stay as they are. Checking the households again here would
            # leave such a case nowhere to go (no one may decide on it any more).
            conditions=(rules.subjects_decided, rules.some_subject_to_cancel),
            irreversible=True,
        ),
        # Taken by the system when the last registration is delivered to Najva (najva app), or
        # recorded by the operator as made by other means during an outage.
        StepRule(
            Step.NAJVA_REGISTERED,
            source=(CaseState.AWAITING_NAJVA,),
            target=CaseState.CARD_CANCELLED,
            capability=None,
            conditions=(rules.cancellations_registered,),
            notify=False,
        ),
        # The supervisor's expulsion order (enforcement): the first order of the case takes the
        # step; an order issued again for a person not found leaves the case where it is.
        StepRule(
            Step.ORDER_EXPULSION,
            source=(CaseState.CARD_CANCELLED,),
            target=CaseState.EXPULSION_ORDERED,
            capability=Capability.SUPERVISE_CASE,
            conditions=(rules.source_is_not_illegal_exit,),
            proof=ProofKind.EXPULSION_ORDER,
        ),
        # Taken by the enforcement liaison's record of the last person's exit (enforcement): each
        # person on an order expelled or gone on their own before the deadline.
        StepRule(
            Step.RECORD_EXPULSION,
            source=(CaseState.EXPULSION_ORDERED,),
            target=CaseState.EXPELLED,
            capability=Capability.RECORD_EXPULSION,
            conditions=(rules.subjects_departed,),
            irreversible=True,
            proof=ProofKind.EXIT_RECORD,
        ),
        # The person had already left (a report of illegal exit): the supervisor records each
        # exit with the report that proves it (enforcement), and the case closes.
        StepRule(
            Step.CLOSE_AS_DEPARTED,
            source=(CaseState.CARD_CANCELLED,),
            target=CaseState.CLOSED_DEPARTED,
            capability=Capability.SUPERVISE_CASE,
            conditions=(rules.source_is_illegal_exit, rules.subjects_departed),
            irreversible=True,
            proof=ProofKind.PRIOR_EXIT_REPORT,
        ),
        StepRule(
            Step.WITHDRAW,
            source=WITHDRAWABLE_STATES,
            target=CaseState.WITHDRAWN,
            capability=Capability.SUPERVISE_CASE,
            conditions=(rules.has_reason,),
            form="cases.forms.ReasonForm",
            needs_reason=True,
            irreversible=True,
            notify=False,
        ),
    ]
}

assert set(STEPS) == set(Step), "every step has its rule"


def rules_from(state) -> list[StepRule]:
    """The steps that can be taken from ``state``, in the order of the rule book."""
    return [rule for rule in STEPS.values() if state in rule.source]
