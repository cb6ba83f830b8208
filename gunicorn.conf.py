"""gunicorn's settings (docker-compose.yml's web command names this file).

Its own lines, the access log included, go through the project's logging (shared/logs.py):
on stdout, in JSON when DJANGO_LOG_FORMAT=json, identity numbers masked like every other line.
The access line names the path, never the query string (``%(U)s``, not ``%(r)s``), and the
request id the app returned (X-Request-ID), to join it with the app's lines of that request.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revocation.settings")

from shared.logs import logging_config

# Each number named: "200 4135 7044ms" side by side reads as a grouped identity number to the
# masking, and was masked whole.
access_log_format = (
    '%(h)s "%(m)s %(U)s %(H)s" status=%(s)s bytes=%(b)s ms=%(M)s request_id=%({x-request-id}o)s'
)
logconfig_dict = logging_config(
    json=os.environ.get("DJANGO_LOG_FORMAT", "text") == "json",
    level=os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
)
# gunicorn's two loggers keep no handler of their own: their lines go up to the one above.
logconfig_dict["loggers"].update(
    {
        "gunicorn.error": {"level": "INFO", "propagate": True},
        "gunicorn.access": {"level": "INFO", "propagate": True},
    }
)
