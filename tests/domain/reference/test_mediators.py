"""The mediator registry's figures are the statistics' own, split by mediator."""

from datetime import date

import pytest

from conftest import TODAY, messages_at, succeed
from mediation.cases import assignment, lifecycle
from mediation.errors import RuleViolation
from mediation.reference import mediators
from mediation.statistics.figures import Aggregator
from mediation.statistics.period import Period

YEAR = 2025


@pytest.fixture
def two_mediators(db, make_user, make_case, centres):
    """At NH-LS in 2025: 梁敏 settles two cases (one paid in half) and fails one; 何静 has a
    withdrawn case, an open one and a refusal; one case is still unassigned; one of 梁敏's is
    from 2024 and counts in that year only."""
    liang = make_user("mediator", "NH-LS", display_name="梁敏")
    he = make_user("mediator", "NH-LS", display_name="何静")

    def case(who, day, workers=2):
        made = make_case("NH-LS", workers=workers, received_on=day, actor=who)
        assignment.assign(db, made, who, who.id, None)
        return made

    succeed(db, case(liang, date(YEAR, 2, 3), workers=12), liang, date(YEAR, 2, 10))
    succeed(db, case(liang, date(YEAR, 5, 6)), liang, date(YEAR, 5, 20), pay=False, share=0.5)
    failed = case(liang, date(YEAR, 7, 1))
    lifecycle.accept(db, failed, liang, date(YEAR, 7, 2), today=TODAY)
    lifecycle.fail(db, failed, liang, date(YEAR, 7, 15), "employer_refuses", today=TODAY)
    succeed(db, case(liang, date(YEAR - 1, 12, 1)), liang, date(YEAR - 1, 12, 5))
    withdrawn = case(he, date(YEAR, 3, 3))
    lifecycle.accept(db, withdrawn, he, date(YEAR, 3, 4), today=TODAY)
    lifecycle.withdraw(db, withdrawn, he, date(YEAR, 3, 9), today=TODAY)
    open_case = case(he, date(YEAR, 11, 3), workers=3)
    lifecycle.accept(db, open_case, he, date(YEAR, 11, 4), today=TODAY)
    refused = case(he, date(YEAR, 4, 1))
    lifecycle.refuse(db, refused, he, date(YEAR, 4, 2), "不存在劳动关系", today=TODAY)
    unassigned = make_case("NH-LS", received_on=date(YEAR, 6, 1), actor=he)
    lifecycle.accept(db, unassigned, he, date(YEAR, 6, 2), today=TODAY)
    db.flush()
    return liang, he, centres["NH-LS"]


def test_each_mediators_results_and_their_sum_match_the_statistics(db, two_mediators):
    liang, he, centre = two_mediators
    entries = {e.user.id: e for e in mediators.registry(db, centre, YEAR)}
    stats = Aggregator(db, Period(date(YEAR, 1, 1), date(YEAR, 12, 31)), [centre.id])
    total = stats.grouped("all", None)[None]

    mine = entries[liang.id].figures
    assert (mine.handled, mine.succeeded, mine.failed, mine.withdrawn) == (3, 2, 1, 0)
    assert mine.success_rate_handled == pytest.approx(0.6667)
    assert mine.recovered_fen == 12 * 1_000_000 + 1_000_000  # the second agreed at half
    assert mine.paid_fen == 12 * 1_000_000
    theirs = entries[he.id].figures
    assert (theirs.handled, theirs.withdrawn, theirs.open, theirs.refused) == (2, 1, 1, 1)
    assert entries[he.id].open_cases == 1 and entries[liang.id].open_cases == 0

    unassigned = mediators.figures_by_mediator(
        db, [centre.id], date(YEAR, 1, 1), date(YEAR, 12, 31)
    )[None]
    for name in ("handled", "succeeded", "failed", "withdrawn", "refused", "recovered_fen"):
        listed = getattr(mine, name) + getattr(theirs, name) + getattr(unassigned, name)
        assert listed == getattr(total, name), name
    assert mine.paid_fen + theirs.paid_fen + unassigned.paid_fen == total.paid_fen


def test_training_and_certificates_are_checked(db, two_mediators, make_user):
    liang, _, _ = two_mediators
    boss = make_user("centre_supervisor", "NH-LS")
    with pytest.raises(RuleViolation) as refused:
        mediators.add_qualification(db, boss, liang, "", "", "", date(2027, 1, 1), TODAY)
    assert messages_at(refused.value, "name") == ["请填写证书名称"]
    assert messages_at(refused.value, "issued_on") == ["发证日期不能晚于今天"]
    with pytest.raises(RuleViolation) as too_many:
        mediators.set_training_hours(db, boss, liang, 2026, 5000, TODAY)
    assert messages_at(too_many.value, "hours") == ["培训学时应在0至2000之间"]
    mediators.set_training_hours(db, boss, liang, 2026, 24, TODAY)
    mediators.set_training_hours(db, boss, liang, 2026, 32, TODAY)
    assert [(t.year, t.hours) for t in mediators.training_years(db, liang)] == [(2026, 32)]


def test_only_the_centres_own_supervisors_edit(db, two_mediators, make_user):
    liang, _, _ = two_mediators
    assert mediators.mediator_for_edit(db, make_user("centre_supervisor", "NH-LS"), liang.id)
    assert (
        mediators.mediator_for_edit(db, make_user("centre_supervisor", "CC-ZC"), liang.id) is None
    )
    assert (
        mediators.mediator_for_edit(db, make_user("district_supervisor", district="NH"), liang.id)
        is None
    )
    assert mediators.mediator_for_edit(db, make_user("admin"), liang.id)
