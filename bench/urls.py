"""The project's URLs, and the minimal views bench/load.py compares the pages with (only in the
gunicorn that bench/load.py starts: bench/wsgi.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal),
    # Signed in: the session is read and the user loaded, as on every page of the project.
    path("bench/minimal-signed-in/", login_required(minimal)),
    path("", include("revocation.urls")),
]
