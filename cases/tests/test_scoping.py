"""for_user(): exactly the cases each role may see, in each province."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from cases import services
from cases.models import Case, CaseState
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(case_in, actors_a, actors_b):
    """Two cases in Tehran and two in Isfahan, one of each before and one after confirmation."""
    return {
        "teh_new": case_in(CaseState.RECEIVED),
        "teh_confirmed": case_in(CaseState.CONFIRMED_NATIONALLY),
        "isf_new": case_in(CaseState.EXPERT_REVIEW, actors=actors_b),
        "isf_cancelled": case_in(CaseState.CARD_CANCELLED, actors=actors_b),
    }


EXPECTED = {
    "expert_a": {"teh_new", "teh_confirmed"},
    "secretary_a": {"teh_new", "teh_confirmed"},
    "supervisor_a": {"teh_new", "teh_confirmed"},
    "enforcement_a": {"teh_new", "teh_confirmed"},
    "expert_b": {"isf_new", "isf_cancelled"},
    "secretary_b": {"isf_new", "isf_cancelled"},
    "supervisor_b": {"isf_new", "isf_cancelled"},
    "enforcement_b": {"isf_new", "isf_cancelled"},
    "national": {"teh_new", "teh_confirmed", "isf_new", "isf_cancelled"},
    "auditor": {"teh_new", "teh_confirmed", "isf_new", "isf_cancelled"},
    # The registry operator works on every province, from national confirmation on.
    "registry": {"teh_confirmed", "isf_cancelled"},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_exactly_its_cases(username, users, world):
    names = {pk: name for name, pk in ((n, c.pk) for n, c in world.items())}
    visible = {
        names[pk] for pk in Case.objects.for_user(users[username]).values_list("pk", flat=True)
    }
    assert visible == EXPECTED[username]


def test_nobody_else_sees_a_case(users, world, tehran):
    inactive = users["expert_a"]
    inactive.is_active = False
    inactive.save()
    assert not Case.objects.for_user(type(inactive).objects.get(pk=inactive.pk)).exists()
    assert not Case.objects.for_user(AnonymousUser()).exists()
    superuser = type(inactive).objects.create_superuser("root", "root@example.invalid", "x")
    assert not Case.objects.for_user(superuser).exists()  # IT administrators hold no role
    roleless = type(inactive).objects.create_user("nobody", province=tehran)
    assert not Case.objects.for_user(roleless).exists()


def test_a_case_shared_with_another_province_is_visible_to_that_user_only(users, world):
    case = world["teh_new"]
    services.case_grant_access(case=case, by=users["supervisor_a"], user=users["expert_b"])

    assert set(Case.objects.for_user(users["expert_b"])) == {
        case,
        world["isf_new"],
        world["isf_cancelled"],
    }
    assert case not in Case.objects.for_user(users["secretary_b"])
    event = case.events.get(action="case_grant_access")
    assert event.actor == users["supervisor_a"]
    assert event.changes == {f"grant:{users['expert_b'].pk}": [None, ["view_case"]]}


def test_a_shared_case_can_be_acted_on_only_with_the_granted_permission(users, world, isfahan):
    case = world["teh_new"]
    outsider = make_user("expert_c", "provincial_expert", isfahan)
    services.case_grant_access(case=case, by=users["supervisor_a"], user=outsider)
    with pytest.raises(PermissionDenied):  # seeing a case is not acting on it
        services.case_start_review(case=case, by=outsider)
    services.case_grant_access(
        case=case, by=users["supervisor_a"], user=outsider, codenames=("review_case",)
    )
    services.case_start_review(case=case, by=type(outsider).objects.get(pk=outsider.pk))
    case.refresh_from_db()
    assert case.state == CaseState.EXPERT_REVIEW


def test_only_a_supervisor_of_the_province_shares_a_case(users, world):
    case = world["teh_new"]
    with pytest.raises(PermissionDenied):
        services.case_grant_access(case=case, by=users["expert_a"], user=users["expert_b"])
    with pytest.raises(Case.DoesNotExist):
        services.case_grant_access(case=case, by=users["supervisor_b"], user=users["expert_b"])
    assert not case.events.filter(action="case_grant_access").exists()
