import datetime

from shared import clock


def test_today_is_tehrans_day_not_utcs():
    # 22:00 UTC on 20 March is already 21 March in Tehran (UTC+3:30).
    utc_evening = datetime.datetime(2026, 3, 20, 22, 0, tzinfo=datetime.UTC)
    with clock.pinned(utc_evening):
        assert clock.now() == utc_evening
        assert clock.today() == datetime.date(2026, 3, 21)


def test_a_pinned_date_is_an_office_hour_that_day():
    day = clock.today() + datetime.timedelta(days=800)
    with clock.pinned(day):
        assert clock.today() == day
    assert clock.today() != day


def test_a_shifted_clock_runs_ahead_and_comes_back():
    before = clock.now()
    with clock.shifted(datetime.timedelta(days=730)):
        ahead = clock.now()
        assert datetime.timedelta(days=729) < ahead - before < datetime.timedelta(days=731)
    assert clock.now() - before < datetime.timedelta(days=1)
