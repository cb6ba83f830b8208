"""The minutes as a PDF: made by a task, stored with its SHA-256, served again until the session
changes; and the signed scan. The PDF is read back with poppler (pdftotext, pdffonts)."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.choices import CaseState
from committees import services
from committees.models import Minutes
from revocation.demo.walk import DEMO_PDF
from shared import clock
from shared.persian import digits_to_persian
from tests.tools import poppler

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def test_the_minutes_are_made_stored_and_read_back(
    client, users, closed_session, members, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(users["secretary_a"])
    url = reverse("committees:minutes", args=[closed_session.pk])
    assert "تهیه صورتجلسه" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302  # the task runs eagerly in tests
    minutes = Minutes.objects.get(session=closed_session)
    assert minutes.status == Minutes.Status.READY and minutes.version == closed_session.version
    page = client.get(url).content.decode()
    assert "دریافت PDF صورتجلسه" in page
    response = client.get(closed_session.minutes.download_url)
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == minutes.sha256
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)

    text = poppler("pdftotext", "-layout", str(path), "-")
    assert "صورتجلسه" in text
    numbers = [digits_to_persian(case.number) for case in closed_session.cases]
    positions = [text.find(number) for number in numbers]
    assert -1 not in positions, (numbers, text)
    assert positions == sorted(positions)  # in agenda order
    for member in members[:4]:
        assert member.full_name in text
    assert members[4].full_name in text  # absent, and named as such
    # «صفحه ۱ از ۱» in Persian digits (pdftotext adds direction marks and layout spaces).
    assert re.search(r"صفحه\W*۱\W*از\W*۱", text), text
    fonts = poppler("pdffonts", str(path))
    assert "Vazirmatn" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())

    # Asked again with no change: the same file, no new rendering.
    made_at = minutes.printed_at
    with django_capture_on_commit_callbacks(execute=True) as queued:
        client.post(url)
    assert queued == []
    minutes.refresh_from_db()
    assert minutes.printed_at == made_at


def test_a_change_to_the_session_makes_the_old_minutes_stale(
    client, users, members, case_in, django_capture_on_commit_callbacks
):

    from committees.selectors import working_group_of

    secretary = users["secretary_a"]
    session = services.session_open(
        group=working_group_of(members[0].group.province), by=secretary, number="۱۳/۱۴۰۵",
        held_on=clock.today(), place="استانداری",
    )  # fmt: skip
    client.force_login(secretary)
    url = reverse("committees:minutes", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    first = Minutes.objects.get(session=session)
    assert first.is_current()
    services.agenda_add(
        session=session, by=secretary, cases=[case_in(CaseState.READY_FOR_PROVINCE)]
    )
    first.refresh_from_db()
    assert not first.is_current()
    assert client.get(session.minutes.download_url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    second = Minutes.objects.get(session=session)
    assert second.is_current() and second.sha256 != first.sha256


def test_the_signed_scan_is_kept_with_its_digest_once_the_session_is_closed(
    client, users, closed_session
):
    client.force_login(users["secretary_a"])
    url = reverse("committees:minutes_signed", args=[closed_session.pk])
    bad = client.post(
        url, {"scan": SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf")}, follow=True
    )
    assert "PDF، JPEG یا PNG نیست" in bad.content.decode()
    scan = DEMO_PDF + b"signed"
    client.post(url, {"scan": SimpleUploadedFile("signed.pdf", scan, "application/pdf")})
    minutes = Minutes.objects.get(session=closed_session)
    assert minutes.scan_sha256 == hashlib.sha256(scan).hexdigest()
    assert minutes.signed_by == users["secretary_a"]
    client.force_login(users["auditor"])
    # Served by the documents' download; the session's address leads there.
    got = client.get(url)
    assert got.status_code == 302 and got["Location"] == minutes.signed_scan_url
    got = client.get(minutes.signed_scan_url)
    assert b"".join(got.streaming_content) == scan
    assert got["Content-Disposition"] == (
        f'attachment; filename="minutes-signed-{closed_session.pk}-v{minutes.version}.pdf"'
    )
    assert (
        client.post(url, {"scan": SimpleUploadedFile("s.pdf", scan, "application/pdf")}).status_code
        == 403
    )


def test_a_worker_process_loads_the_pdf_machinery_as_it_starts():
    from celery.signals import worker_process_init

    from committees.tasks import _warm_up_pdf

    # Connected to the signal a starting worker process sends (not sent here: Celery's Django
    # fix-up also listens to it, and closes the database connections), and it renders a line of
    # Persian in Vazirmatn without error.
    assert _warm_up_pdf in worker_process_init._live_receivers(None)
    _warm_up_pdf()


def test_a_signed_scan_waits_for_the_session_to_be_closed(client, users, members):

    from committees.selectors import working_group_of

    session = services.session_open(
        group=working_group_of(members[0].group.province), by=users["secretary_a"],
        number="۱۵/۱۴۰۵", held_on=clock.today(), place="استانداری",
    )  # fmt: skip
    client.force_login(users["secretary_a"])
    scan = SimpleUploadedFile("signed.pdf", DEMO_PDF + b"early", "application/pdf")
    page = client.post(
        reverse("committees:minutes_signed", args=[session.pk]), {"scan": scan}, follow=True
    )
    assert "نسخه امضاشده پس از بستن جلسه بارگذاری می‌شود." in page.content.decode()
    assert not Minutes.objects.filter(session=session).exclude(signed_scan="").exists()
