"""Statistics with known totals: built case by case, checked against the figures, on every
kind of period (whole months from the rollup, partial months from the cases, both)."""

from datetime import date

import pytest

from mediation.cases import lifecycle
from mediation.statistics.figures import by_district, rate, statistics
from mediation.statistics.period import Period
from models import User

TODAY = date(2026, 11, 24)


def assert_figures(stats, expected):
    t = stats.total
    got = {
        "handled": t.handled,
        "succeeded": t.succeeded,
        "failed": t.failed,
        "withdrawn": t.withdrawn,
        "open": t.open,
        "refused": t.refused,
        "recovered_fen": t.recovered_fen,
        "paid_fen": t.paid_fen,
        "workers_served": t.workers_served,
        "workers_benefited": t.workers_benefited,
        "avg_days_to_close": t.avg_days_to_close,
        "overdue_open": stats.overdue_open,
    }
    assert got == expected


@pytest.mark.parametrize(
    "start,end",
    [
        (date(2021, 3, 1), date(2021, 3, 31)),  # a whole month: the rollup
        (date(2021, 3, 2), date(2021, 3, 31)),  # a partial month: the cases
        (date(2021, 2, 15), date(2021, 3, 31)),  # both
    ],
)
def test_known_totals(db, stats_dataset, start, end):
    stats = statistics(db, Period(start, end), None, TODAY)
    assert_figures(stats, stats_dataset)
    assert stats.total.success_rate_handled == 0.4  # 2 / 5
    assert stats.total.success_rate_closed == 0.5  # 2 / (2 + 1 + 1)


def test_breakdowns(db, stats_dataset, centres):
    stats = statistics(db, Period(date(2021, 3, 1), date(2021, 4, 30)), None, TODAY)
    assert stats.by_centre[centres["NH-LS"].id].handled == 5
    assert stats.by_centre[centres["CC-ZC"].id].handled == 1
    assert stats.by_category["工伤"].succeeded == 1
    assert stats.by_channel["仲裁委托"].withdrawn == 1
    assert [m.strftime("%Y-%m") for m in stats.by_month] == ["2021-03", "2021-04"]
    assert stats.by_month[date(2021, 4, 1)].handled == 1
    districts = {code: f.handled for code, _, f in by_district(db, stats)}
    assert districts == {"CC": 1, "NH": 5}


def test_scope_narrows_the_figures(db, stats_dataset, centres):
    stats = statistics(
        db, Period(date(2021, 3, 1), date(2021, 3, 31)), [centres["CC-ZC"].id], TODAY
    )
    assert (stats.total.handled, stats.total.withdrawn, stats.total.succeeded) == (1, 1, 0)


def test_later_state_changes_move_the_figures(db, stats_dataset, make_user):
    period = Period(date(2021, 3, 1), date(2021, 3, 31))
    before = statistics(db, period, None, TODAY).total
    from sqlmodel import select

    from models import Case

    open_case = db.exec(select(Case).where(Case.status == "accepted")).first()
    lifecycle.fail(
        db,
        open_case,
        db.get(User, open_case.created_by_id),
        date(2021, 3, 30),
        "no_agreement",
        today=TODAY,
    )
    after = statistics(db, period, None, TODAY).total
    assert (after.open, after.failed) == (before.open - 1, before.failed + 1)


def test_rates_round_half_up():
    assert rate(6594, 15547) == 0.4241
    assert rate(1, 8) == 0.125
    assert rate(2, 3) == 0.6667
    assert rate(5, 0) == 0.0


@pytest.mark.parametrize(
    "start,end",
    [
        (date(2021, 1, 1), date(2021, 12, 31)),  # a whole year: yearly rows
        (date(2020, 12, 15), date(2022, 1, 10)),  # days, a year, days
        (date(2021, 2, 1), date(2022, 12, 31)),  # months, a year
    ],
)
def test_yearly_and_monthly_rows_agree_with_the_cases(db, stats_dataset, monkeypatch, start, end):
    import mediation.statistics.figures as stats_module

    fast = statistics(db, Period(start, end), None, TODAY)
    monkeypatch.setattr(stats_module, "split", lambda period: (None, [(period.start, period.end)]))
    slow = statistics(db, Period(start, end), None, TODAY)

    def briefs(stats):
        return (
            stats.total.brief(),
            stats.total.closed,
            stats.total.avg_days_to_close,
            {k: f.brief() for k, f in stats.by_centre.items()},
            {k: f.brief() for k, f in stats.by_category.items()},
            {k: f.brief() for k, f in stats.by_channel.items()},
            {k: f.brief() for k, f in stats.by_lawyer.items()},
            {k: f.brief() for k, f in stats.by_month.items()},
        )

    assert briefs(fast) == briefs(slow)
    assert fast.total.handled == 6  # March's five and April's one
