"""The project's WSGI application with bench/urls.py as its URLconf, for bench/load.py."""

import os

from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revocation.settings")
settings.ROOT_URLCONF = "bench.urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
