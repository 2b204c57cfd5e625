"""The periodic report: the accounting identity for every month of several years of random
cases, agreement with the statistics, and submissions that stay frozen."""

import random
from datetime import date, timedelta

import pytest
from sqlmodel import select

from mediation.cases import lifecycle
from mediation.cases.agreements import claim_lines, save_agreement
from mediation.cases.assignment import assign
from mediation.errors import RuleViolation
from mediation.reports import periodic
from mediation.scope import Narrowed
from mediation.statistics.figures import statistics
from mediation.statistics.period import Period, month_end, next_month, quarter_period
from mediation.statistics.rollup import rebuild_rollup, rollup_drift
from models import Case, CaseReopening, Centre

TODAY = date(2026, 11, 24)
OUTCOMES = ("succeeded", "failed", "withdrawn")


def _advance(db, case, actor, rng: random.Random) -> None:
    """One random move, dated a few days after the case's last date."""
    last = max(d for d in (case.received_on, case.accepted_on, case.closed_on) if d)
    day = last + timedelta(days=rng.randint(0, 45))
    move = rng.choice(
        ["accept", "accept", "refuse", "withdraw", "void", "fail", "agree"] + ["reopen"] * 3
    )
    try:
        if move == "accept":
            lifecycle.accept(db, case, actor, day, today=TODAY)
        elif move == "refuse":
            lifecycle.refuse(db, case, actor, day, "不属于劳动争议", today=TODAY)
        elif move == "withdraw":
            lifecycle.withdraw(db, case, actor, day, today=TODAY)
        elif move == "void":
            lifecycle.void(db, case, actor, "录入错误", today=day)
        elif move == "fail":
            lifecycle.fail(db, case, actor, day, "no_agreement", today=TODAY)
        elif move == "agree":
            if case.status == "accepted":
                assign(db, case, actor, actor.id, None)
                case.status = "in_mediation"
                db.flush()
            lines = {line.id: line.claimed_fen // 2 for _, line, _ in claim_lines(db, case)}
            save_agreement(
                db,
                case,
                actor,
                terms="分期支付",
                payment_method="银行转账",
                copies=3,
                lines=lines,
                instalments=[(day, sum(lines.values()))],
                parties_signed_on=day,
                mediator_signed_on=day,
                centre_sealed_on=day,
                today=TODAY,
            )
        elif move == "reopen":
            lifecycle.reopen(db, case, actor, "当事人申请", today=day)
    except RuleViolation:
        pass


@pytest.fixture
def random_cases(db, make_case, make_user):
    rng = random.Random(18)
    actors = {c: make_user("centre_supervisor", c) for c in ("NH-LS", "CC-ZC", "SD")}
    for _ in range(60):
        centre = rng.choice(list(actors))
        case = make_case(
            centre,
            workers=rng.choice([1, 2, 3, 10, 12]),
            received_on=date(2021, 1, 1) + timedelta(days=rng.randint(0, 3 * 365)),
            actor=actors[centre],
        )
        for _ in range(rng.randint(1, 7)):
            _advance(db, case, actors[centre], rng)
    db.flush()
    return rng


def _expected_open(db, day: date, centre_ids) -> int:
    """Open at the end of `day`, replayed case by case in Python (the oracle)."""
    open_count = 0
    for case in db.exec(select(Case)):
        if centre_ids is not None and case.centre_id not in centre_ids:
            continue
        if case.status == "voided" or case.accepted_on is None or case.accepted_on > day:
            continue
        n = 1
        for r in db.exec(select(CaseReopening).where(CaseReopening.case_id == case.id)):
            if r.counted:
                n += (r.reopened_on <= day) - (r.closed_on <= day)
        if case.status in OUTCOMES and case.closed_on <= day:
            n -= 1
        open_count += n
    return open_count


def _months(first: date, last: date):
    month = first
    while month <= last:
        yield Period(month, month_end(month))
        month = next_month(month)


def test_identity_holds_for_every_month_and_scope(db, random_cases, centres, backend):
    assert not rollup_drift(db)
    reopened = db.exec(select(CaseReopening).where(CaseReopening.counted)).all()
    assert reopened, "the random data should reopen some cases"
    nh = [centres["NH-LS"].id]
    for centre_ids in (None, nh):
        previous = None
        for period in _months(date(2020, 12, 1), date(2024, 6, 1)):
            f = periodic.period_figures(db, period, centre_ids)
            assert f.carried_over + f.accepted + f.reopened - f.closed == f.open_at_end, period
            assert f.closed == f.succeeded + f.failed + f.withdrawn
            assert f.open_at_end >= 0
            if previous is not None:
                assert f.carried_over == previous.open_at_end, period
            previous = f
            if period.start.month in (3, 9):  # the oracle is slow: a few months per year
                assert f.open_at_end == _expected_open(db, period.end, centre_ids), period
            stats = statistics(db, period, centre_ids, TODAY).total
            assert f.accepted == stats.handled
            assert f.workers == stats.workers_served
            assert f.claimed_fen == stats.claimed_fen
            assert (f.agreed_fen, f.paid_fen) == (stats.recovered_fen, stats.paid_fen)


def test_identity_holds_for_ranges_that_are_not_whole_months(db, random_cases):
    rng = random_cases
    for _ in range(25):
        start = date(2021, 1, 1) + timedelta(days=rng.randint(0, 1200))
        period = Period(start, start + timedelta(days=rng.randint(0, 500)))
        f = periodic.period_figures(db, period, None)
        assert f.carried_over + f.accepted + f.reopened - f.closed == f.open_at_end
        assert f.open_at_end == _expected_open(db, period.end, None)
        assert f.carried_over == _expected_open(db, start - timedelta(days=1), None)
    rebuild_rollup(db)  # the same figures from a rebuilt rollup
    assert periodic.period_figures(db, period, None) == f


def test_a_case_closed_reopened_and_closed_again_counts_twice(db, make_case, make_user):
    actor = make_user("centre_supervisor", "NH-LS")
    case = make_case("NH-LS", workers=12, received_on=date(2024, 1, 3), actor=actor)
    lifecycle.accept(db, case, actor, date(2024, 1, 4), today=TODAY)
    lifecycle.fail(db, case, actor, date(2024, 1, 20), "no_agreement", today=TODAY)
    lifecycle.reopen(db, case, actor, "申请人补充证据", today=date(2024, 2, 5))
    lifecycle.withdraw(db, case, actor, date(2024, 2, 10), today=TODAY)
    q1 = periodic.period_figures(db, quarter_period(2024, 1), [case.centre_id])
    assert (q1.carried_over, q1.accepted, q1.reopened, q1.closed) == (0, 1, 1, 2)
    assert (q1.failed, q1.withdrawn, q1.open_at_end) == (1, 1, 0)
    assert (q1.collective, q1.collective_workers, q1.workers) == (1, 12, 12)
    jan = periodic.period_figures(db, Period(date(2024, 1, 1), date(2024, 1, 31)), None)
    feb = periodic.period_figures(db, Period(date(2024, 2, 1), date(2024, 2, 29)), None)
    assert (jan.accepted, jan.closed, jan.open_at_end) == (1, 1, 0)
    assert (feb.carried_over, feb.reopened, feb.closed, feb.open_at_end) == (0, 1, 1, 0)


def test_refused_voided_and_withdrawn_before_acceptance_stay_outside(db, make_case, make_user):
    actor = make_user("centre_supervisor", "NH-LS")
    refused = make_case("NH-LS", received_on=date(2024, 1, 3), actor=actor)
    lifecycle.refuse(db, refused, actor, date(2024, 1, 4), "不属于劳动争议", today=TODAY)
    lifecycle.reopen(db, refused, actor, "复查", today=date(2024, 1, 8))
    early = make_case("NH-LS", received_on=date(2024, 1, 3), actor=actor)
    lifecycle.withdraw(db, early, actor, date(2024, 1, 5), today=TODAY)
    voided = make_case("NH-LS", received_on=date(2024, 1, 3), actor=actor)
    lifecycle.accept(db, voided, actor, date(2024, 1, 4), today=TODAY)
    lifecycle.void(db, voided, actor, "重复登记", today=date(2024, 1, 9))
    f = periodic.period_figures(db, Period(date(2024, 1, 1), date(2024, 1, 31)), None)
    assert (f.accepted, f.reopened, f.closed, f.open_at_end) == (0, 0, 0, 0)
    lifecycle.reopen(db, voided, actor, "作废有误", today=date(2024, 1, 12))  # undoes the void
    f = periodic.period_figures(db, Period(date(2024, 1, 1), date(2024, 1, 31)), None)
    assert (f.accepted, f.reopened, f.closed, f.open_at_end) == (1, 0, 0, 1)
    assert not rollup_drift(db)


def _centre(db, centres, code="NH-LS") -> Narrowed:
    return Narrowed([centres[code].id], None, db.get(Centre, centres[code].id))


def test_a_submitted_report_stays_unchanged_and_shows_corrections(
    db, make_case, make_user, centres
):
    supervisor = make_user("centre_supervisor", "NH-LS")
    case = make_case("NH-LS", received_on=date(2024, 2, 1), actor=supervisor)
    lifecycle.accept(db, case, supervisor, date(2024, 2, 2), today=TODAY)
    q1, unit = quarter_period(2024, 1), _centre(db, centres)
    first = periodic.submit(db, supervisor, unit, q1, TODAY, responsible="张主任")
    assert (first.version, first.figures["accepted"], first.figures["open_at_end"]) == (1, 1, 1)

    late = make_case("NH-LS", received_on=date(2024, 3, 1), actor=supervisor)
    lifecycle.accept(db, late, supervisor, date(2024, 3, 4), today=TODAY)  # late data
    lifecycle.fail(db, case, supervisor, date(2024, 3, 20), "no_agreement", today=TODAY)
    db.expire_all()
    [stored] = periodic.versions(db, unit, q1)
    assert stored.figures["accepted"] == 1 and stored.figures["closed"] == 0
    current = periodic.period_figures(db, q1, unit.centre_ids).as_dict()
    mediation, _ = periodic.rows(current, stored.figures)
    corrections = {row.key: row.correction for row in mediation if row.correction}
    assert corrections == {
        "accepted": 1,
        "closed": 1,
        "failed": 1,
        "workers": 2,
        "claimed_fen": 2 * 1_000_000,
    }

    with pytest.raises(RuleViolation) as refused:
        periodic.submit(db, supervisor, unit, q1, TODAY)
    assert refused.value.problems[0][0] == "reason"
    second = periodic.submit(db, supervisor, unit, q1, TODAY, reason="补录3月受理案件")
    assert (second.version, second.figures["accepted"]) == (2, 2)
    assert [v.version for v in periodic.versions(db, unit, q1)] == [1, 2]


def test_who_may_submit_which_report(db, make_user, centres, districts):
    q1 = quarter_period(2024, 1)
    centre = _centre(db, centres)
    district = Narrowed(None, districts["NH"], None)
    city = Narrowed(None, None, None)
    mediator = make_user("mediator", "NH-LS")
    district_supervisor = make_user("district_supervisor", None, "NH")
    assert periodic.may_submit(make_user("centre_supervisor", "NH-LS"), centre)
    assert not periodic.may_submit(mediator, centre)
    assert not periodic.may_submit(district_supervisor, centre)
    assert periodic.may_submit(district_supervisor, district)
    assert periodic.may_submit(make_user("city_supervisor"), city)
    admin = make_user("admin")
    assert all(periodic.may_submit(admin, unit) for unit in (centre, district, city))
    with pytest.raises(RuleViolation):
        periodic.submit(db, mediator, centre, q1, TODAY)
    with pytest.raises(RuleViolation) as early:
        periodic.submit(db, admin, city, quarter_period(2026, 4), TODAY)
    assert early.value.problems[0] == ("period", "报告期尚未结束，不能报送")
