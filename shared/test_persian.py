import datetime

import pytest
from django.template import Context, Template

from shared import persian


@pytest.mark.parametrize(
    "typed",
    [
        "علی کریمی‌نژاد",  # as registered, with ZWNJ
        "علي كريمي نژاد",  # Arabic yeh and kaf, no ZWNJ
        "علی  کریمی نژاد",  # double space
        "علی کریمـی‌نژاد",  # tatweel
        "عَلی کریمی‌نژاد",  # a diacritic
        "ﻋﻠﻲ ﻛﺮﻳﻤﻲ ﻧﮋاد",  # presentation forms
        "علی کریمی\u200bنژاد",  # zero-width space
        "\ufeffعلی کریمی\u200c\u200fنژاد",  # BOM, ZWNJ and a direction mark
    ],
)
def test_every_spelling_of_a_name_has_one_key(typed):
    assert persian.normalize_name(typed) == "علی کریمی نژاد"


def test_identifiers_become_ascii_digits_and_letters():
    assert persian.normalize_identifier("۱۲۳-۴۵۶") == "123456"
    assert persian.normalize_identifier("١٢٣ ٤٥٦") == "123456"
    assert persian.normalize_identifier("ab/12") == "AB12"
    assert persian.normalize_identifier(None) == ""
    # Persian letters in a number are part of it.
    assert persian.normalize_identifier("الف-۱۲۳") == "الف123"
    assert len({persian.normalize_identifier(x) for x in ["الف-۱۲۳", "ب-۱۲۳", "123"]}) == 3
    assert persian.normalize_identifier("ك-١٢") == persian.normalize_identifier("ک ۱۲")


def test_digits_for_people_are_persian():
    assert persian.digits_to_persian("23-1405-00017") == "۲۳-۱۴۰۵-۰۰۰۱۷"
    assert persian.digits_to_persian(12) == "۱۲"
    assert persian.digits_to_ascii("۱۴۰۵/٠٩/04") == "1405/09/04"


@pytest.mark.parametrize("typed", ["1405/09/04", "۱۴۰۵/۰۹/۰۴", "١٤٠٥-٩-٤"])
def test_solar_hijri_dates_are_read_in_any_digits(typed):
    assert persian.parse_jalali_date(typed) == datetime.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1404/12/30", "وجود ندارد"),  # 1404 is not a leap year
        ("1405/07/31", "وجود ندارد"),  # Mehr has 30 days
        ("1405/13/01", "وجود ندارد"),
        ("25/11/2026", "سال/ماه/روز"),
        ("", "سال/ماه/روز"),
    ],
)
def test_impossible_dates_get_a_persian_message(typed, message):
    with pytest.raises(ValueError, match=message):
        persian.parse_jalali_date(typed)


def test_leap_day_of_a_leap_year_is_accepted():
    assert persian.parse_jalali_date("1403/12/30") == datetime.date(2025, 3, 20)


def test_template_filters_show_solar_hijri_dates_in_persian_digits(settings):
    moment = datetime.datetime(2026, 3, 20, 21, 0, tzinfo=datetime.UTC)  # 00:30 in Tehran
    rendered = Template('{{ d|jdate }} {{ m|jdate:"%Y/%m/%d %H:%M" }} {{ n|fa_digits }}').render(
        Context({"d": datetime.date(2026, 11, 25), "m": moment, "n": 42})
    )
    assert rendered == "۱۴۰۵/۰۹/۰۴ ۱۴۰۵/۰۱/۰۱ ۰۰:۳۰ ۴۲"


def test_an_identifier_in_plain_text_is_isolated_left_to_right_in_persian_digits():
    from shared.persian import isolated

    assert isolated("23-1405-00017") == "\u2066۲۳-۱۴۰۵-۰۰۰۱۷\u2069"


def test_the_common_date_formats_match_jdatetimes_own_formatting_over_fifty_years():
    """jalali() formats «%Y/%m/%d» and «%Y/%m/%d %H:%M» itself (a list of 250 rows shows few
    days); what it prints must be what jdatetime's strftime prints, leap years and Esfand too."""
    import datetime

    import jdatetime
    from django.utils import timezone

    from shared.persian import digits_to_persian, jalali

    day = datetime.date(1990, 1, 1)
    while day < datetime.date(2040, 1, 1):
        # 21:00 UTC is 00:30 (or 01:30) in Tehran: the next day there.
        moment = datetime.datetime.combine(day, datetime.time(21, 0), tzinfo=datetime.UTC)
        local = timezone.localtime(moment)
        assert local.date() == day + datetime.timedelta(days=1)
        as_jalali = jdatetime.datetime.fromgregorian(datetime=local)
        assert jalali(day) == digits_to_persian(
            jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
        )
        assert jalali(moment) == digits_to_persian(as_jalali.strftime("%Y/%m/%d"))
        assert jalali(moment, "%Y/%m/%d %H:%M") == digits_to_persian(
            as_jalali.strftime("%Y/%m/%d %H:%M")
        )
        day += datetime.timedelta(days=3)
