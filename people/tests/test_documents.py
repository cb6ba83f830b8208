"""Identity documents: one number whatever digits it was typed in, unique per document type; the
status moves only valid ⇄ suspended → cancelled, and nothing leads out of cancelled."""

import pytest
from django.db import IntegrityError, transaction
from django_fsm import TransitionNotAllowed

from people.models import DocumentStatus, IdentityDocument
from people.tests import factories
from reference.models import DocumentType

pytestmark = pytest.mark.django_db


def test_an_identity_number_in_three_scripts_is_one_number(reference_data):
    amayesh = DocumentType.objects.get(code=DocumentType.AMAYESH)
    first = factories.IdentityDocumentFactory(number="۱۲۳۴۵۶۷۸۹۰", document_type=amayesh)
    first.refresh_from_db()
    assert first.number == "1234567890"

    for typed in ["١٢٣٤٥٦٧٨٩٠", "1234567890", " 123-456-7890 "]:
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.IdentityDocumentFactory(number=typed, document_type=amayesh)
    assert IdentityDocument.objects.filter(document_type=amayesh).count() == 1

    # The same number is another document under another type.
    permit = DocumentType.objects.get(code=DocumentType.TRAVEL_PERMIT_90)
    factories.IdentityDocumentFactory(number="١٢٣٤٥٦٧٨٩٠", document_type=permit)
    assert IdentityDocument.objects.filter(number="1234567890").count() == 2


def test_a_suspended_document_is_restored_or_cancelled(reference_data):
    document = factories.IdentityDocumentFactory()
    assert document.status == DocumentStatus.VALID
    document.suspend()
    document.save()
    document.restore()
    document.save()
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    with pytest.raises(TransitionNotAllowed):  # only a suspended document is restored
        document.restore()


@pytest.mark.parametrize("suspended_first", [False, True])
def test_a_cancelled_document_never_becomes_valid_again(reference_data, suspended_first):
    document = factories.IdentityDocumentFactory()
    if suspended_first:
        document.suspend()
    document.cancel()
    document.save()
    document.refresh_from_db()
    assert document.status == DocumentStatus.CANCELLED
    for transition in (document.restore, document.suspend, document.cancel):
        with pytest.raises(TransitionNotAllowed):
            transition()
    with pytest.raises(AttributeError):  # the status field is protected
        document.status = DocumentStatus.VALID
    document.refresh_from_db()
    assert document.status == DocumentStatus.CANCELLED
