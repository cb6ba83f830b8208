"""Serving a stored file to a user who may read it: as a download, never sniffed by the browser."""

import logging

from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)


def attachment(
    stored_file, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """The file as a download (``inline``: shown in the browser's own viewer, for printing one of
    our PDFs; never for an upload, whose content we did not make)."""
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError:
        logger.error("stored file %s is missing", stored_file.name)
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
