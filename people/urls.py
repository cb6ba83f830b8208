from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("households/new/", views.household_new, name="household_new"),
    path(
        "households/<int:household_id>/members/new/",
        views.household_member_new,
        name="household_member_new",
    ),
    path(
        "households/<int:household_id>/address/",
        views.household_address,
        name="household_address",
    ),
]
