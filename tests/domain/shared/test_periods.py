"""The period rule (民法典 art.201, 203): count from the next day, end on the last day, roll a last
day that is a rest day or public holiday forward to the next working day; working-day clocks
never count the day of receipt."""

from datetime import date, timedelta

import pytest

from mediation.periods import (
    NO_HOLIDAYS,
    WorkCalendar,
    add_working_days,
    mediation_due_from,
    nth_working_day,
    period_end,
)
from mediation.reference.calendar import OFFICIAL_CALENDAR


def test_a_period_counts_from_the_next_day_and_ends_on_a_working_day():
    assert period_end(date(2021, 3, 9), 15, NO_HOLIDAYS) == date(2021, 3, 24)  # a Wednesday
    assert period_end(date(2021, 3, 9), 0, NO_HOLIDAYS) == date(2021, 3, 9)
    # 2021-03-07 is a Sunday: the period ends on Monday
    assert period_end(date(2021, 2, 20), 15, NO_HOLIDAYS) == date(2021, 3, 8)
    assert period_end(date(2020, 2, 20), 15, NO_HOLIDAYS) == date(2020, 3, 6)  # leap year
    # 2022-01-09 is a Sunday
    assert period_end(date(2021, 12, 25), 15, NO_HOLIDAYS) == date(2022, 1, 10)
    with pytest.raises(ValueError):
        period_end(date(2021, 3, 24), -15, NO_HOLIDAYS)


def test_days_off_inside_a_period_do_not_lengthen_it():
    # received on the Friday before 2024 National Day: the 15th day, 12 October, is a make-up
    # working Saturday, so the period ends there although a week of holidays lies inside it.
    assert period_end(date(2024, 9, 27), 15, OFFICIAL_CALENDAR) == date(2024, 10, 12)


@pytest.mark.parametrize(
    "received,last_day,ends",
    [
        # the examples: 2024-10-01 is National Day, 2026-02-15 Spring Festival
        (date(2024, 9, 16), date(2024, 10, 1), date(2024, 10, 8)),
        (date(2026, 1, 31), date(2026, 2, 15), date(2026, 2, 24)),
        # 2020: Spring Festival extended to 2 February by the State Council
        (date(2020, 1, 16), date(2020, 1, 31), date(2020, 2, 3)),
        (date(2020, 1, 17), date(2020, 2, 1), date(2020, 2, 3)),
        # 2008 Labour Day: 1-3 May off, Sunday 4 May a working day
        (date(2008, 4, 16), date(2008, 5, 1), date(2008, 5, 4)),
        # a make-up working Sunday is not a rest day: nothing rolls
        (date(2020, 1, 4), date(2020, 1, 19), date(2020, 1, 19)),
    ],
)
def test_a_last_day_off_rolls_to_the_first_working_day(received, last_day, ends):
    assert received + timedelta(days=15) == last_day
    assert period_end(received, 15, OFFICIAL_CALENDAR) == ends


def test_three_working_days_never_count_the_day_of_receipt():
    # Received on Spring Festival eve 2021: 11-17 February off, Saturday 20 February a make-up
    # working day. Day one is the 18th.
    assert nth_working_day(date(2021, 2, 9), 3, OFFICIAL_CALENDAR) == date(2021, 2, 19)
    assert nth_working_day(date(2021, 2, 9), 3, NO_HOLIDAYS) == date(2021, 2, 12)
    # received on a working day: that day never counts
    assert nth_working_day(date(2021, 3, 8), 3, NO_HOLIDAYS) == date(2021, 3, 11)


def test_the_extension_lengthens_one_period():
    calendar = OFFICIAL_CALENDAR
    # accepted 2024-09-16: 15 days end 2024-10-01 (holiday) -> 8 October; extended by 5 the
    # period's last day is 6 October (holiday) -> 8 October too, not 8 + 5.
    assert mediation_due_from(date(2024, 9, 16), 0, calendar) == date(2024, 10, 8)
    assert mediation_due_from(date(2024, 9, 16), 5, calendar) == date(2024, 10, 8)
    assert mediation_due_from(date(2024, 9, 16), 15, calendar) == date(2024, 10, 16)


def test_add_working_days_skips_weekends():
    friday = date(2021, 3, 5)
    assert add_working_days(friday, 3) == date(2021, 3, 10)
    assert add_working_days(friday, 1) == date(2021, 3, 8)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(date(2021, 3, 6), 1) == date(2021, 3, 8)  # from a Saturday
    assert add_working_days(date(2021, 3, 8), 3) == date(2021, 3, 11)  # Monday -> Thursday
    assert add_working_days(date(2021, 3, 8), 5) == date(2021, 3, 15)


def test_add_working_days_with_holidays_and_makeup_days():
    # 2021 Labour Day: 1-5 May off; Sunday 25 April and Saturday 8 May were working days.
    holidays = {date(2021, 5, d) for d in range(1, 6)}
    makeup = {date(2021, 4, 25), date(2021, 5, 8)}
    friday = date(2021, 4, 30)
    assert add_working_days(friday, 1, holidays, makeup) == date(2021, 5, 6)
    assert add_working_days(friday, 3, holidays, makeup) == date(2021, 5, 8)  # Saturday works
    assert add_working_days(friday, 4, holidays, makeup) == date(2021, 5, 10)
    assert add_working_days(friday, 3) == date(2021, 5, 5)  # without the calendar
    assert add_working_days(date(2021, 4, 23), 1, holidays, makeup) == date(2021, 4, 25)
    # lists (any collection) work as well as sets
    assert add_working_days(friday, 1, list(holidays), list(makeup)) == date(2021, 5, 6)


def test_holiday_wins_over_makeup_day():
    saturday = date(2021, 3, 6)
    assert add_working_days(date(2021, 3, 5), 1, {saturday}, {saturday}) == date(2021, 3, 8)
    calendar = WorkCalendar(frozenset({saturday}), frozenset({saturday}))
    assert not calendar.is_working_day(saturday)


def test_add_working_days_refuses_negative():
    with pytest.raises(ValueError):
        add_working_days(date(2021, 3, 5), -1)
