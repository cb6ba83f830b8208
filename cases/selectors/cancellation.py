"""The cancellation's preview: who and what the step «ابطال کارت» cancels, and who keeps theirs."""

from django.db.models import Prefetch

from cases.choices import SubjectDecision
from cases.models import Case
from people.models import IdentityDocument, Person


def cancellation_preview(case: Case) -> dict:
    """What the cancellation's confirmation page names: every person on the case with their
    documents (those to cancel first), and the members of their households who are not on the
    case (registered since the submission), whose documents the step leaves as they are. Of a
    household registered in another province, only the case's own subjects are named."""
    subjects = sorted(
        case.subjects.select_related("person__household"),
        key=lambda s: (s.decision != SubjectDecision.CANCEL, s.pk),
    )
    households = {
        s.person.household_id
        for s in subjects
        if s.person.household.province_id == case.province_id
    }
    on_case = {s.person_id for s in subjects}
    documents = IdentityDocument.objects.select_related("document_type").order_by("pk")
    others = (
        Person.objects.filter(household_id__in=households)
        .exclude(pk__in=on_case)
        .select_related("household")
        .prefetch_related(Prefetch("documents", queryset=documents))
        .order_by("pk")
    )
    by_person: dict[int, list] = {}
    for document in documents.filter(person_id__in=on_case):
        by_person.setdefault(document.person_id, []).append(document)
    return {
        "subjects": [(s, by_person.get(s.person_id, [])) for s in subjects],
        "others": list(others),
    }
