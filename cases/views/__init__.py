"""The case pages. Thin: read through selectors, ask accounts.permissions, write through services.

Every view that touches a case fetches it through ``case_or_404``: 404 when the user may not see it
(never revealing that another province's case exists), 403 when they may see it but not act, 409
when the step or change does not apply in the case's present state (someone moved it first).
"""

from cases.views.case import case_action, case_detail
from cases.views.intake import intake
from cases.views.lists import case_list, work_queue
from cases.views.records import (
    evidence_download,
    evidence_upload,
    evidence_withdraw,
    household_head,
    inquiry_reply,
    inquiry_reply_download,
    inquiry_reply_version_download,
    inquiry_send,
    subject_add,
    subject_decision,
)

__all__ = [
    "case_action",
    "case_detail",
    "case_list",
    "evidence_download",
    "evidence_upload",
    "evidence_withdraw",
    "household_head",
    "inquiry_reply",
    "inquiry_reply_download",
    "inquiry_reply_version_download",
    "inquiry_send",
    "intake",
    "subject_add",
    "subject_decision",
    "work_queue",
]
