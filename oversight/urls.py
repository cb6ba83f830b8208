from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("reads/", views.reads, name="reads"),
    path("reads/export/", views.reads_export, name="reads_export"),
]
