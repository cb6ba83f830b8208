import datetime

import pytest
from django.core.exceptions import ValidationError

from shared import clock, daterules

DAY = datetime.date(2026, 3, 20)  # 29 Esfand 1404, the last day of a Solar Hijri year


def test_a_date_after_today_is_refused_and_today_is_not():
    with clock.pinned(DAY):
        assert daterules.not_in_future(DAY, "تاریخ جلسه") is None
        assert daterules.not_in_future(None, "تاریخ جلسه") is None
        assert (
            daterules.not_in_future(DAY + datetime.timedelta(days=1), "تاریخ جلسه")
            == "تاریخ جلسه نمی‌تواند در آینده باشد."
        )


def test_today_is_the_day_in_tehran_not_utc():
    # 21:00 UTC on 20 March is 00:30 on 21 March (1 Farvardin) in Tehran: that day is not future.
    late_evening_utc = datetime.datetime(2026, 3, 20, 21, 0, tzinfo=datetime.UTC)
    with clock.pinned(late_evening_utc):
        assert daterules.not_in_future(datetime.date(2026, 3, 21), "تاریخ") is None


def test_the_order_of_two_dates():
    sent = DAY
    assert daterules.not_before(sent, sent, "مهلت پاسخ", "تاریخ ارسال") is None
    assert daterules.not_before(None, sent, "مهلت پاسخ", "تاریخ ارسال") is None
    assert daterules.not_before(sent, None, "مهلت پاسخ", "تاریخ ارسال") is None
    assert (
        daterules.not_before(sent - datetime.timedelta(days=1), sent, "مهلت پاسخ", "تاریخ ارسال")
        == "مهلت پاسخ نمی‌تواند پیش از تاریخ ارسال باشد."
    )
    assert daterules.not_after(sent, sent, "تاریخ ارسال", "تاریخ پاسخ") is None
    assert (
        daterules.not_after(sent + datetime.timedelta(days=1), sent, "تاریخ ارسال", "تاریخ پاسخ")
        == "تاریخ ارسال نمی‌تواند پس از تاریخ پاسخ باشد."
    )


def test_not_before_the_day_the_case_was_opened_in_tehran():
    # Opened at 22:00 UTC on 20 March: already 21 March in Tehran, so 20 March is before it.
    opened_at = datetime.datetime(2026, 3, 20, 22, 0, tzinfo=datetime.UTC)
    assert (
        daterules.not_before_opening(datetime.date(2026, 3, 21), opened_at, "تاریخ ارسال") is None
    )
    assert (
        daterules.not_before_opening(DAY, opened_at, "تاریخ ارسال")
        == "تاریخ ارسال نمی‌تواند پیش از تاریخ ثبت پرونده باشد."
    )


def test_a_form_validator_names_the_date():
    validate = daterules.past_validator("تاریخ صدور")
    with clock.pinned(DAY):
        validate(DAY)
        with pytest.raises(ValidationError) as refused:
            validate(DAY + datetime.timedelta(days=1))
    assert refused.value.messages == ["تاریخ صدور نمی‌تواند در آینده باشد."]


def test_the_module_stays_at_the_bottom():
    """It imports the clock and Django only: every layer may ask it."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(daterules.__file__).read_text())
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert all(name.split(".")[0] in {"datetime", "django", "shared"} for name in imported)
    assert {name for name in imported if name.startswith("shared")} == {"shared"}  # the clock
