"""Saved searches hold the identity numbers a user typed: they live 12 hours, are purged every
hour even when nobody searches, and stay out of backups (tests/test_backup.py)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import SavedSearch
from accounts.searches import search_load, search_save
from accounts.tasks import purge_searches

pytestmark = pytest.mark.django_db


def test_an_expired_search_is_purged_by_the_hourly_task_and_cannot_be_loaded(users):
    user = users["expert_a"]
    old = search_save(user=user, kind="cases", params={"q": "1234567890"})
    fresh = search_save(user=user, kind="cases", params={"q": "9876543210"})
    SavedSearch.objects.filter(token=old).update(
        created_at=timezone.now() - datetime.timedelta(hours=13)
    )
    assert search_load(user=user, kind="cases", token=old) is None

    assert purge_searches.delay().get() == 1

    assert list(SavedSearch.objects.values_list("token", flat=True)) == [fresh]
    assert search_load(user=user, kind="cases", token=fresh) == {"q": "9876543210"}
