"""Permission-filtered reads of cases: every case query of a view starts here, by what it serves.

- ``case_page``: the case with everything its page shows, the steps a user may take on it, when it
  is due, its latest move, and the page's context (``case_page_context``);
- ``queues``: the work queue and the counts per state;
- ``search``: the case list's search, filters and rows;
- ``intake``: a new case's look-ups (who may not be named again, open cases naming a person; what
  the front desk learns of a person another province registered is intake.selectors');
- ``cancellation``: the cancellation's preview;
- ``notices``: who must act next on a case.

List pages run a fixed number of queries however many cases they show: scope is an SQL filter
(accounts.permissions.visible_cases), and the rules of the steps read prefetched rows. Callers
import each read from its module.
"""
