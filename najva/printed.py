"""The card cancellation form as a printed kind (shared.printing): who may download it, its signed
scan and its verification page is najva's rule, the pages are documents.views. Registered in
NajvaConfig.ready()."""

from najva import selectors, services
from najva.models import CancellationForm
from najva.trail import NajvaRead
from najva.views import _form_or_404
from shared.printing import PRINTED, PrintedKind, signed_scan


def _visible_to(user):
    return selectors.forms_visible_to(user=user).select_related(
        "subject__case", "subject__person", "printed_by", "signed_by"
    )


KIND = PrintedKind(
    slug=CancellationForm.printed_kind,
    model=CancellationForm,
    label="فرم ابطال کارت",
    document_for=_form_or_404,
    name=lambda form: f"{form.subject.case.number}-{form.subject_id}",
    case=lambda form: form.subject.case,
    read_action=NajvaRead.NAJVA_FORM,
    files={"": PRINTED, "signed": signed_scan(NajvaRead.SCAN)},
    visible_to=_visible_to,
    verify_template="najva/verify.html",
    verify_context=lambda form: {"registrations": services.form_registrations(form.subject)},
)
