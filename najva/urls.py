from django.urls import path
from django.views.generic import RedirectView

from cases import urls as _case_urls  # noqa: F401 (registers the case_number converter)
from documents.views import download
from najva import views

app_name = "najva"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("registrations/<int:pk>/retry/", views.retry, name="retry"),
    path("registrations/<int:pk>/record/", views.record, name="record"),
    path(
        "cases/<case_number:number>/subjects/<int:subject_id>/form/",
        views.form_print,
        name="form_print",
    ),
    path("forms/<int:pk>/signed/", views.form_signed, name="form_signed"),
    # The signed scan is served by the documents' download (kind and variant); the old address
    # and its name stay for the links already given.
    path(
        "forms/<int:pk>/scan/",
        download,
        {"kind": "cancellation-form", "variant": "signed"},
        name="form_scan",
    ),
    # Forms printed before the documents' pages existed carry this path in their QR code.
    path(
        "verify/<slug:serial>/",
        RedirectView.as_view(pattern_name="documents:verify", query_string=True),
        {"kind": "cancellation-form"},
    ),
]
