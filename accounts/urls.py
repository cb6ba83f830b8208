from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.grant_list, name="grants"),
    path("<int:grant_id>/", views.grant_decide, name="grant"),
]
