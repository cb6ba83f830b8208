from django.urls import path

from intake import views

app_name = "intake"

# Under /cases/ (revocation/urls.py), before the case kernel's URLs: /cases/new/.
urlpatterns = [
    path("new/", views.intake, name="intake"),
]
