"""Early warnings: each kind flags the cases it should, says why, and leaves the others out."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from mediation.cases import lifecycle
from mediation.reports import warnings
from mediation.reports.warnings import Thresholds, all_warnings, warning_counts, warning_list
from mediation.scope import Scope
from models import AuditEvent, User

TODAY = date(2026, 11, 24)
CITY = Scope(centre_ids=None)


def listed(db, kind, scope=CITY, limits=None, **kw):
    return warning_list(db, scope, kind, TODAY, limits, **kw)


def numbers(found):
    return [c.number for c in found.cases]


def reason_of(found, case):
    return next(c.reason for c in found.cases if c.id == case.id)


def actor_of(db, case):
    return db.get(User, case.created_by_id)


def date_events(db, case, day: date):
    db.exec(
        update(AuditEvent)
        .where(AuditEvent.case_id == case.id)
        .values(at=datetime(day.year, day.month, day.day, 2, tzinfo=UTC))
    )
    db.expire_all()


def test_stale_open_cases_are_listed_with_their_last_activity(db, make_case):
    stale = make_case(received_on=date(2026, 10, 8), employer="久未办理公司")
    date_events(db, stale, date(2026, 10, 9))
    make_case(received_on=date(2026, 10, 8), employer="刚办理公司")  # its events: now
    closed = make_case(received_on=date(2026, 10, 8), employer="已撤回公司")
    lifecycle.withdraw(db, closed, actor_of(db, closed), date(2026, 10, 9), today=TODAY)
    date_events(db, closed, date(2026, 10, 9))

    found = listed(db, "stale")

    assert numbers(found) == [stale.number]
    assert found.count == 1
    assert reason_of(found, stale) == "最后一次办理于2026-10-09，已46天没有进展（预警：10天）"
    # a longer threshold lets it go
    assert listed(db, "stale", limits=Thresholds(stale_days=60)).count == 0


def test_accepted_cases_without_a_session(db, make_case):
    waiting = make_case(received_on=date(2026, 11, 2), employer="未排期公司")
    lifecycle.accept(db, waiting, actor_of(db, waiting), date(2026, 11, 3), today=TODAY)
    held = make_case(received_on=date(2026, 11, 2), employer="已调解公司")
    lifecycle.accept(db, held, actor_of(db, held), date(2026, 11, 3), today=TODAY)
    lifecycle.record_session(
        db, held, actor_of(db, held), datetime(2026, 11, 5, 2, tzinfo=UTC), 60, "调解室", "", "笔录"
    )
    recent = make_case(received_on=date(2026, 11, 19), employer="刚受理公司")
    lifecycle.accept(db, recent, actor_of(db, recent), date(2026, 11, 20), today=TODAY)

    found = listed(db, "no_session")

    assert numbers(found) == [waiting.number]
    assert reason_of(found, waiting) == "受理于2026-11-03，已21天仍未安排调解（预警：受理后7天）"


def test_cases_past_a_deadline_by_mediator_with_each_deadline_named(db, make_case, make_user):
    zhang = make_user("mediator", "NH-LS", display_name="张调解")
    li = make_user("mediator", "NH-LS", display_name="李调解")
    # received Wed 18 Nov, not accepted: the third working day was Mon 23 Nov
    late_decision = make_case(received_on=date(2026, 11, 18), actor=zhang, employer="甲公司")
    late_decision.mediator_id = zhang.id
    # received Fri 20 Nov: decision due Wed 25 Nov, not yet
    in_time = make_case(received_on=date(2026, 11, 20), actor=zhang, employer="乙公司")
    in_time.mediator_id = zhang.id
    # accepted 2 Nov: 15 days from receipt and from acceptance both passed
    old = make_case(received_on=date(2026, 11, 2), actor=li, employer="丙公司")
    lifecycle.accept(db, old, li, date(2026, 11, 2), today=TODAY)
    old.mediator_id = li.id
    db.flush()

    found = listed(db, "overdue")

    # grouped by mediator (names in code-point order on both databases: 张 U+5F20 < 李 U+674E)
    assert numbers(found) == [late_decision.number, old.number]
    assert [c.mediator for c in found.cases] == ["张调解", "李调解"]
    assert reason_of(found, late_decision) == "已过受理决定期限2026-11-23（收到后3个工作日）"
    assert reason_of(found, old) == (
        "已过法定调解期限2026-11-17（收到申请之日起15日，调解法第十四条）；"
        "调解期限2026-11-17（受理后15日）"
    )


def test_collective_disputes_received_lately(db, make_case):
    collective = make_case(workers=10, received_on=date(2026, 11, 20), employer="集体公司")
    make_case(workers=10, received_on=date(2026, 9, 1), employer="早前集体公司")
    make_case(workers=9, received_on=date(2026, 11, 20), employer="九人公司")

    found = listed(db, "collective")

    assert numbers(found) == [collective.number]
    assert reason_of(found, collective) == "集体劳动争议：10名劳动者，收到于2026-11-20"


def test_many_workers_or_large_wage_arrears(db, make_case):
    many = make_case(workers=5, received_on=date(2026, 11, 10), employer="多人公司")
    arrears = make_case(
        workers=2, claimed_fen=10_000_000, received_on=date(2026, 11, 12), employer="欠薪公司"
    )
    make_case(workers=2, claimed_fen=9_999_999, received_on=date(2026, 11, 12), employer="小额")
    make_case(workers=10, received_on=date(2026, 11, 12), employer="集体公司")  # its own list

    found = listed(db, "large")

    assert numbers(found) == [arrears.number, many.number]  # newest first
    assert reason_of(found, many) == "收到于2026-11-10，涉及5名劳动者（预警：5人）"
    assert reason_of(found, arrears) == (
        "收到于2026-11-12，拖欠工资200,000.00元（预警：200,000.00元）"
    )
    three = Thresholds(many_workers=3, large_arrears_fen=100_000_000)
    assert numbers(listed(db, "large", limits=three)) == [many.number]


def test_new_employment_disputes_grouped_by_employer(db, make_case):
    rider = [
        make_case(received_on=date(2026, 11, d), employer="某外卖平台公司", new_employment=True)
        for d in (3, 4)
    ]
    contractor = make_case(
        received_on=date(2026, 11, 5), employer="某配送承包商", new_employment=True
    )
    make_case(received_on=date(2026, 11, 5), employer="某外卖平台公司")  # not new-employment

    found = listed(db, "new_employment")

    assert numbers(found) == [rider[0].number, rider[1].number, contractor.number]
    assert reason_of(found, contractor) == (
        "新就业形态争议，用人单位（平台企业或承包商）某配送承包商在近期共1件"
    )
    assert reason_of(found, rider[0]).endswith("某外卖平台公司在近期共2件")


def test_employers_with_repeat_claims_in_the_rolling_period(db, make_case):
    repeat = [
        make_case(received_on=day, employer="屡次被申请公司")
        for day in (date(2026, 1, 5), date(2026, 6, 1), date(2026, 11, 2))
    ]
    make_case(received_on=date(2025, 11, 1), employer="两次公司")  # outside the 365 days
    make_case(received_on=date(2026, 6, 1), employer="两次公司")
    make_case(received_on=date(2026, 7, 1), employer="两次公司")

    found = listed(db, "repeat_employers")

    assert sorted(numbers(found)) == sorted(c.number for c in repeat)
    assert {c.reason for c in found.cases} == {"屡次被申请公司在365天内被申请调解3件（预警：3件）"}
    assert listed(db, "repeat_employers", limits=Thresholds(repeat_days=400)).count == 6


def test_lists_stay_in_scope_and_are_paged(db, make_case, centres):
    cases = [
        make_case(workers=10, received_on=date(2026, 11, d), employer=f"集体{d}公司")
        for d in (16, 17, 18)
    ]
    other_district = Scope(centre_ids=frozenset({centres["CC-ZC"].id}))
    assert listed(db, "collective", scope=other_district).count == 0

    second = listed(db, "collective", page=2, page_size=2)
    assert second.count == 3 and second.pages == 2
    assert numbers(second) == [cases[0].number]  # newest first: 18, 17 | 16
    counts = {kind: n for kind, _, n in warning_counts(db, CITY, TODAY)}
    assert counts["collective"] == 3
    assert set(counts) == set(warnings.KINDS)
    assert [w.kind for w in all_warnings(db, CITY, TODAY)] == list(warnings.KINDS)


@pytest.mark.parametrize(
    ("config", "expected"),
    [({}, Thresholds()), ({"WARN_MANY_WORKERS": "8"}, Thresholds(many_workers=8))],
)
def test_thresholds_come_from_configuration(config, expected):
    assert Thresholds.from_config(config) == expected
