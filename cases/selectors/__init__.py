"""Permission-filtered reads of cases: every case query of a view starts here, by what it serves.

- ``case_page``: the case with everything its page shows, the steps a user may take on it, when it
  is due, its latest move, and the page's context (``case_page_context``);
- ``queues``: the work queue and the counts per state;
- ``search``: the case list's search, filters and rows;
- ``intake``: a new case's look-ups (who may not be named again, open cases naming a person, a
  person another province registered);
- ``cancellation``: the cancellation's preview;
- ``notices``: who must act next on a case.

List pages run a fixed number of queries however many cases they show: scope is an SQL filter
(accounts.permissions.visible_cases), and the rules of the steps read prefetched rows. The names
below are kept importable from ``cases.selectors`` itself.
"""

from cases.selectors.cancellation import cancellation_preview
from cases.selectors.case_page import (
    SERVICE_TARGET_DAYS,
    StepView,
    applies_to,
    case_due_on,
    case_for_page,
    last_move,
    members_with_live_documents,
    steps_for,
    unmet_conditions,
    visible_case,
)
from cases.selectors.intake import (
    FoundElsewhere,
    OpenCase,
    found_elsewhere,
    open_cases_naming,
    subjects_unavailable,
)
from cases.selectors.notices import next_actors
from cases.selectors.queues import (
    QUEUE_PER_STEP,
    QUEUE_PREFETCH,
    MemberRow,
    QueueGroup,
    QueueItem,
    state_counts,
    work_queue,
)
from cases.selectors.search import (
    LIST_COLUMNS,
    MATCHED_IDS_LIMIT,
    ListRow,
    experts_of,
    list_rows,
    search_cases,
)

__all__ = [
    "LIST_COLUMNS",
    "MATCHED_IDS_LIMIT",
    "QUEUE_PER_STEP",
    "QUEUE_PREFETCH",
    "SERVICE_TARGET_DAYS",
    "FoundElsewhere",
    "ListRow",
    "MemberRow",
    "OpenCase",
    "QueueGroup",
    "QueueItem",
    "StepView",
    "applies_to",
    "cancellation_preview",
    "case_due_on",
    "case_for_page",
    "experts_of",
    "found_elsewhere",
    "last_move",
    "list_rows",
    "members_with_live_documents",
    "next_actors",
    "open_cases_naming",
    "search_cases",
    "state_counts",
    "steps_for",
    "subjects_unavailable",
    "unmet_conditions",
    "visible_case",
    "work_queue",
]
