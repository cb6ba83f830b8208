from django.urls import path
from django.views.generic import RedirectView

from letters import views

app_name = "letters"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/print/", views.print_letter, name="print"),
    path("<int:pk>/signed/", views.sign, name="sign"),
    path("<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("<int:pk>/delivered/", views.delivery, name="delivery"),
    path("<int:pk>/returned/", views.returned, name="return"),
    path("register/", views.register, name="register"),
    path("register/pdf/", views.register_pdf, name="register_pdf"),
    # Letters printed before the documents' pages existed carry this path in their QR code.
    path(
        "verify/<slug:serial>/",
        RedirectView.as_view(pattern_name="documents:verify", query_string=True),
        {"kind": "letter"},
    ),
]
