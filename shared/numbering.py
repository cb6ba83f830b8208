"""The registers that number what the directorate issues (cases, expulsion orders, letters): one
row per province and Solar Hijri year holding the last number given, locked while a number is
taken. Each app keeps its own register table; this is how any of them gives its next number."""

from django.db import IntegrityError, transaction


def next_value(register, *, province, year: int) -> int:
    """The next number of ``register`` (a model with ``province``, ``year`` and ``last_value``)
    for ``province`` and ``year``. Its row stays locked until the caller's transaction commits,
    so that two numbers taken at the same moment are two, in order."""
    try:
        with transaction.atomic():
            row, _ = register.objects.select_for_update().get_or_create(
                province=province, year=year
            )
    except IntegrityError:  # another transaction created this year's row first
        row = register.objects.select_for_update().get(province=province, year=year)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    return row.last_value
