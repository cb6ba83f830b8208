"""The minutes made by a real Celery worker on Redis, in a process of its own: the secretary
asks, the page says they are being made, the worker renders and stores them, the page offers
the PDF (Vazirmatn embedded)."""

import pytest
from django.conf import settings
from django.urls import reverse

from committees.models import Minutes
from conftest import require
from tests.tools import poppler
from tests.workers import start_worker, stop, wait_for, worker_env

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


def test_a_worker_makes_the_minutes_the_secretary_asked_for(
    postgres,
    client,
    users,
    closed_session,
    tmp_path,
):
    require(bool(settings.REDIS_URL), "this test needs Redis (set REDIS_URL)")
    from revocation.celery import app

    app.control.purge()
    files = settings.STORAGES["default"]["OPTIONS"]["location"]
    worker = start_worker(worker_env(REVOCATION_PRIVATE_MEDIA_ROOT=str(files)))
    try:
        client.force_login(users["secretary_a"])
        url = reverse("committees:minutes", args=[closed_session.pk])
        assert client.post(url).status_code == 302
        assert Minutes.objects.get(session=closed_session).status == Minutes.Status.PENDING
        wait_for(
            lambda: Minutes.objects.get(session=closed_session).status == Minutes.Status.READY,
            90,
            "the worker to make the minutes",
        )
    finally:
        stop(worker)
        app.control.purge()
    assert "دریافت PDF صورتجلسه" in client.get(url).content.decode()
    response = client.get(closed_session.minutes.download_url)
    path = tmp_path / "minutes.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    assert "صورتجلسه" in poppler("pdftotext", str(path), "-")
    assert "Vazirmatn" in poppler("pdffonts", str(path))
