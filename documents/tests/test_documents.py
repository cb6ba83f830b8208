"""The printed documents' registry and pages: every kind registered once, the QR codes already on
paper still lead to their verification page, an unknown kind is not found; and every stored file
of a printed document (the signed scans, the proof of an exit) is served by the one download page,
to whoever its app lets see it, and by its old address too."""

import hashlib

import pytest
from django.apps import apps
from django.test import Client

from audit.models import Read
from cases.choices import CaseState
from committees.models import Session
from enforcement.models import OrderedPerson
from najva.models import CancellationForm
from revocation.demo.walk import DEMO_PDF
from shared import printing
from tests.test_permission_matrix import _form_signed, _left_on_their_own, _session_signed


def test_every_printed_model_is_a_registered_kind():
    printed = {model for model in apps.get_models() if issubclass(model, printing.PrintedDocument)}
    kinds = printing.kinds()
    assert {
        kind.model for kind in kinds.values() if issubclass(kind.model, printing.PrintedDocument)
    } == printed
    assert set(kinds) == {
        "cancellation-form",
        "expulsion-order",
        "letter",
        "minutes",
        "exit-proof",
    }
    for slug, kind in kinds.items():
        # A kind with a QR code has a page to verify it; the proof of an exit is only a file.
        verifiable = issubclass(kind.model, printing.Verifiable)
        assert (kind.visible_to is not None) == verifiable, slug
        assert bool(kind.verify_template) == verifiable, slug
        if issubclass(kind.model, printing.PrintedDocument):
            assert kind.model.printed_kind == slug
            assert verifiable, f"{slug}: every printed document carries a QR code"
        # A signed scan is served for every model that keeps one.
        assert ("signed" in kind.files) == issubclass(kind.model, printing.SignedScan), slug


def test_a_kind_registered_twice_is_refused():
    kind = printing.kind_of("letter")
    other = printing.PrintedKind(
        slug="letter",
        model=kind.model,
        label="x",
        document_for=len,
        name=str,
        read_action=kind.read_action,
    )
    with pytest.raises(printing.ImproperlyConfigured):
        printing.register(other)


def test_only_a_printed_document_is_verified():
    proof = printing.kind_of("exit-proof")
    verified = printing.PrintedKind(
        slug="exit-proof-2",
        model=proof.model,
        label="x",
        document_for=len,
        name=str,
        read_action=proof.read_action,
        visible_to=len,
    )
    with pytest.raises(printing.ImproperlyConfigured):
        printing.register(verified)
    assert printing.kind_of("exit-proof-2") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "kind"),
    [
        ("/najva/verify/", "cancellation-form"),
        ("/enforcement/verify/", "expulsion-order"),
        ("/letters/verify/", "letter"),
    ],
)
def test_the_qr_codes_already_printed_still_lead_to_the_verification_page(client, old, kind):
    response = client.get(f"{old}Ab-c_12/?h=00ff")
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{kind}/Ab-c_12/verify/?h=00ff"


@pytest.mark.django_db
def test_an_unknown_kind_or_file_and_the_exit_proof_have_nothing_to_verify(client, users):
    client.force_login(users["supervisor_a"])
    assert client.get("/documents/passport/abc/verify/?h=00").status_code == 404
    assert client.get("/documents/passport/1/download/").status_code == 404
    assert client.get("/documents/exit-proof/abc/verify/?h=00").status_code == 404
    assert client.get("/documents/letter/1/download/signed/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("serial", ["Ab%00c", "%00", "a%20b", "\u06f1\u06f2", "a.b"])
def test_a_serial_no_printer_makes_is_not_found_and_never_a_server_error(client, users, serial):
    """A NUL byte in a serial answered 500 (PostgreSQL refuses it in a query): a serial is only
    what shared.printing.new_serial makes, anything else is not found, by the old QR paths too."""
    client.force_login(users["supervisor_a"])
    assert client.get(f"/documents/letter/{serial}/verify/?h=00").status_code == 404
    assert client.get(f"/letters/verify/{serial}/?h=00").status_code == 404


# --------------------------------------------------------------------------------------------------
# The stored scans, served by the one download page


def _form_scan(case):
    form = CancellationForm.objects.get(subject__case=case, signed_at__isnull=False)
    return form, f"/najva/forms/{form.pk}/scan/"


def _minutes_scan(case):
    session = Session.objects.latest("pk")
    return session.minutes, f"/sessions/{session.pk}/minutes/signed/"


def _exit_proof(case):
    entry = OrderedPerson.objects.get(order__case=case, outcome="left")
    return entry, f"/enforcement/persons/{entry.pk}/proof/"


# (kind, variant, the case's state, its setup, the stored row and the old address, the fields of
# the file, its digest and its type, the readers of Tehran who may fetch it, the bytes uploaded)
SCANS = [
    pytest.param(
        "cancellation-form", "signed", CaseState.CARD_CANCELLED, _form_signed, _form_scan,
        ("signed_scan", "scan_sha256", "scan_content_type"), b"signed", id="form-scan",
    ),
    pytest.param(
        "minutes", "signed", CaseState.READY_FOR_PROVINCE, _session_signed, _minutes_scan,
        ("signed_scan", "scan_sha256", "scan_content_type"), b"signed", id="minutes-scan",
    ),
    pytest.param(
        "exit-proof", "", CaseState.EXPULSION_ORDERED, _left_on_their_own, _exit_proof,
        ("proof", "proof_sha256", "proof_content_type"), b"exit", id="exit-proof",
    ),
]  # fmt: skip


def _fetch(user, url, *, follow=False):
    client = Client()
    client.force_login(user)
    return client.get(url, follow=follow)


@pytest.mark.django_db
@pytest.mark.usefixtures("private_storage")
@pytest.mark.parametrize(("kind", "variant", "state", "setup", "row_of", "fields", "tail"), SCANS)
def test_a_scan_is_served_by_the_documents_page_to_its_province_only(
    kind, variant, state, setup, row_of, fields, tail, case_in, actors_a, users
):
    case = case_in(state)
    setup(case, actors_a)
    row, old_url = row_of(case)
    file_field, digest_field, type_field = fields
    url = printing.download_url(kind, row.pk, variant)
    assert url == f"/documents/{kind}/{row.pk}/download/{variant + '/' if variant else ''}"
    uploaded = DEMO_PDF + tail

    served = _fetch(users["supervisor_a"], url)
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    assert body == uploaded and hashlib.sha256(body).hexdigest() == getattr(row, digest_field)
    assert served["Content-Type"] == getattr(row, type_field) == "application/pdf"
    # An upload is a download, never shown inline; its name says its kind and type.
    disposition = served["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'filename="{kind}-' in disposition
    assert disposition.endswith('.pdf"')
    read = Read.objects.latest("pk")
    assert (read.actor, read.action) == (users["supervisor_a"], "scan")
    assert read.case_id == case.pk or read.case_ids == [case.pk]
    assert getattr(row, file_field)

    # Another province's users are told nothing of it (404), as on the app's own pages.
    for other in ("expert_b", "secretary_b", "supervisor_b", "enforcement_b"):
        assert _fetch(users[other], url).status_code in {403, 404}, other
        assert _fetch(users[other], old_url).status_code in {403, 404}, other
    for other in ("expert_b", "supervisor_b"):
        assert _fetch(users[other], url).status_code == 404, other
    reads = Read.objects.count()
    assert _fetch(users["supervisor_b"], url).status_code == 404
    assert Read.objects.count() == reads  # nothing served, nothing logged

    # The old address still reaches the same file.
    again = _fetch(users["supervisor_a"], old_url, follow=True)
    assert again.status_code == 200
    assert b"".join(again.streaming_content) == uploaded


@pytest.mark.django_db
@pytest.mark.usefixtures("private_storage")
def test_a_scan_not_uploaded_or_of_another_kind_is_not_found(case_in, actors_a, users):
    case = case_in(CaseState.CARD_CANCELLED)
    from najva import services as najva

    form = najva.form_print(subject=case.subjects.order_by("pk").first(), by=actors_a.supervisor)
    supervisor = users["supervisor_a"]
    assert _fetch(supervisor, form.download_url).status_code == 200
    assert _fetch(supervisor, form.signed_scan_url).status_code == 404  # not signed yet
    assert _fetch(supervisor, f"/najva/forms/{form.pk}/scan/").status_code == 404
    assert _fetch(supervisor, printing.download_url("letter", form.pk, "signed")).status_code == 404
    assert (
        _fetch(supervisor, printing.download_url(form.printed_kind, form.pk, "proof")).status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("private_storage")
def test_the_file_names_and_labels_are_the_kinds(case_in, actors_a):
    """shared.printing names every file from its kind: slug, variant, the document's own name,
    and the extension of its type; the label from the kind's label."""
    case = case_in(CaseState.CARD_CANCELLED)
    _form_signed(case, actors_a)
    form = CancellationForm.objects.get(subject__case=case)
    kind = printing.kind_of("cancellation-form")
    printed = kind.download(form)
    signed = kind.download(form, "signed")
    name = f"{case.number}-{form.subject_id}"
    assert printed.filename == f"cancellation-form-{name}.pdf"
    assert signed.filename == f"cancellation-form-signed-{name}.pdf"
    assert (printed.label, signed.label) == (
        f"فرم ابطال کارت {name}",
        f"فرم ابطال کارت امضاشده {name}",
    )
    assert (printed.inline, signed.inline) == (True, False)
    assert (printed.read_action, signed.read_action) == ("najva_form", "scan")
    assert printed.read == {"case": form.subject.case, "detail": f"cancellation-form {form.pk}"}
    assert signed.read["detail"] == f"cancellation-form {form.pk} signed"
    assert (printed.sha256, signed.sha256) == (form.sha256, form.scan_sha256)


@pytest.mark.django_db
@pytest.mark.usefixtures("private_storage")  # it alters the files on disk
@pytest.mark.parametrize(("kind", "variant", "state", "setup", "row_of", "fields", "tail"), SCANS)
def test_a_scan_replaced_with_its_rows_digest_is_refused_by_the_documents_page(
    kind, variant, state, setup, row_of, fields, tail, case_in, actors_a, users
):
    """Issue 21, through the one download page: an upload's digest must also be the one the
    trail recorded when it was stored; a file replaced with its row's digest is refused."""
    from audit.models import Event

    case = case_in(state)
    setup(case, actors_a)
    row, _ = row_of(case)
    file_field, digest_field, _ = fields
    url = printing.download_url(kind, row.pk, variant)
    assert _fetch(users["supervisor_a"], url).status_code == 200

    forged = DEMO_PDF + b"%forged"
    with open(getattr(row, file_field).path, "wb") as handle:
        handle.write(forged)
    type(row).objects.filter(pk=row.pk).update(**{digest_field: hashlib.sha256(forged).hexdigest()})

    refused = _fetch(users["supervisor_a"], url)
    assert refused.status_code == 500
    assert b"forged" not in refused.content
    assert Event.objects.filter(action="file_integrity_failed").exists()
