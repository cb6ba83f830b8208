"""The audit trail is append-only: nobody edits or deletes an event, through the models, the
admin, or (on PostgreSQL) SQL on the table itself."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.urls import NoReverseMatch, reverse

from accounts.roles import Role
from accounts.services import account_set_roles
from audit.models import Event, ImmutableRecord
from cases.choices import CaseState
from cases.models import Case
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_events_cannot_be_edited_or_deleted_through_the_models(case_in):
    case = case_in(CaseState.RECEIVED)
    event = case.events.get(action="case_open")
    event.reason = "دستکاری"
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()
    with pytest.raises(ImmutableRecord):
        Event.objects.filter(pk=event.pk).update(reason="دستکاری")
    with pytest.raises(ImmutableRecord):
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).reason == ""


def test_postgresql_refuses_update_and_delete_on_the_table_itself(postgres, case_in):
    case = case_in(CaseState.RECEIVED)
    event = case.events.get(action="case_open")
    assert Event._meta.db_table == "audit_event"  # the table audit/migrations/0003 guards
    for sql in [
        "UPDATE audit_event SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_event WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert Event.objects.filter(pk=event.pk, reason="").exists()


def test_the_admin_shows_account_events_read_only_and_no_case_data(
    client, case_in, it_admin, tehran
):
    from django.contrib.auth.models import Group

    case = case_in(CaseState.RECEIVED)
    case_event = case.events.get(action="case_open")
    clerk = make_user("clerk", Role.EXPERT, tehran)
    account_set_roles(by=it_admin, user=clerk, roles=[Role.EXPERT, Role.SUPERVISOR])
    account_event = Event.objects.filter(account=clerk).latest("pk")

    # The IT administrator holds no case role, even in a role's group: cases are not theirs.
    it_admin.groups.add(Group.objects.get(name=Role.AUDITOR))
    client.force_login(it_admin)
    assert Case not in admin.site._registry
    with pytest.raises(NoReverseMatch):
        reverse("admin:cases_case_changelist")

    changelist = client.get(reverse("admin:audit_event_changelist"))
    assert changelist.status_code == 200
    shown = list(changelist.context["cl"].result_list)
    assert account_event in shown
    assert case_event not in shown
    assert case.number not in changelist.content.decode()

    page = client.get(reverse("admin:audit_event_change", args=[account_event.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view only
    for event in (account_event, case_event):
        change = reverse("admin:audit_event_change", args=[event.pk])
        assert client.post(change, {}).status_code == 403
        delete = reverse("admin:audit_event_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_event_add")).status_code == 403
    assert Event.objects.filter(pk__in=[account_event.pk, case_event.pk]).count() == 2
