from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<slug:kind>/<int:pk>/download/", views.download, name="download"),
    # Another file of the document: the scan of the signed paper ("signed").
    path("<slug:kind>/<int:pk>/download/<slug:variant>/", views.download, name="download"),
    # The QR code printed on the paper opens this page (with ?h=, the digest of what it prints).
    # A serial is URL-safe base64 (shared.printing.new_serial): anything else, a NUL byte among
    # it, is no document and never reaches the database.
    path("<slug:kind>/<slug:serial>/verify/", views.verify, name="verify"),
]
