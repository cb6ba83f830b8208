"""Post/redirect/get for searches that carry identity numbers: the POSTed search is kept on the
server under an opaque token for a few hours; the result page is ``?s=<token>``, readable only by
the user who searched."""

import datetime
import re
import secrets

from django.utils import timezone

from accounts.models import SavedSearch

LIFETIME = datetime.timedelta(hours=12)
# What search_save hands out (secrets.token_urlsafe(32)); anything else is not looked up at all
# (a NUL byte reaching PostgreSQL would be a 500).
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def searches_purge() -> int:
    """Delete the saved searches past their lifetime (they hold the identity numbers typed):
    at each save, and every hour (accounts.tasks.purge_searches), so none outlives it for long
    when nobody searches. Backups leave the table's rows out (revocation.backups)."""
    # Django's time, as auto_now_add wrote created_at: a lifetime of machinery, not a legal date.
    deleted, _ = SavedSearch.objects.filter(created_at__lt=timezone.now() - LIFETIME).delete()
    return deleted


def search_save(*, user, kind: str, params: dict) -> str:
    """Keep ``params`` for ``user`` and return the token of the result page."""
    searches_purge()
    token = secrets.token_urlsafe(32)
    SavedSearch.objects.create(token=token, user=user, kind=kind, params=params)
    return token


def search_load(*, user, kind: str, token: str) -> dict | None:
    """The params behind ``token`` when it is this user's, of this kind, and not expired."""
    if not token or not TOKEN.fullmatch(token):
        return None
    found = SavedSearch.objects.filter(
        token=token, user=user, kind=kind, created_at__gte=timezone.now() - LIFETIME
    ).first()
    return found.params if found else None
