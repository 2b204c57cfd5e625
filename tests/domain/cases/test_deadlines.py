"""Deadline arithmetic with and without extension; weekends, holidays and make-up workdays."""

from datetime import date

import pytest

from conftest import messages_at
from mediation.cases import lifecycle
from mediation.cases.deadlines import (
    acceptance_due,
    deadlines,
    extended_after_expiry,
    mediation_due,
    next_step,
    statutory_due,
)
from mediation.errors import RuleViolation
from mediation.reference.calendar import (
    WorkCalendar,
    delete_day,
    load_calendar,
    load_official_days,
    save_day,
)
from models import CalendarDay, Case, User

TODAY = date(2026, 11, 24)


def test_article_case_deadlines(make_case, db):
    case = make_case(received_on=date(2021, 3, 9))
    calendar = load_calendar(db)
    assert statutory_due(case, calendar) == date(2021, 3, 24)  # day one is 10 March
    lifecycle.accept(db, case, db.get(User, case.created_by_id), date(2021, 3, 9), today=TODAY)
    assert mediation_due(case, calendar) == case.mediation_due_on == date(2021, 3, 24)


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
    calendar = load_calendar(db)
    assert mediation_due(case, calendar) == date(2024, 5, 23)
    lifecycle.extend(db, case, actor, date(2024, 5, 20), 15, today=TODAY)
    assert mediation_due(case, calendar) == case.mediation_due_on == date(2024, 6, 7)
    assert statutory_due(case, calendar) == date(2024, 5, 21)
    assert case.extension_consent_on == date(2024, 5, 20)
    with pytest.raises(RuleViolation, match="只能延长一次"):
        lifecycle.extend(db, case, actor, date(2024, 5, 21), 5, today=TODAY)


@pytest.mark.parametrize("days", [0, 16])
def test_extension_is_at_most_fifteen_days(db, make_case, days):
    case = make_case(received_on=date(2024, 5, 6))
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 8), today=TODAY)
    with pytest.raises(RuleViolation) as caught:
        lifecycle.extend(db, case, actor, date(2024, 5, 20), days, today=TODAY)
    assert messages_at(caught.value, "days") == ["延长天数为1至15天"]


def test_overdue_and_next_step(db, make_case):
    case = make_case(received_on=date(2024, 5, 6))
    calendar = WorkCalendar()
    assert "受理或不予受理" in next_step(case, calendar, date(2024, 5, 7), False)
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 7), today=TODAY)
    assert case.mediation_due_on == date(2024, 5, 22)
    labels = [d.label for d in deadlines(case, calendar, date(2024, 5, 23))]
    assert labels == ["法定调解期限（收到申请后15日）", "调解期限（受理后15日）"]
    late = deadlines(case, calendar, date(2024, 5, 23))[1]
    assert late.overdue and late.text == "超期1天"
    case.status = "in_mediation"
    assert "已届满" in next_step(case, calendar, date(2024, 5, 23), False)
    lifecycle.fail(db, case, actor, date(2024, 5, 23), "no_agreement", today=TODAY)
    assert deadlines(case, calendar, date(2024, 6, 30)) == []


def test_the_stored_deadline_rolls_past_the_holiday_and_follows_calendar_changes(db, make_case):
    """Lists and `overdue_open` read Case.mediation_due_on: it holds the rolled date, and an
    admin's calendar entry moves it for open cases."""
    case = make_case(received_on=date(2024, 9, 14))
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 9, 16), today=TODAY)
    assert case.mediation_due_on == date(2024, 10, 1)  # a Tuesday: no holiday in the table yet
    save_day(db, date(2024, 10, 1), "holiday", "国庆节", today=TODAY)
    db.expire_all()
    case = db.get(Case, case.id)
    assert case.mediation_due_on == date(2024, 10, 2)
    loaded = load_official_days(db)
    assert loaded.refreshed == 1 and "1 件未结案件的调解期限随之调整" in loaded.text
    assert db.get(Case, case.id).mediation_due_on == date(2024, 10, 8)
    delete_day(db, date(2024, 10, 7))
    assert db.get(Case, case.id).mediation_due_on == date(2024, 10, 7)  # a Monday again


def test_a_closed_case_keeps_its_stored_deadline_when_the_calendar_changes(db, make_case):
    case = make_case(received_on=date(2024, 9, 14))
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 9, 16), today=TODAY)
    lifecycle.withdraw(db, case, actor, date(2024, 9, 20), today=TODAY)
    save_day(db, date(2024, 10, 1), "holiday", "国庆节", today=TODAY)
    assert db.get(Case, case.id).mediation_due_on == date(2024, 10, 1)


def test_an_extension_agreed_after_expiry_must_say_so_and_shows_it(db, make_case):
    load_official_days(db)
    case = make_case(received_on=date(2024, 9, 14))
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 9, 16), today=TODAY)
    assert case.mediation_due_on == date(2024, 10, 8)
    with pytest.raises(RuleViolation) as caught:
        lifecycle.extend(db, case, actor, date(2024, 10, 9), 10, today=TODAY)
    assert "原调解期限已于2024-10-08届满" in messages_at(caught.value, "consent_on")[0]
    with pytest.raises(RuleViolation) as caught:  # the flag must be true, too
        lifecycle.extend(db, case, actor, date(2024, 10, 8), 10, today=TODAY, after_expiry=True)
    assert messages_at(caught.value, "after_expiry") == [
        "双方同意日期未晚于原调解期限（2024-10-08）"
    ]
    lifecycle.extend(db, case, actor, date(2024, 10, 9), 10, today=TODAY, after_expiry=True)
    assert case.extension_consent_on == date(2024, 10, 9)
    assert case.mediation_due_on == date(2024, 10, 11)  # 16 + 25 days
    calendar = load_calendar(db)
    assert extended_after_expiry(case, calendar)
    label = deadlines(case, calendar, date(2024, 10, 9))[-1].label
    assert label == "调解期限（受理后15日，期限届满后经双方同意延长10日）"


def test_an_extension_agreed_in_time_is_shown_plainly(db, make_case):
    case = make_case(received_on=date(2024, 5, 6))
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 8), today=TODAY)
    lifecycle.extend(db, case, actor, date(2024, 5, 23), 5, today=TODAY)  # the last day
    calendar = load_calendar(db)
    assert not extended_after_expiry(case, calendar)
    assert (
        deadlines(case, calendar, date(2024, 5, 24))[-1].label
        == "调解期限（受理后15日，已延长5日）"
    )
