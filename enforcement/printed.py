"""The expulsion order and the proof of an exit as kinds of shared.printing: who may download and
verify them is enforcement's rule, the pages are documents.views. Registered in
EnforcementConfig.ready()."""

from enforcement import selectors
from enforcement.models import ExpulsionOrder, OrderedPerson
from enforcement.trail import EnforcementRead
from enforcement.views import _entry_or_404, _order_or_404
from shared.printing import PrintedKind, Stored


def _visible_to(user):
    return selectors.orders_visible_to(user=user).select_related(
        "case", "border_point", "issued_by"
    )


ORDER = PrintedKind(
    slug=ExpulsionOrder.printed_kind,
    model=ExpulsionOrder,
    label="دستور اخراج",
    document_for=_order_or_404,
    name=lambda order: order.number,
    case=lambda order: order.case,
    read_action=EnforcementRead.ORDER,
    visible_to=_visible_to,
    verify_template="enforcement/verify.html",
    verify_context=lambda order: {"entries": list(order.persons.select_related("subject__person"))},
)

# The proof that an ordered person left on their own: an upload kept on its entry of the order,
# served as a kind of its own (not printed, nothing to verify).
EXIT_PROOF = PrintedKind(
    slug=OrderedPerson.proof_kind,
    model=OrderedPerson,
    label="مدرک خروج",
    document_for=_entry_or_404,
    name=lambda entry: f"{entry.order.case.number}-{entry.pk}",
    case=lambda entry: entry.order.case,
    read_action=EnforcementRead.SCAN,
    files={"": Stored(file="proof", sha256="proof_sha256", content_type="proof_content_type")},
)

KINDS = (ORDER, EXIT_PROOF)
