"""Serving a stored file to a user who may read it: as a download, never sniffed by the browser."""

import logging

from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)


def attachment(stored_file, *, filename: str, content_type: str) -> FileResponse:
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError:
        logger.error("stored file %s is missing", stored_file.name)
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
