"""The reference data's admin pages (issue 21): every edit is an event of the audit chain, field by
field; no delete page names what points at a row (the identity documents of a document type, the
expulsion orders of a border point); nothing leads from the admin to a case's page."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from audit.chain import seal_all
from audit.models import Event
from audit.verification import verify_all
from cases.choices import CaseState
from cases.models import Case
from enforcement.models import ExpulsionOrder
from people.tests import factories
from reference.models import BorderPoint, DocumentType, YearlyPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, it_admin):
    client.force_login(it_admin)
    return client


def delete_selected(admin, model: str, pks):
    return admin.post(
        reverse(f"admin:reference_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [str(pk) for pk in pks]},
    )


def test_the_delete_pages_of_a_document_type_show_no_document_number(admin, reference_data):
    amayesh = DocumentType.objects.get(code="amayesh")
    documents = [factories.IdentityDocumentFactory(document_type=amayesh) for _ in range(3)]

    page = admin.get(reverse("admin:reference_documenttype_delete", args=[amayesh.pk]))
    assert page.status_code == 403  # in use: not deleted here
    assert all(doc.number not in page.content.decode() for doc in documents)

    # The bulk action's confirmation: the type asked for, and a count; no number, no name.
    confirm = delete_selected(admin, "documenttype", [amayesh.pk])
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert all(doc.number not in text for doc in documents)
    assert all(doc.person.last_name not in text for doc in documents)
    assert "۳ ردیف از مدارک هویتی" in text
    # And it is refused: the type is still there.
    admin.post(
        reverse("admin:reference_documenttype_changelist"),
        {"action": "delete_selected", "_selected_action": [amayesh.pk], "post": "yes"},
    )
    assert DocumentType.objects.filter(pk=amayesh.pk).exists()


def test_the_delete_pages_of_a_border_point_show_no_order_number(admin, case_in):
    case = case_in(CaseState.EXPULSION_ORDERED)
    order = ExpulsionOrder.objects.get(case=case)
    point = order.border_point
    page = admin.get(reverse("admin:reference_borderpoint_delete", args=[point.pk]))
    assert page.status_code == 403
    confirm = delete_selected(admin, "borderpoint", [point.pk]).content.decode()
    assert order.number not in confirm and case.number not in confirm
    assert BorderPoint.objects.filter(pk=point.pk).exists()


def test_an_unused_row_is_deleted_and_recorded_field_by_field(admin, reference_data, it_admin):
    unused = DocumentType.objects.create(code="test_type", name="برگه آزمایشی")
    page = admin.get(reverse("admin:reference_documenttype_delete", args=[unused.pk]))
    assert page.status_code == 200
    assert (
        admin.post(
            reverse("admin:reference_documenttype_delete", args=[unused.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert not DocumentType.objects.filter(pk=unused.pk).exists()
    event = Event.objects.get(action="admin_deleted")
    assert (event.actor, event.kind, event.case_id) == (it_admin, "change", None)
    assert {c["field"]: (c["old"], c["new"]) for c in event.changes}["name"] == (
        "برگه آزمایشی",
        "",
    )


def test_each_edit_of_decision_data_is_an_event_with_old_and_new_values(admin, it_admin):
    url = reverse("admin:reference_yearlypolicy_add")
    data = {
        "year": 1405,
        "reentry_ban_min_years": 5,
        "leave_within_days": 30,
        "objection_within_days": 20,
        "objection_authority": "اداره کل",
    }
    assert admin.post(url, data).status_code == 302
    policy = YearlyPolicy.objects.get(year=1405)
    change = reverse("admin:reference_yearlypolicy_change", args=[policy.pk])
    assert admin.post(change, {**data, "objection_within_days": 3}).status_code == 302
    added, changed = Event.objects.filter(action__startswith="admin_").order_by("pk")
    assert (added.action, added.actor) == ("admin_added", it_admin)
    assert (changed.action, changed.actor) == ("admin_changed", it_admin)
    assert [(c["field"], c["old"], c["new"]) for c in changed.changes] == [
        ("objection_within_days", "20", "3")
    ]
    assert "سیاست سالانه" in changed.label
    seal_all()
    assert verify_all(keep=False).ok


def test_no_case_or_person_model_is_in_the_admin_and_view_on_site_leads_nowhere(admin, case_in):
    from django.contrib import admin as django_admin

    registered = {model._meta.label for model in django_admin.site._registry}
    assert registered == {
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "reference.Province",
        "reference.DocumentType",
        "reference.BorderPoint",
        "reference.YearlyPolicy",
        "reference.OffenceType",
        "accounts.User",
        "accounts.EnrolmentCode",
        "accounts.RoleGrant",
        "otp_totp.TOTPDevice",
        "audit.Event",
        "committees.WorkingGroup",
        "letters.AgencyOffice",
    }
    assert not any(
        a.view_on_site
        for a in django_admin.site._registry.values()
        if hasattr(a, "opts") and a.opts.app_label in {"reference", "committees", "letters"}
    )
    # The admin's view-on-site redirect, asked for a case by its id, does not answer its number.
    case = case_in(CaseState.EXPULSION_ORDERED)
    kind = ContentType.objects.get_for_model(Case)
    answer = admin.get(f"/admin/r/{kind.pk}/{case.pk}/")
    assert answer.status_code == 404
    assert case.number not in answer.get("Location", "")


def test_the_delete_page_of_a_user_names_no_case(admin, case_in, users):
    case = case_in(CaseState.EXPULSION_ORDERED)
    expert = users["expert_a"]
    page = admin.get(reverse("admin:accounts_user_delete", args=[expert.pk]))
    assert page.status_code == 403  # an account with a history is deactivated, not deleted
    confirm = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [str(expert.pk)]},
    ).content.decode()
    assert "ردیف از" in confirm
    assert case.number not in confirm
