"""What a step is taken on: the kinds of proof the rule book names.

A step decided by a body the cases app does not hold (a working group) or recorded with a
document another app keeps (an expulsion order, a person's exit) names the kind of proof it needs;
the app that keeps such records registers the verifier of that kind (``cases.workflow.registry``).
No string stands in for a proof: the engine is given the record itself, and its verifier checks
it is of this case, for this step, and final.
"""

from django.db import models


class ProofKind(models.TextChoices):
    NONE = "none", "بدون سند"
    # An agenda item of a closed session of the case's provincial working group, held with its
    # quorum, whose resolution is this step.
    PROVINCIAL_RESOLUTION = "provincial_resolution", "مصوبه جلسه بسته‌شده کارگروه استان"
    # An agenda item of a closed session of the national working group, with the batch's letter.
    NATIONAL_LETTER = "national_letter", "نامه کارگروه دائمی کشور از جلسه بسته‌شده"
    # The case's first expulsion order.
    EXPULSION_ORDER = "expulsion_order", "دستور اخراج"
    # The recorded exit (expelled, or gone before the deadline) of a person on the case's orders.
    EXIT_RECORD = "exit_record", "ثبت خروج شخص در اجرای دستور اخراج"
    # The case's report of an illegal exit, on which each person's earlier exit is recorded.
    PRIOR_EXIT_REPORT = "prior_exit_report", "گزارش خروج پیشین از کشور"

    @property
    def in_session(self) -> bool:
        """Decided by a working group in a session (its votes, quorum and resolution there)."""
        return self in (ProofKind.PROVINCIAL_RESOLUTION, ProofKind.NATIONAL_LETTER)
