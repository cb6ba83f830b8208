"""Stored files against the trail (issue 21).

A scan's SHA-256 is kept twice: beside the file, in its row (which the app's database role may
update), and in the chained event that recorded the upload (which no role of the app may change:
audit.models, the append-only triggers, the hash chain). A file whose row and bytes were both
replaced then still disagrees with the trail:

- ``in_trail`` answers a download (shared.http.attachment, ``in_trail=True``): the digest the row
  gives must be one an event of the same case recorded;
- ``stored_file_problems`` walks every such file (settings.TRAIL_RECORDED_FILES: the model, its
  file field, its digest field, the path to its case) for ``manage.py verify_audit`` and the
  nightly ``audit.tasks.verify_stored_files``: each file's bytes against its row, and its row
  against the trail.

What it cannot see: an event written by someone holding the app's role, as the app writes one
(it is then in the trail, under the actor it names, for every reader to see).
"""

import logging
import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings

from audit.models import Event
from shared.http import sha256_of

logger = logging.getLogger(__name__)

HEX64 = re.compile(r"[0-9a-f]{64}")


# The fields under which the services record a stored file's digest (type "code"): evidence,
# reply scans, signed scans, proofs of exit.
DIGEST_FIELDS = frozenset({"sha256", "reply_sha256", "scan_sha256", "proof"})


def in_trail(sha256: str, *, case_id=None) -> bool:
    """Whether an event (of case ``case_id``, when given) stored a file of digest ``sha256``: a
    change of a digest field, of type code, whose new value it is. Not a security event (the
    refusal of a forged file names the forged digest), nor text someone typed."""
    if not HEX64.fullmatch(sha256 or ""):
        return False
    events = Event.objects.filter(changes__icontains=sha256).exclude(kind=Event.Kind.SECURITY)
    if case_id is not None:
        events = events.filter(case_id=case_id)
    return any(
        isinstance(change, dict)
        and change.get("new") == sha256
        and change.get("type") == "code"
        and change.get("field") in DIGEST_FIELDS
        for changes in events.values_list("changes", flat=True).iterator()
        for change in changes
    )


@dataclass
class FileProblem:
    label: str  # "cases.Evidence 12 file"
    name: str
    problem: str  # Persian / English

    def __str__(self) -> str:
        return f"{self.label} ({self.name}): {self.problem}"


def _rows(model_label: str, file_field: str, digest_field: str, case_path: str | None):
    model = apps.get_model(model_label)
    fields = ["pk", file_field, digest_field] + ([case_path] if case_path else [])
    rows = model._default_manager.exclude(**{file_field: ""}).values_list(*fields)
    storage = model._meta.get_field(file_field).storage
    for row in rows.iterator(chunk_size=500):
        pk, name, digest = row[:3]
        yield pk, name, digest, (row[3] if case_path else None), storage


def stored_file_problems() -> tuple[int, list[FileProblem]]:
    """(files checked, the problems found) over every file of TRAIL_RECORDED_FILES."""
    checked, problems = 0, []
    for model_label, file_field, digest_field, case_path in settings.TRAIL_RECORDED_FILES:
        for pk, name, digest, case_id, storage in _rows(
            model_label, file_field, digest_field, case_path
        ):
            checked += 1
            label = f"{model_label} {pk} {file_field}"
            try:
                with storage.open(name, "rb") as handle:
                    actual = sha256_of(handle)
            except FileNotFoundError:
                problems.append(FileProblem(label, name, "فایل یافت نشد / file missing"))
                continue
            if actual != digest:
                problems.append(
                    FileProblem(
                        label,
                        name,
                        f"چکیده فایل با ردیف آن نمی‌خواند / bytes do not match the row "
                        f"(row {digest or 'none'}, disk {actual})",
                    )
                )
            elif not in_trail(digest, case_id=case_id):
                problems.append(
                    FileProblem(
                        label,
                        name,
                        f"چکیده در سوابق ثبت نشده است / digest not in the audit trail ({digest})",
                    )
                )
    for problem in problems:
        logger.error("stored file check failed: %s", problem)
    return checked, problems
