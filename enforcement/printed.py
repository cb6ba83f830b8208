"""The expulsion order as a printed kind (shared.printing): who may download and verify it is
enforcement's rule, the pages are documents.views. Registered in EnforcementConfig.ready()."""

from enforcement import selectors
from enforcement.models import ExpulsionOrder
from enforcement.trail import EnforcementRead
from enforcement.views import _order_or_404
from shared.printing import Download, PrintedKind


def _download(order: ExpulsionOrder) -> Download:
    return Download(
        filename=f"expulsion-order-{order.number}.pdf",
        label=f"دستور اخراج {order.number}",
        case=order.case,
        read_action=EnforcementRead.ORDER,
        read={"case_id": order.case_id, "detail": f"order {order.pk}"},
    )


def _visible_to(user):
    return selectors.orders_visible_to(user=user).select_related(
        "case", "border_point", "issued_by"
    )


KIND = PrintedKind(
    slug=ExpulsionOrder.printed_kind,
    model=ExpulsionOrder,
    label="دستور اخراج",
    document_for=_order_or_404,
    download=_download,
    visible_to=_visible_to,
    verify_template="enforcement/verify.html",
    verify_context=lambda order: {"entries": list(order.persons.select_related("subject__person"))},
)
