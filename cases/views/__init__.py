"""The case pages. Thin: read through selectors, ask accounts.permissions, write through services.

Every view that touches a case fetches it through ``case_or_404``: 404 when the user may not see it
(never revealing that another province's case exists), 403 when they may see it but not act, 409
when the step or change does not apply in the case's present state (someone moved it first).
"""
