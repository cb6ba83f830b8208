from django.urls import path
from django.views.generic import RedirectView

from cases import urls as _case_urls  # noqa: F401 (registers the case_number converter)
from documents.views import download
from enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("cases/<case_number:number>/orders/new/", views.order_new, name="order_new"),
    path("cases/<case_number:number>/departed/", views.departed, name="departed"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("persons/<int:pk>/handover/", views.handover, name="handover"),
    path("persons/<int:pk>/outcome/", views.outcome, name="outcome"),
    # The proof of an exit is served by the documents' download (kind exit-proof); the old
    # address and its name stay for the links already given.
    path("persons/<int:pk>/proof/", download, {"kind": "exit-proof"}, name="proof"),
    # Orders printed before the documents' pages existed carry this path in their QR code.
    path(
        "verify/<slug:serial>/",
        RedirectView.as_view(pattern_name="documents:verify", query_string=True),
        {"kind": "expulsion-order"},
    ),
]
