"""The official holiday calendar ships with the product (2008 on), and every deadline follows the
period rule with it. Expected deadlines here are derived from the State Council's days and the
rule as written in the law, independently of mediation.periods."""

from bisect import bisect_left, bisect_right
from datetime import date, timedelta

import chinese_calendar
import pytest
from sqlmodel import select

from conftest import messages_at
from mediation.cases.deadlines import acceptance_due, mediation_due, statutory_due
from mediation.reference.calendar import (
    last_official_year,
    load_calendar,
    load_official_days,
    official_days,
    save_day,
)
from models import CalendarDay, Case

# Days from the State Council General Office's notices (国务院办公厅关于20XX年部分节假日安排的通知).
NOTICES = {
    "holiday": [
        date(2008, 1, 1),
        *(date(2008, 2, d) for d in range(6, 13)),  # 春节 6-12 February
        *(date(2008, 4, d) for d in range(4, 7)),  # 清明节, a public holiday from 2008 on
        date(2008, 5, 1),
        date(2008, 5, 2),
        date(2008, 5, 3),  # 劳动节 shortened to 1-3 May in 2008
        date(2008, 6, 9),  # 端午节
        *(date(2008, 9, d) for d in (29, 30)),
        *(date(2008, 10, d) for d in range(1, 6)),  # 国庆节 29 Sept - 5 Oct
        date(2015, 9, 3),  # 抗战胜利70周年纪念日
        date(2015, 9, 4),
        *(date(2020, 1, d) for d in range(24, 32)),  # 春节, extended by the State Council
        date(2020, 2, 1),
        date(2020, 2, 2),  # ... to 2 February (国办发明电〔2020〕1号)
        *(date(2020, 10, d) for d in range(1, 9)),  # 国庆节、中秋节 1-8 October
        *(date(2024, 10, d) for d in range(1, 8)),
        *(date(2026, 2, d) for d in range(15, 24)),  # 春节 15-23 February
    ],
    "workday": [
        date(2008, 2, 2),
        date(2008, 2, 3),
        date(2008, 5, 4),  # a Sunday worked for Labour Day
        date(2008, 9, 27),
        date(2008, 9, 28),
        date(2015, 9, 6),
        date(2020, 1, 19),  # a Sunday worked for Spring Festival
        date(2020, 9, 27),
        date(2020, 10, 10),
        date(2024, 9, 29),
        date(2024, 10, 12),
        date(2026, 2, 14),
        date(2026, 2, 28),
    ],
}


def test_the_official_days_match_the_notices():
    days = {day: kind for day, kind, _ in official_days()}
    for kind, listed in NOTICES.items():
        for day in listed:
            assert days.get(day) == kind, day
    # 1 February 2020 was to be a make-up working Saturday; the extension made it a holiday
    assert days[date(2020, 2, 1)] == "holiday"
    assert min(days).year == 2008 and last_official_year() >= 2026
    assert all(day.weekday() >= 5 for day, kind in days.items() if kind == "workday")
    assert len(days) == len(official_days())  # one entry a date


def test_loading_adds_only_what_is_missing_and_says_so(db):
    db.add(CalendarDay(day=date(2020, 1, 24), kind="holiday", name="除夕（本中心录入）"))
    db.add(CalendarDay(day=date(2024, 10, 12), kind="holiday", name="管理员更正"))
    db.flush()
    loaded = load_official_days(db)
    assert loaded.added == len(official_days()) - 2
    assert loaded.years[0] == 2008 and loaded.years[-1] == last_official_year()
    assert f"新增 {loaded.added} 天" in loaded.text and "调休上班日" in loaded.text
    # admins' entries are kept as they were
    assert db.get(CalendarDay, date(2020, 1, 24)).name == "除夕（本中心录入）"
    assert db.get(CalendarDay, date(2024, 10, 12)).kind == "holiday"
    assert db.get(CalendarDay, date(2008, 5, 1)).name == "劳动节"
    assert db.get(CalendarDay, date(2008, 5, 4)).name == "劳动节调休"
    again = load_official_days(db)
    assert again.added == 0 and again.text == "没有需要新增的日期"


def _working_days(first: date, last: date) -> list[date]:
    """Working days as the notices define them: Monday to Friday unless a holiday, plus the
    weekend days declared working days."""
    holidays = set(chinese_calendar.holidays)
    workdays = set(chinese_calendar.workdays)
    days, day = [], first
    while day <= last:
        if day in workdays or (day.weekday() < 5 and day not in holidays):
            days.append(day)
        day += timedelta(days=1)
    return days


def test_every_deadline_of_every_receipt_date_2008_to_2026_follows_the_law(db):
    """For every receipt date: 15 days end on the 15th day after it, or on the first working
    day after that when it is a day off (民法典 art.201, 203); 3 working days end on the third
    working day after it. The table is what init-db loads."""
    load_official_days(db)
    calendar = load_calendar(db)
    working = _working_days(date(2008, 1, 1), date(2027, 3, 31))
    day, rolled = date(2008, 1, 1), 0
    while day.year <= 2026:
        case = Case(received_on=day, accepted_on=day, extension_days=0)
        last_day = day + timedelta(days=15)
        expected = working[bisect_left(working, last_day)]
        rolled += expected != last_day
        assert statutory_due(case, calendar) == expected, day
        assert mediation_due(case, calendar) == expected, day
        third = working[bisect_right(working, day) + 2]
        assert acceptance_due(case, calendar) == third, day
        day += timedelta(days=1)
    assert rolled > 2000  # about one receipt date in three ends on a day off


def test_the_issue_examples(db):
    load_official_days(db)
    calendar = load_calendar(db)
    case = Case(received_on=date(2024, 9, 16))
    assert statutory_due(case, calendar) == date(2024, 10, 8)
    case = Case(received_on=date(2026, 1, 31))
    assert statutory_due(case, calendar) == date(2026, 2, 24)
    case = Case(received_on=date(2021, 2, 9))
    assert acceptance_due(case, calendar) == date(2021, 2, 19)


def test_calendar_entries_are_bounded_and_make_up_days_are_weekends(db):
    today = date(2026, 11, 27)
    for day, kind, message in [
        (date(2007, 12, 31), "holiday", "日期应在2008年1月1日至2027年12月31日之间"),
        (date(2028, 1, 1), "holiday", "日期应在2008年1月1日至2027年12月31日之间"),
        (date(2027, 2, 3), "workday", "调休上班日应为周六或周日"),
    ]:
        with pytest.raises(Exception) as caught:
            save_day(db, day, kind, "", today=today)
        assert any(message in text for text in messages_at(caught.value, "day"))
    save_day(db, date(2027, 12, 31), "holiday", "测试", today=today)
    save_day(db, date(2008, 1, 1), "holiday", "元旦", today=today)
    assert len(db.exec(select(CalendarDay)).all()) == 2
