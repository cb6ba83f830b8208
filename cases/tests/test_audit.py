"""The audit trail: an event for every step and every change, which nobody can edit or delete."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases import services
from cases.models import CaseEvent, CaseState, ImmutableRecord

pytestmark = pytest.mark.django_db


def test_every_step_and_change_leaves_an_event(case_in, actors_a):
    case = case_in(CaseState.APPROVED_BY_PROVINCE)
    actions = list(case.events.order_by("pk").values_list("action", "actor__username"))
    assert actions[0] == ("case_open", "expert_a")
    assert ("evidence_add", "expert_a") in actions
    assert actions.count(("inquiry_record_sent", "expert_a")) == 2
    assert actions.count(("inquiry_record_reply", "expert_a")) == 2
    assert ("subject_decide", "expert_a") in actions
    assert [a for a in actions if a[0] in {"start_review", "send_inquiries"}] == [
        ("start_review", "expert_a"),
        ("send_inquiries", "expert_a"),
    ]
    approval = case.events.get(action="approve_in_province")
    assert approval.actor == actors_a.secretary
    assert (approval.from_state, approval.to_state) == (
        CaseState.READY_FOR_PROVINCE,
        CaseState.APPROVED_BY_PROVINCE,
    )
    assert approval.changes["province_resolution_number"] == ["", case.province_resolution_number]
    assert approval.at is not None and approval.at.tzinfo is not None


def test_a_rejection_keeps_its_reason_in_the_event(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    services.case_reject_in_province(
        case=case,
        by=actors_a.secretary,
        resolution_number="۹",
        resolution_date=case.opened_at.date(),
        reason="  گزارش تأیید نشد.  ",
    )
    event = case.events.get(action="reject_in_province")
    assert event.reason == "گزارش تأیید نشد."
    assert event.changes["reason"] == ["", "گزارش تأیید نشد."]
    assert "closed_at" in event.changes


def test_events_cannot_be_edited_or_deleted_through_the_models(case_in):
    case = case_in(CaseState.RECEIVED)
    event = case.events.get(action="case_open")
    event.reason = "دستکاری"
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()
    with pytest.raises(ImmutableRecord):
        CaseEvent.objects.filter(pk=event.pk).update(reason="دستکاری")
    with pytest.raises(ImmutableRecord):
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.get(pk=event.pk).reason == ""


def test_postgresql_refuses_update_and_delete_on_the_table_itself(postgres, case_in):
    case = case_in(CaseState.RECEIVED)
    event = case.events.get(action="case_open")
    for sql in [
        "UPDATE cases_caseevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM cases_caseevent WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert CaseEvent.objects.filter(pk=event.pk, reason="").exists()


def test_the_admin_shows_case_data_read_only(client, case_in, users, django_user_model):
    case = case_in(CaseState.RECEIVED)
    staff = django_user_model.objects.create_superuser("it", "it@example.invalid", "pw")
    # An IT administrator holds no role: case data is not theirs to see.
    client.force_login(staff)
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 200
    assert case.number not in client.get(reverse("admin:cases_case_changelist")).content.decode()

    from django.contrib.auth.models import Group

    staff.groups.add(Group.objects.get(name="auditor"))
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view only
    event = case.events.get(action="case_open")
    assert (
        client.post(reverse("admin:cases_caseevent_change", args=[event.pk]), {}).status_code == 403
    )
    assert (
        client.post(
            reverse("admin:cases_caseevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert CaseEvent.objects.filter(pk=event.pk).exists()
