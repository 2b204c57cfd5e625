"""Deadline arithmetic with and without extension; weekends, holidays and make-up workdays."""

from datetime import date

import pytest

from mediation.cases import lifecycle
from mediation.cases.deadlines import (
    acceptance_due,
    deadlines,
    is_overdue,
    mediation_due,
    next_step,
    statutory_due,
)
from mediation.errors import RuleViolation
from mediation.reference.calendar import WorkCalendar, load_calendar
from models import CalendarDay, User

TODAY = date(2026, 11, 24)


def test_article_case_deadlines(make_case, db):
    case = make_case(received_on=date(2021, 3, 9))
    assert statutory_due(case) == date(2021, 3, 24)  # day one is 10 March
    lifecycle.accept(db, case, db.get(User, case.created_by_id), date(2021, 3, 9), today=TODAY)
    assert mediation_due(case) == case.mediation_due_on == date(2021, 3, 24)


def test_acceptance_clock_skips_weekends_and_holidays():
    friday = date(2024, 9, 27)
    assert WorkCalendar().add_working_days(friday, 3) == date(2024, 10, 2)
    national_day = WorkCalendar(
        holidays=frozenset(date(2024, 10, d) for d in range(1, 8)),
        workdays=frozenset({date(2024, 9, 29), date(2024, 10, 12)}),
    )
    # Sunday 29 Sept is a make-up workday; 1-7 October are holidays.
    assert national_day.add_working_days(friday, 3) == date(2024, 10, 8)


def test_holiday_table_moves_the_acceptance_deadline(db, make_case):
    case = make_case(received_on=date(2024, 9, 27))
    assert acceptance_due(case, load_calendar(db)) == date(2024, 10, 2)
    for day in range(1, 8):
        db.add(CalendarDay(day=date(2024, 10, day), kind="holiday", name="国庆节"))
    db.flush()
    assert acceptance_due(case, load_calendar(db)) == date(2024, 10, 9)  # 30 Sept, 8 and 9 Oct


def test_extension_moves_only_the_acceptance_based_deadline(db, make_case):
    case = make_case(received_on=date(2024, 5, 6))
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 8), today=TODAY)
    assert mediation_due(case) == date(2024, 5, 23)
    lifecycle.extend(db, case, actor, date(2024, 5, 20), 15, today=TODAY)
    assert mediation_due(case) == case.mediation_due_on == date(2024, 6, 7)
    assert statutory_due(case) == date(2024, 5, 21)
    with pytest.raises(RuleViolation, match="只能延长一次"):
        lifecycle.extend(db, case, actor, date(2024, 5, 21), 5, today=TODAY)


@pytest.mark.parametrize("days", [0, 16])
def test_extension_is_at_most_fifteen_days(db, make_case, days):
    case = make_case(received_on=date(2024, 5, 6))
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 8), today=TODAY)
    with pytest.raises(RuleViolation) as caught:
        lifecycle.extend(db, case, actor, date(2024, 5, 20), days, today=TODAY)
    assert caught.value.for_field("days") == ["延长天数为1至15天"]


def test_overdue_and_next_step(db, make_case):
    case = make_case(received_on=date(2024, 5, 6))
    calendar = WorkCalendar()
    assert "受理或不予受理" in next_step(case, calendar, date(2024, 5, 7), False)
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 7), today=TODAY)
    assert not is_overdue(case, date(2024, 5, 22))
    assert is_overdue(case, date(2024, 5, 23))
    labels = [d.label for d in deadlines(case, calendar, date(2024, 5, 23))]
    assert labels == ["法定调解期限（收到申请后15日）", "调解期限（受理后15日）"]
    late = deadlines(case, calendar, date(2024, 5, 23))[1]
    assert late.overdue and late.text == "超期1天"
    case.status = "in_mediation"
    assert "已届满" in next_step(case, calendar, date(2024, 5, 23), False)
    lifecycle.fail(db, case, actor, date(2024, 5, 23), "no_agreement", today=TODAY)
    assert not is_overdue(case, date(2024, 6, 30))
    assert deadlines(case, calendar, date(2024, 6, 30)) == []
