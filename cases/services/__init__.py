"""Every write that matters to a case: views, commands and tasks call these, nothing else.

Each service is atomic: it re-reads the case through the user's scope with a row lock, checks the
user's permission (accounts.permissions), changes the case, saves, writes one audit event, and
writes its notices in the same transaction (notices.Notice), sent once it commits: nothing is sent
for a change that was rolled back, and nothing is lost when the broker is down.
"""

from cases.services.opening import OpenCasesElsewhere, case_open, require_opener
from cases.services.records import (
    case_grant_access,
    evidence_add,
    evidence_withdraw,
    household_change_head,
    inquiry_record_reply,
    inquiry_record_sent,
    subject_add,
    subject_decide,
)
from cases.workflow.engine import case_take_step, follow, require, transition_for
from cases.workflow.errors import CaseActionRefused, CaseStateConflict, ProofRefused

__all__ = [
    "CaseActionRefused",
    "CaseStateConflict",
    "OpenCasesElsewhere",
    "ProofRefused",
    "case_grant_access",
    "case_open",
    "case_take_step",
    "evidence_add",
    "evidence_withdraw",
    "follow",
    "household_change_head",
    "inquiry_record_reply",
    "inquiry_record_sent",
    "require",
    "require_opener",
    "subject_add",
    "subject_decide",
    "transition_for",
]
