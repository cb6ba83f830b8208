"""for_user(): exactly the cases each role may see, in each province."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts.roles import Capability, Role
from cases import services
from cases.choices import CaseState, Step
from cases.models import Case
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
    assert [(c["field"], c["old"], c["new"]) for c in event.changes] == [
        ("grant", "", Capability.VIEW_CASE.label)
    ]
    assert users["expert_b"].username in event.changes[0]["label"]


def start_review(case, by):
    return services.case_take_step(case=case, by=by, step=Step.START_REVIEW)


def test_a_shared_case_can_be_acted_on_only_with_the_granted_permission(users, world, isfahan):
    case = world["teh_new"]
    outsider = make_user("expert_c", Role.EXPERT, isfahan)
    services.case_grant_access(case=case, by=users["supervisor_a"], user=outsider)
    with pytest.raises(PermissionDenied):  # seeing a case is not acting on it
        start_review(case, outsider)
    services.case_grant_access(
        case=case,
        by=users["supervisor_a"],
        user=outsider,
        capabilities=(Capability.REVIEW_CASE,),
    )
    start_review(case, type(outsider).objects.get(pk=outsider.pk))
    case.refresh_from_db()
    assert case.state == CaseState.EXPERT_REVIEW


def test_only_a_supervisor_of_the_province_shares_a_case(users, world):
    case = world["teh_new"]
    with pytest.raises(PermissionDenied):
        services.case_grant_access(case=case, by=users["expert_a"], user=users["expert_b"])
    with pytest.raises(Case.DoesNotExist):
        services.case_grant_access(case=case, by=users["supervisor_b"], user=users["expert_b"])
    assert not case.events.filter(action="case_grant_access").exists()


def test_a_case_is_shared_only_for_reading_or_the_experts_work(users, world):
    case = world["teh_new"]
    supervisor = users["supervisor_a"]
    for capability in [
        Capability.DECIDE_NATIONALLY,
        Capability.REGISTER_IN_NAJVA,
        Capability.DECIDE_IN_PROVINCE,
    ]:
        with pytest.raises(services.CaseActionRefused):
            services.case_grant_access(
                case=case, by=supervisor, user=users["supervisor_b"], capabilities=(capability,)
            )
    with pytest.raises(services.CaseActionRefused):  # never to oneself
        services.case_grant_access(case=case, by=supervisor, user=supervisor)
    with pytest.raises(services.CaseActionRefused):  # the auditor holds no expert role
        services.case_grant_access(
            case=case, by=supervisor, user=users["auditor"], capabilities=(Capability.REVIEW_CASE,)
        )
    assert not case.events.filter(action="case_grant_access").exists()
    with pytest.raises(PermissionDenied):
        start_review(case, users["auditor"])


def test_a_second_role_does_not_carry_the_first_roles_permission_elsewhere(users, world):
    from django.contrib.auth.models import Group

    isfahan_expert = users["expert_b"]
    isfahan_expert.groups.add(Group.objects.get(name=Role.AUDITOR))  # sees every province now
    both = type(isfahan_expert).objects.get(pk=isfahan_expert.pk)
    tehran_case = world["teh_new"]
    assert tehran_case in Case.objects.for_user(both)
    with pytest.raises(PermissionDenied):
        start_review(tehran_case, both)
    tehran_case.refresh_from_db()
    assert tehran_case.state == CaseState.RECEIVED


def test_a_superuser_in_a_role_group_holds_no_case_role(users, world, it_admin):
    """The IT administrator holds no case role, whatever groups the account is in: a role group
    gives it neither the cases nor the steps, and no case can be shared with it."""
    from django.contrib.auth.models import Group

    it_admin.groups.add(
        Group.objects.get(name=Role.SUPERVISOR), Group.objects.get(name=Role.AUDITOR)
    )
    it_admin.province = world["teh_new"].province
    it_admin.save()
    root = type(it_admin).objects.get(pk=it_admin.pk)
    case = world["teh_new"]
    assert not Case.objects.for_user(root).exists()
    with pytest.raises(Case.DoesNotExist):
        start_review(case, root)
    with pytest.raises(Case.DoesNotExist):
        services.case_take_step(case=case, by=root, step=Step.WITHDRAW, reason="x")
    with pytest.raises(PermissionDenied):
        services.case_grant_access(case=case, by=users["supervisor_a"], user=root)
    assert not Case.objects.for_user(root).exists()
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert not case.events.filter(action__in=["start_review", "withdraw", "case_grant_access"])


def test_no_user_holds_a_provincial_and_a_national_role(tehran):
    from django.core.exceptions import ValidationError

    from accounts.models import validate_roles

    def check(roles, province):
        validate_roles(roles=roles, province=province, is_staff=False)

    with pytest.raises(ValidationError):
        check([Role.EXPERT, Role.AUDITOR], tehran)
    with pytest.raises(ValidationError):
        check([Role.EXPERT], None)
    with pytest.raises(ValidationError):
        check([Role.AUDITOR], tehran)
    check([Role.EXPERT, Role.SUPERVISOR], tehran)
    check([Role.AUDITOR], None)


def test_the_cases_shared_with_a_user_are_read_once_a_request_and_again_after_a_share(
    client, users, case_in
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = case_in(CaseState.RECEIVED)
    outsider = users["expert_b"]
    assert case not in Case.objects.for_user(outsider)
    services.case_grant_access(case=case, by=users["supervisor_a"], user=outsider)
    assert case in Case.objects.for_user(outsider)  # the same instance reads them again
    client.force_login(users["secretary_a"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200  # the work queue scopes three lists
    grants = [q for q in captured.captured_queries if "caseuserobjectpermission" in q["sql"]]
    assert len(grants) == 1


def test_a_case_read_by_number_is_seen_exactly_when_the_lists_show_it(users, world, it_admin):
    """The case page, every case view (cases' case_or_404) and the order page read a case by its
    number and check it with permissions.may: the same cases as the lists' filter, for every
    role, a shared case, an inactive account and the IT administrator."""
    from cases.selectors.case_page import visible_case

    services.case_grant_access(
        case=world["teh_new"], by=users["supervisor_a"], user=users["expert_b"]
    )
    inactive = users["secretary_b"]
    inactive.is_active = False
    inactive.save()
    for user in [*users.values(), it_admin]:
        listed = set(Case.objects.for_user(user))
        for case in world.values():
            try:
                visible_case(Case.objects.all(), user=user, number=case.number)
                seen = True
            except Case.DoesNotExist:
                seen = False
            assert seen == (case in listed), (user.username, case.number)
    assert world["teh_new"] in set(Case.objects.for_user(users["expert_b"]))  # the shared one
