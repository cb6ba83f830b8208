"""The working group's admin page (issue 21): the IT administrator set the quorum to 1 and renamed
and deactivated members, and none of it was in the audit trail. Each change is an event now, field
by field, with the administrator as actor."""

import pytest
from django.urls import reverse

from audit.models import Event
from committees.models import Member

pytestmark = pytest.mark.django_db


def form_data(group, members, **changes) -> dict:
    """The change page's POST: the group's quorum and its member rows as they are (then changed)."""
    data = {
        "quorum": "" if group.quorum is None else group.quorum,
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": len(members),
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
    }
    for index, member in enumerate(members):
        for name in ("order", "full_name", "position", "agency", "role"):
            data[f"members-{index}-{name}"] = getattr(member, name)
        if member.active:
            data[f"members-{index}-active"] = "on"
        data[f"members-{index}-id"] = member.pk
        data[f"members-{index}-group"] = group.pk
    data.update(changes)
    return data


def test_quorum_and_member_edits_in_the_admin_are_events_field_by_field(client, it_admin, members):
    group = members[0].group
    client.force_login(it_admin)
    quorum_before = "" if group.quorum is None else str(group.quorum)
    url = reverse("admin:committees_workinggroup_change", args=[group.pk])
    assert client.get(url).status_code == 200
    data = form_data(group, members, quorum=1)
    data["members-1-full_name"] = "نام دیگر"
    del data["members-2-active"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    group.refresh_from_db()
    assert group.quorum == 1

    events = list(Event.objects.filter(action="admin_changed").order_by("pk"))
    assert all(event.actor == it_admin and event.kind == "change" for event in events)
    changes = {
        (change["field"], change["old"], change["new"])
        for event in events
        for change in event.changes
    }
    assert changes == {
        ("quorum", quorum_before, "1"),
        ("full_name", "مریم رحیمی", "نام دیگر"),
        ("active", "بله", "خیر"),
    }
    renamed = next(e for e in events if any(c["field"] == "full_name" for c in e.changes))
    assert "مریم" not in renamed.label and "نام دیگر" in renamed.label
    assert not Member.objects.get(pk=members[2].pk).active
    # The working group is not deleted here, and its delete page is refused.
    delete = reverse("admin:committees_workinggroup_delete", args=[group.pk])
    assert client.get(delete).status_code == 403
