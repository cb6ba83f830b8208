"""The read log: who read what. Views call ``record_read`` once per page, download or search.

A search's terms are kept without identity or document numbers in clear: every run of six or more
digits (Persian and Arabic-Indic digits read as Latin ones; spaces, dashes, slashes and dots
between them allowed, as people type ``۱۲۳-۴۵۶-۷۸۹۰``) is replaced by ``[#<16 hex>]``, the keyed
hash of its digits (HMAC-SHA256 under the audit key, see ``audit.heads.audit_key``). An auditor
looking for who searched a number hashes it the same way (``number_tokens``) and searches for
the token; the number itself is nowhere in the table. A letter prefix (a passport's) stays.
"""

import hashlib
import hmac
import re

from audit import kinds
from audit.heads import audit_key
from audit.models import Read
from audit.services import describe_actor
from shared import http

# A search's returned case ids kept on its record (the count is kept whole).
CASES_KEPT = 200
NUMBER = re.compile(r"[0-9](?:[\s\-/._]?[0-9]){5,}")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def _token(number: str) -> str:
    digits = re.sub(r"[^0-9]", "", number)
    mac = hmac.new(audit_key("reads.number"), digits.encode(), hashlib.sha256)
    return f"[#{mac.hexdigest()[:16]}]"


def mask_numbers(text: str) -> str:
    """``text`` with each run of six or more digits replaced by its keyed hash."""
    return NUMBER.sub(lambda match: _token(match.group()), str(text).translate(_DIGITS))


def number_tokens(number: str) -> list[str]:
    """The tokens a typed number leaves in the log (one per run of six or more digits)."""
    return [_token(run) for run in NUMBER.findall(str(number).translate(_DIGITS))]


def client_address(request) -> str | None:
    """The address the request came from (shared.http.client_address: behind the TLS proxy,
    the client's address as our proxy reported it)."""
    return http.client_address(request) or None


def record_read(
    request,
    action: str,
    *,
    case=None,
    case_id=None,
    cases=None,
    found=None,
    query="",
    detail="",
) -> Read:
    """Append one read by ``request.user``: ``action`` as the serving app declared it
    (audit.kinds), ``case`` (or ``case_id``) for a page or file of one case; ``cases`` (ids) for
    a search, with its terms in ``query`` (masked here) and, when ``cases`` is one page
    of the result, the whole result's count in ``found``."""
    name, roles = describe_actor(request.user)
    ids = None if cases is None else [int(pk) for pk in cases]
    return Read.objects.create(
        actor=request.user,
        actor_name=name,
        actor_roles=roles,
        action=kinds.known("reads", action),
        case_id=case.pk if case is not None else case_id,
        case_ids=(ids or [])[:CASES_KEPT],
        found=found if found is not None else (None if ids is None else len(ids)),
        query=mask_numbers(query) if query else "",
        detail=mask_numbers(detail)[:300] if detail else "",
        ip=client_address(request),
    )
