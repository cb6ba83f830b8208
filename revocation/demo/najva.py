"""Najva in the demo data and the test fixtures: what the worker would do, done at once."""

from django.test.utils import override_settings

from cases.models import Case
from najva import backends, services


def settle(case: Case) -> Case:
    """Deliver every due registration now (through the configured backend, the embedded one by
    default) and return the case as it then is."""
    services.deliver_due()
    return Case.objects.get(pk=case.pk)


class OutageBackend:
    """Najva unreachable: what the demo's waiting case met (its registrations parked)."""

    def register_cancellation(self, cancellation):
        raise backends.NajvaError("اتصال به نجوا برقرار نشد: ConnectionError (قطعی نمونه)")

    def document_status(self, document_type, number):
        raise backends.NajvaError("اتصال به نجوا برقرار نشد: ConnectionError (قطعی نمونه)")


def park_in_outage(case: Case) -> Case:
    """The case's registrations tried once while Najva is down, and parked for the operator (as
    after the last of NAJVA_MAX_ATTEMPTS attempts): the operator's queue has work to show."""
    with override_settings(NAJVA_MAX_ATTEMPTS=1):
        services.deliver_due(backend=OutageBackend())
    return Case.objects.get(pk=case.pk)
