"""Issue 11, items 4 and 5 on the case page: hostile uploads refused, stored files checked when
they are downloaded, a replaced reply scan kept, and the files' modes."""

import hashlib
import logging
import os
import stat

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event, Read
from cases.choices import CaseState
from cases.models import Evidence, ReplyScanVersion
from cases.trail import CaseRead
from revocation.demo.walk import DEMO_PDF
from shared.persian import jalali
from tests.files import HOSTILE, JPEG, PNG

# Each test in its own folder: the tests count and alter the files on disk.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def expert(client, actors_a):
    client.force_login(actors_a.expert)
    return client


def upload(client, case, name, content):
    return client.post(
        reverse("cases:evidence_upload", args=[case.number]),
        {"evidence_type": "agency_report", "file": SimpleUploadedFile(name, content)},
    )


def stored_files() -> set[str]:
    root = default_storage.location
    return {
        os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [pytest.param(name, content, message, id=what) for what, name, content, message in HOSTILE],
)
def test_a_hostile_upload_is_refused_with_its_reason_and_nothing_is_stored(
    expert, case_in, name, content, message
):
    case = case_in(CaseState.RECEIVED)
    rows, files = Evidence.objects.count(), stored_files()
    events = case.events.count()
    page = upload(expert, case, name, content)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert Evidence.objects.count() == rows
    assert stored_files() == files
    assert case.events.count() == events


def test_a_display_name_says_what_the_content_is(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    assert upload(expert, case, "invoice.pdf.exe", DEMO_PDF).status_code == 302
    assert upload(expert, case, "photo.PNG.scr", JPEG).status_code == 302
    names = list(case.evidence.order_by("-pk").values_list("original_name", flat=True)[:2])
    assert names == ["photo.jpg", "invoice.pdf"]


def test_a_file_name_with_a_bidi_override_is_not_kept(expert, case_in):
    # Django's parser drops non-printable characters from the name; the display name is then
    # rebuilt from the content ("…exe" holding a PDF shows as a PDF), so "report‮fdp.exe" cannot
    # pose as "reportexe.pdf". validate_upload also refuses such a name outright (unit test).
    case = case_in(CaseState.RECEIVED)
    assert upload(expert, case, "report\u202efdp.exe", DEMO_PDF).status_code == 302
    assert case.evidence.latest("pk").original_name == "reportfdp.pdf"


def test_bidi_controls_are_refused_in_a_reason_and_a_letter_number(expert, case_in):
    case = case_in(CaseState.EXPERT_REVIEW)
    item = case.evidence.first()
    page = expert.post(
        reverse("cases:evidence_withdraw", args=[case.number, item.pk]),
        {"reason": "اشتباه \u2067ثبت شد\u2069"},
    )
    assert page.status_code == 400
    assert "کنترل دوسویه یونیکد" in page.content.decode()
    item.refresh_from_db()
    assert item.withdrawn_at is None
    sent = expert.post(
        reverse("cases:inquiry_send", args=[case.number, "police"]),
        {"letter_number": "12\u202e34", "sent_on": jalali(case.opened_at), "due_on": ""},
    )
    assert sent.status_code == 400
    assert "کنترل دوسویه یونیکد" in sent.content.decode()
    assert not case.inquiries.filter(letter_number__contains="\u202e").exists()


def test_an_evidence_file_altered_on_disk_is_refused_with_a_security_event(
    expert, case_in, actors_a, caplog
):
    case = case_in(CaseState.RECEIVED)
    item = case.evidence.first()
    url = reverse("cases:evidence_download", args=[case.number, item.pk])
    good = expert.get(url)
    assert good.status_code == 200
    assert b"".join(good.streaming_content) == item.file.open("rb").read()

    with open(item.file.path, "wb") as handle:  # someone with disk access swaps the bytes
        handle.write(DEMO_PDF + b"forged")
    with caplog.at_level(logging.ERROR, logger="shared.http"):
        refused = expert.get(url)
    assert refused.status_code == 500
    page = refused.content.decode()
    assert "در بررسی سلامت رد شد" in page and "مدیر فناوری اطلاعات" in page
    assert b"forged" not in refused.content
    event = Event.objects.get(action="file_integrity_failed")
    assert (event.kind, event.case_id, event.actor) == ("security", case.pk, actors_a.expert)
    assert item.sha256 in str(event.changes)
    assert hashlib.sha256(DEMO_PDF + b"forged").hexdigest() in str(event.changes)
    assert any(
        r.levelno == logging.ERROR and "integrity check failed" in r.getMessage()
        for r in caplog.records
    )
    # One error line for the one 500: Django's "Internal Server Error" is not written again.
    assert [r.name for r in caplog.records if r.levelno >= logging.ERROR] == ["shared.http"]
    # Only the download that was served is in the read log.
    assert Read.objects.filter(action=CaseRead.EVIDENCE, case_id=case.pk).count() == 1


def test_a_stored_file_gone_from_disk_is_refused_like_an_altered_one(expert, case_in, actors_a):
    case = case_in(CaseState.RECEIVED)
    item = case.evidence.first()
    os.remove(item.file.path)

    refused = expert.get(reverse("cases:evidence_download", args=[case.number, item.pk]))

    assert refused.status_code == 500
    assert "در بررسی سلامت رد شد" in refused.content.decode()
    event = Event.objects.get(action="file_integrity_failed")
    assert (event.kind, event.case_id) == ("security", case.pk)
    assert "فایل یافت نشد" in str(event.changes)
    assert not Read.objects.filter(action=CaseRead.EVIDENCE, case_id=case.pk).exists()


def _reply(client, case, content, name="reply.png"):
    return client.post(
        reverse("cases:inquiry_reply", args=[case.number, "police"]),
        {
            "replied_on": jalali(case.opened_at),
            "outcome": "record_found",
            "reply_document": SimpleUploadedFile(name, content),
        },
    )


def test_a_replaced_reply_scan_is_kept_as_an_earlier_version_and_checked(expert, case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    assert _reply(expert, case, PNG).status_code == 302
    first = case.inquiries.get(agency="police")
    assert first.reply_sha256 == hashlib.sha256(PNG).hexdigest()
    assert first.reply_content_type == "image/png"
    old_name = first.reply_document.name

    assert _reply(expert, case, JPEG, "again.jpg").status_code == 302
    inquiry = case.inquiries.get(agency="police")
    assert inquiry.reply_sha256 == hashlib.sha256(JPEG).hexdigest()
    version = ReplyScanVersion.objects.get(inquiry=inquiry)
    assert (version.file.name, version.sha256) == (old_name, hashlib.sha256(PNG).hexdigest())
    assert (version.content_type, version.replaced_by) == ("image/png", actors_a.expert)
    assert default_storage.exists(old_name)  # not orphaned, not deleted

    page = expert.get(reverse("cases:detail", args=[case.number])).content.decode()
    earlier = reverse(
        "cases:inquiry_reply_version_download", args=[case.number, "police", version.pk]
    )
    assert earlier in page and "نسخه‌های پیشین" in page
    download = expert.get(earlier)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG
    current = expert.get(reverse("cases:inquiry_reply_download", args=[case.number, "police"]))
    assert b"".join(current.streaming_content) == JPEG

    with open(version.file.path, "ab") as handle:
        handle.write(b"\x00altered")
    assert expert.get(earlier).status_code == 500
    assert Event.objects.filter(action="file_integrity_failed", case_id=case.pk).count() == 1


def test_stored_files_are_0640_in_0750_directories(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    assert upload(expert, case, "scan.png", PNG).status_code == 302
    item = case.evidence.latest("pk")
    assert stat.S_IMODE(os.stat(item.file.path).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(os.path.dirname(item.file.path)).st_mode) == 0o750


def test_a_pdf_we_print_is_stored_0640(case_in):
    from enforcement.models import ExpulsionOrder

    case = case_in(CaseState.EXPULSION_ORDERED)
    order = ExpulsionOrder.objects.get(case=case)
    assert order.file.open("rb").read(5) == b"%PDF-"
    assert stat.S_IMODE(os.stat(order.file.path).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(os.path.dirname(order.file.path)).st_mode) == 0o750
