"""Every stored file has its SHA-256 recorded, and no download serves one without checking it."""

import ast
import hashlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from audit.models import Event
from cases.choices import CaseState

ROOT = Path(__file__).resolve().parent.parent

# Every FileField of the project -> the field holding the SHA-256 of its bytes, and the download
# URL of a row (None: served only through another row's view).
STORED_FILES = {
    ("cases.Evidence", "file"): "sha256",
    ("cases.Inquiry", "reply_document"): "reply_sha256",
    ("cases.ReplyScanVersion", "file"): "sha256",
    ("committees.Minutes", "file"): "sha256",
    ("committees.Minutes", "signed_scan"): "scan_sha256",
    ("najva.CancellationForm", "file"): "sha256",
    ("najva.CancellationForm", "signed_scan"): "scan_sha256",
    ("enforcement.ExpulsionOrder", "file"): "sha256",
    ("enforcement.OrderedPerson", "proof"): "proof_sha256",
    ("letters.Letter", "file"): "sha256",
}


def test_every_file_field_has_a_recorded_digest():
    found = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert found == set(STORED_FILES), "a new FileField needs its SHA-256 field and a checked view"
    for (label, _), digest in STORED_FILES.items():
        assert apps.get_model(label)._meta.get_field(digest).max_length == 64


def attachment_calls():
    for path in ROOT.glob("*/views*.py"):
        yield from _calls(path)
    for path in ROOT.glob("*/views/*.py"):
        yield from _calls(path)


def _calls(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "attachment":
            yield path.relative_to(ROOT), node


def test_every_download_passes_the_recorded_digest():
    calls = list(attachment_calls())
    # The case's evidence and replies, and documents.views.download: every printed document's
    # files (the PDF, the signed scan) and the proof of an exit, by their kinds (see below).
    assert len(calls) >= 4
    digests = set(STORED_FILES.values())
    for path, call in calls:
        given = {k.arg: k.value for k in call.keywords}
        assert "sha256" in given and "request" in given, (path, call.lineno)
        assert isinstance(given["sha256"], ast.Attribute), (path, call.lineno)
        assert given["sha256"].attr in digests, (path, call.lineno)
    # And no view streams a stored file by any other means.
    for path in [*ROOT.glob("*/views*.py"), *ROOT.glob("*/views/*.py")]:
        assert "FileResponse" not in path.read_text(), path


def test_every_file_the_documents_page_serves_is_checked_by_its_own_digest():
    """documents.views.download passes ``served.sha256``: each kind's files name the field that
    keeps them and the field of their recorded digest, as listed above."""
    from shared import printing

    served = set()
    for kind in printing.kinds().values():
        for variant, stored in kind.files.items():
            key = (kind.model._meta.label, stored.file)
            assert STORED_FILES.get(key) == stored.sha256, (kind.slug, variant)
            served.add(key)
    # Every stored file but the case's own (its evidence and replies: cases.views.records).
    assert served == {key for key in STORED_FILES if not key[0].startswith("cases.")}


@pytest.mark.django_db
@pytest.mark.usefixtures("private_storage")  # it alters the files on disk
def test_altered_printed_files_are_refused_on_download(client, case_in, actors_a):
    """The PDFs we print (the Najva cancellation form, the expulsion order) and the stored scans:
    each altered on disk, each refused by its own view, each with its security event."""
    from enforcement.models import ExpulsionOrder
    from najva import services as najva

    case = case_in(CaseState.EXPULSION_ORDERED)
    form = najva.form_print(subject=case.subjects.first(), by=actors_a.supervisor)
    rows = [
        (ExpulsionOrder.objects.get(case=case), "expulsion-order"),
        (form, "cancellation-form"),
    ]
    people = [actors_a.supervisor, actors_a.secretary, actors_a.expert]
    for row, name in rows:
        assert row is not None and row.file, name
        assert hashlib.sha256(row.file.open("rb").read()).hexdigest() == row.sha256
        url = reverse("documents:download", args=[name, row.pk])
        reader = next(
            p for p in people if client.force_login(p) or client.get(url).status_code == 200
        )
        client.force_login(reader)
        with open(row.file.path, "ab") as handle:
            handle.write(b"\n% appended")
        refused = client.get(url)
        assert refused.status_code == 500, name
        assert "در بررسی سلامت رد شد" in refused.content.decode()
    events = Event.objects.filter(action="file_integrity_failed", kind="security", case_id=case.pk)
    assert events.count() == len(rows)


@pytest.mark.django_db
@pytest.mark.usefixtures("private_storage")
def test_every_upload_a_walked_case_stored_is_in_the_trail(case_in):
    """Issue 21: each kind of upload's digest is in the chained event that stored it."""
    from audit.files import stored_file_problems

    case_in(CaseState.EXPELLED)
    checked, problems = stored_file_problems()
    assert checked >= 3
    assert problems == []


@pytest.mark.django_db
@pytest.mark.usefixtures("private_storage")
def test_a_file_replaced_with_its_rows_digest_is_refused_reported_and_found_at_night(
    client, case_in, actors_a, caplog
):
    """Issue 21: a replaced evidence file whose row's hash was updated too (what the app's
    database role can do) was served with no alarm. The trail's digest now decides: refused when
    served (Persian page, security event), reported by verify_audit and by the nightly check."""
    import logging

    from django.core.management import CommandError, call_command

    from audit.tasks import verify_stored_files
    from cases.models import Evidence
    from revocation.demo.walk import DEMO_PDF

    case = case_in(CaseState.RECEIVED)
    item = case.evidence.first()
    url = reverse("cases:evidence_download", args=[case.number, item.pk])
    client.force_login(actors_a.expert)
    assert client.get(url).status_code == 200
    call_command("verify_audit", "--no-record")

    forged = DEMO_PDF + b"%forged"
    with open(item.file.path, "wb") as handle:
        handle.write(forged)
    Evidence.objects.filter(pk=item.pk).update(sha256=hashlib.sha256(forged).hexdigest())

    with caplog.at_level(logging.ERROR):
        refused = client.get(url)
    assert refused.status_code == 500
    assert "در بررسی سلامت رد شد" in refused.content.decode()
    assert b"forged" not in refused.content
    event = Event.objects.get(action="file_integrity_failed")
    assert (event.kind, event.case_id) == ("security", case.pk)
    assert any(change["field"] == "trail" for change in event.changes)
    assert "not in the audit trail" in caplog.text

    with pytest.raises(CommandError, match="digest not in the audit trail"):
        call_command("verify_audit", "--no-record")
    assert verify_stored_files() == {"checked": pytest.approx(1, abs=100), "problems": 1}
    night = Event.objects.get(action="stored_files_check_failed")
    assert night.kind == "security" and "evidence" in str(night.changes).lower()
