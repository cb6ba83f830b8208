"""No admin page shows case or person data (issue 21): every page of every model registered in the
admin (list, add, change, delete, history) and the admin's other pages (its index, each app's, the
password changes), read by the IT administrator after a case went as far as an expulsion order,
names no case, household, identity document or order number, and no person's full name. Who may
ask for each admin page, and what each answers: tests/test_permission_matrix.py."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from cases.choices import CaseState
from enforcement.models import ExpulsionOrder
from people.models import Household, IdentityDocument, Person

pytestmark = pytest.mark.django_db


def pages_of(model_admin, objects):
    info = f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}"
    yield reverse(f"{info}_changelist")
    try:
        yield reverse(f"{info}_add")
    except NoReverseMatch:
        pass
    for obj in objects:
        for view in ("change", "delete", "history"):
            yield reverse(f"{info}_{view}", args=[obj.pk])


def test_no_admin_page_names_a_case_or_a_person(client, it_admin, case_in):
    case = case_in(CaseState.EXPULSION_ORDERED)
    secrets = {case.number}
    secrets |= set(Household.objects.values_list("number", flat=True))
    secrets |= set(IdentityDocument.objects.values_list("number", flat=True))
    secrets |= set(ExpulsionOrder.objects.values_list("number", flat=True))
    secrets |= {f"{p.first_name} {p.last_name}" for p in Person.objects.all()}
    assert len(secrets) > 4
    client.force_login(it_admin)

    # The rows the case's own records point at (their delete pages would list those records).
    order = ExpulsionOrder.objects.get(case=case)
    used = [order.border_point, case.province, *User.objects.filter(is_staff=False)[:3]]
    used += [document.document_type for document in IdentityDocument.objects.all()]

    # The pages of no one model (the index, each app's, the password changes) and each model's.
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    urls += [reverse("admin:auth_user_password_change", args=[user.pk]) for user in used[2:5]]
    apps = {model._meta.app_label for model in admin.site._registry}
    urls += [reverse("admin:app_list", kwargs={"app_label": label}) for label in sorted(apps)]
    for model, model_admin in admin.site._registry.items():
        objects = list(model._default_manager.order_by("pk")[:3])
        objects += [obj for obj in used if isinstance(obj, model) and obj not in objects]
        urls += pages_of(model_admin, objects)

    read = 0
    found = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 302, 403}, (url, response.status_code)
        text = response.content.decode()
        read += response.status_code == 200
        found += [(url, secret) for secret in secrets if secret in text]
    assert read > 40
    assert found == []
