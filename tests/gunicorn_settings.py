"""The project's settings for a gunicorn a test starts (tests/test_faults.py): the static files as
they are in the checkout, where production serves them collected (collectstatic is not run)."""

from revocation.settings import *  # noqa: F403
from revocation.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
