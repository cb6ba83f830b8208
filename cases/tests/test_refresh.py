"""A case read again while another thread reads one: django-fsm-2's own refresh switches the state
field's protection off and on for every thread at once (shared.fsm says how it failed)."""

from django_fsm import FSMModelMixin

from cases import services
from cases.choices import CaseState, Step
from cases.models import Case


def test_a_case_is_read_again_while_another_thread_has_protected_the_field_again(
    case_in, actors_a, monkeypatch
):
    case = case_in(CaseState.RECEIVED)
    stale = Case.objects.get(pk=case.pk)
    services.case_take_step(case=case, by=actors_a.expert, step=Step.START_REVIEW)
    # django-fsm-2 lifts the protection of the shared field while it refreshes; another thread
    # finishing its own refresh puts it back at any moment: here, for the whole refresh.
    monkeypatch.setattr(FSMModelMixin, "_get_protected_fsm_fields", lambda self: set())

    stale.refresh_from_db()

    assert stale.state == CaseState.EXPERT_REVIEW
    # The state the next save expects in the row is the one read (ConcurrentTransitionMixin):
    # saving does not take the case for one moved since.
    stale.save()
    stale.refresh_from_db(fields=["state"])
    assert stale.state == CaseState.EXPERT_REVIEW


def test_the_other_models_with_a_protected_state_are_read_again_the_same_way():
    from letters.models import Letter
    from people.models import IdentityDocument
    from shared.fsm import RefreshSafely

    assert issubclass(Letter, RefreshSafely) and issubclass(IdentityDocument, RefreshSafely)
    assert Case.refresh_from_db is RefreshSafely.refresh_from_db
