"""Supervision letters in the domain: numbers per issuing union, kind and year; what a letter
may list; the dates its service, reply and referral may carry."""

from datetime import date

import pytest

from conftest import messages_at
from mediation.errors import RuleViolation
from mediation.reports import letters
from mediation.scope import scope_of
from models import Employer

TODAY = date(2026, 11, 24)


@pytest.fixture
def employers(make_case, db):
    """One employer with a case in 南海 (NH-LS), one with a case in 禅城 (CC-ZC)."""
    nanhai = make_case("NH-LS", employer="南海某厂")
    chancheng = make_case("CC-ZC", employer="禅城某厂")
    return {
        "NH": (db.get(Employer, nanhai.employer_id), nanhai),
        "CC": (db.get(Employer, chancheng.employer_id), chancheng),
    }


def issue(db, user, employer, case, kind="notice", on=TODAY):
    data = letters.LetterData(kind, on, [case.id], ["labour_50"], "拖欠工资")
    return letters.issue_letter(db, user, scope_of(db, user), employer, data, today=TODAY)


def test_numbers_run_per_union_kind_and_year_without_gaps(db, make_user, employers):
    nanhai = make_user("district_supervisor", district="NH")
    chancheng = make_user("district_supervisor", district="CC")
    city = make_user("city_supervisor")
    nh_employer, nh_case = employers["NH"]
    cc_employer, cc_case = employers["CC"]

    numbers = [
        issue(db, nanhai, nh_employer, nh_case).number,
        issue(db, nanhai, nh_employer, nh_case).number,
        issue(db, nanhai, nh_employer, nh_case, kind="opinion").number,
        issue(db, nanhai, nh_employer, nh_case, on=date(2025, 12, 30)).number,
        issue(db, chancheng, cc_employer, cc_case).number,
        issue(db, city, nh_employer, nh_case).number,
        issue(db, nanhai, nh_employer, nh_case).number,
    ]

    assert numbers == [
        "南海工监提字〔2026〕第1号",
        "南海工监提字〔2026〕第2号",
        "南海工监意字〔2026〕第1号",
        "南海工监提字〔2025〕第1号",
        "禅城工监提字〔2026〕第1号",
        "佛山工监提字〔2026〕第1号",
        "南海工监提字〔2026〕第3号",
    ]


def test_a_refused_letter_takes_no_number(db, make_user, employers):
    nanhai = make_user("district_supervisor", district="NH")
    employer, case = employers["NH"]
    with pytest.raises(RuleViolation):
        letters.issue_letter(
            db,
            nanhai,
            scope_of(db, nanhai),
            employer,
            letters.LetterData("notice", TODAY, [case.id], [], ""),
            today=TODAY,
        )
    assert issue(db, nanhai, employer, case).number == "南海工监提字〔2026〕第1号"


def test_a_letter_lists_only_cases_in_the_issuers_scope(db, make_user, employers):
    nanhai = make_user("district_supervisor", district="NH")
    employer, case = employers["NH"]
    _, other_district_case = employers["CC"]
    with pytest.raises(RuleViolation) as refused:
        letters.issue_letter(
            db,
            nanhai,
            scope_of(db, nanhai),
            employer,
            letters.LetterData("notice", TODAY, [case.id, other_district_case.id], [], "x"),
            today=TODAY,
        )
    assert messages_at(refused.value, "case_ids") == ["所选案件不属于本单位或不在您的管辖范围内"]


def test_recorded_dates_follow_the_letter(db, make_user, employers):
    nanhai = make_user("district_supervisor", district="NH")
    employer, case = employers["NH"]
    letter = issue(db, nanhai, employer, case, on=date(2026, 11, 2))

    with pytest.raises(RuleViolation) as early:
        letters.record_service(db, letter, nanhai, date(2026, 11, 1), "post", "收发室", TODAY)
    assert messages_at(early.value, "served_on") == ["送达日期不能早于发出日期"]
    letters.record_service(db, letter, nanhai, date(2026, 11, 4), "post", "收发室", TODAY)
    assert letters.status_of(letter, TODAY) == "逾期未回复"  # due 2026-11-23
    with pytest.raises(RuleViolation) as before_service:
        letters.record_reply(db, letter, nanhai, date(2026, 11, 3), "已整改", TODAY)
    assert messages_at(before_service.value, "replied_on") == ["回复日期不能早于送达日期"]
    letters.record_referral(db, letter, nanhai, date(2026, 11, 24), "", TODAY)
    assert letters.status_of(letter, TODAY) == "已移送劳动保障监察"
