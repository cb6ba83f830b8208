from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<slug:kind>/<int:pk>/download/", views.download, name="download"),
    # Another file of the document: the scan of the signed paper ("signed").
    path("<slug:kind>/<int:pk>/download/<slug:variant>/", views.download, name="download"),
    # The QR code printed on the paper opens this page (with ?h=, the digest of what it prints).
    path("<slug:kind>/<str:serial>/verify/", views.verify, name="verify"),
]
