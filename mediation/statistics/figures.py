"""Supervisor statistics as SQL aggregates; the definitions are in docs/statistics.md.

A mediation case belongs to a period by its acceptance date (a refusal by its decision date);
its outcome is as of now; voided cases count nowhere. Whole months inside the period are read
from the maintained rollup; the partial months at either end are aggregated from the cases
themselves, so any day range is exact and still cheap.
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, and_, cast, func, or_, select
from sqlmodel import Session

from mediation.reference.districts import CITY_LEVEL_CODE, CITY_LEVEL_NAME
from mediation.statistics.period import Period, split, split_years
from mediation.statistics.rollup import (
    YEARLY,
    case_measures,
    counted_cases_condition,
    month_of,
    stat_date_column,
)
from models import (
    Case,
    CaseRollup,
    CaseStatus,
    Centre,
    District,
    Employer,
    Lawyer,
)
from models.base import sql_total

S = CaseStatus
HANDLED = (S.ACCEPTED, S.IN_MEDIATION, S.SUCCEEDED, S.FAILED, S.WITHDRAWN)
OPEN = (S.ACCEPTED, S.IN_MEDIATION)
CLOSED = (S.SUCCEEDED, S.FAILED, S.WITHDRAWN)


@dataclass
class Measures:
    cases: int = 0
    workers: int = 0
    claimed_fen: int = 0
    agreed_fen: int = 0
    paid_fen: int = 0
    closed_cases: int = 0
    days_to_close: int = 0

    def add(self, other: "Measures") -> None:
        self.cases += other.cases
        self.workers += other.workers
        self.claimed_fen += other.claimed_fen
        self.agreed_fen += other.agreed_fen
        self.paid_fen += other.paid_fen
        self.closed_cases += other.closed_cases
        self.days_to_close += other.days_to_close


MEASURE_NAMES = [f.name for f in fields(Measures)]


def rate(numerator: int, denominator: int) -> float:
    """A fraction rounded half-up to 4 places; 0 when the denominator is 0."""
    if not denominator:
        return 0.0
    value = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    return float(value)


@dataclass
class Figures:
    """The figures of one group (the whole scope, a centre, a category, a month...)."""

    by_status: dict[str, Measures] = field(default_factory=lambda: defaultdict(Measures))

    def _sum(self, statuses, name: str) -> int:
        return sum(
            getattr(self.by_status[s.value], name) for s in statuses if s.value in self.by_status
        )

    def count(self, status: CaseStatus) -> int:
        return self._sum((status,), "cases")

    @property
    def handled(self) -> int:
        return self._sum(HANDLED, "cases")

    @property
    def succeeded(self) -> int:
        return self.count(S.SUCCEEDED)

    @property
    def failed(self) -> int:
        return self.count(S.FAILED)

    @property
    def withdrawn(self) -> int:
        return self.count(S.WITHDRAWN)

    @property
    def open(self) -> int:
        return self._sum(OPEN, "cases")

    @property
    def refused(self) -> int:
        return self.count(S.REFUSED)

    @property
    def closed(self) -> int:
        return self.succeeded + self.failed + self.withdrawn

    @property
    def success_rate_handled(self) -> float:
        return rate(self.succeeded, self.handled)

    @property
    def success_rate_closed(self) -> float:
        return rate(self.succeeded, self.closed)

    @property
    def recovered_fen(self) -> int:
        return self._sum((S.SUCCEEDED,), "agreed_fen")

    @property
    def paid_fen(self) -> int:
        """Payments on the same basis as recovered: those of succeeded cases (every payment
        received under their agreement, an overpayment included). A reopened case's payments
        count again once a new agreement takes effect."""
        return self._sum((S.SUCCEEDED,), "paid_fen")

    @property
    def claimed_fen(self) -> int:
        return self._sum(HANDLED, "claimed_fen")

    @property
    def workers_served(self) -> int:
        return self._sum(HANDLED, "workers")

    @property
    def workers_benefited(self) -> int:
        return self._sum((S.SUCCEEDED,), "workers")

    @property
    def avg_days_to_close(self) -> float:
        closed = self._sum(HANDLED, "closed_cases")
        days = self._sum(HANDLED, "days_to_close")
        return round(days / closed, 1) if closed else 0.0

    def brief(self) -> dict:
        return {
            "handled": self.handled,
            "succeeded": self.succeeded,
            "recovered_fen": self.recovered_fen,
            "workers_served": self.workers_served,
        }


@dataclass
class Statistics:
    period: Period
    centre_ids: list[int] | None
    total: Figures
    by_centre: dict[int, Figures]
    by_category: dict[str, Figures]
    by_channel: dict[str, Figures]
    by_lawyer: dict[str, Figures]
    by_month: dict[date, Figures]
    overdue_open: int


class Aggregator:
    def __init__(self, session: Session, period: Period, centre_ids: list[int] | None):
        self.session = session
        self.period = period
        self.centre_ids = centre_ids
        self.dialect = session.get_bind().dialect.name
        self.whole, self.partial = split(period)

    def _rollup(self, kind: str, dims: list[str]):
        if self.whole is None:
            return []
        r = CaseRollup
        columns = [getattr(r, d) for d in dims]
        years, month_ranges = split_years(*self.whole)
        if "month" in dims or years is None:  # a monthly breakdown needs the monthly rows
            years, month_ranges = None, [self.whole]
        ranges = [(kind, a, b) for a, b in month_ranges]
        if years is not None:
            ranges.append((kind + YEARLY, *years))
        statement = (
            select(*columns, r.status, *[sql_total(getattr(r, m)).label(m) for m in MEASURE_NAMES])
            .where(or_(*[and_(r.kind == k, r.month >= a, r.month <= b) for k, a, b in ranges]))
            .group_by(*columns, r.status)
        )
        if self.centre_ids is not None:
            statement = statement.where(r.centre_id.in_(self.centre_ids))
        return self.session.execute(statement).all()

    def _cases(self, dims: list[str]):
        if not self.partial:
            return []
        stat_day = stat_date_column()
        facts = {
            "centre_id": Case.centre_id,
            "month": month_of(stat_day, self.dialect),
            "category": Case.category,
            "channel": Case.channel,
            "lawyer": func.coalesce(cast(Case.lawyer_id, CaseRollup.value.type), ""),
        }
        measures = {c.name: c for c in case_measures(self.dialect)}
        subquery = (
            select(
                *[facts[d].label(d) for d in dims],
                Case.status.label("status"),
                *[measures[m].label(m) for m in MEASURE_NAMES],
            )
            .where(
                counted_cases_condition(),
                or_(*[and_(stat_day >= a, stat_day <= b) for a, b in self.partial]),
                *([Case.centre_id.in_(self.centre_ids)] if self.centre_ids is not None else []),
            )
            .subquery()
        )
        columns = [subquery.c[d] for d in dims]
        return self.session.execute(
            select(
                *columns,
                subquery.c.status,
                *[sql_total(subquery.c[m]).label(m) for m in MEASURE_NAMES],
            ).group_by(*columns, subquery.c.status)
        ).all()

    def rows(self, kind: str, dims: list[str]) -> list[tuple[tuple, str, Measures]]:
        """(group key, status, measures) rows: whole months from the rollup, the partial
        months from the cases. `dims` name case columns; for a breakdown kind other than
        "all" its one dimension is the rollup's `value`."""
        rollup_dims = dims if kind == "all" else ["value"]
        found = []
        for width, rows in (
            (len(rollup_dims), self._rollup(kind, rollup_dims)),
            (len(dims), self._cases(dims)),
        ):
            for row in rows:
                key = tuple(
                    date.fromisoformat(v) if isinstance(v, str) and d == "month" else v
                    for d, v in zip(dims, row[:width], strict=True)
                )
                measures = Measures(*[int(value or 0) for value in row[width + 1 :]])
                found.append((key, row[width], measures))
        return found

    def grouped(self, kind: str, dim: str | None) -> dict:
        """{value of the breakdown: Figures}; {None: Figures} for the whole scope."""
        result: dict = defaultdict(Figures)
        for key, status, measures in self.rows(kind, [dim] if dim else []):
            result[key[0] if key else None].by_status[status].add(measures)
        return dict(result)

    def overdue_open(self, today: date) -> int:
        statement = (
            select(func.count())
            .select_from(Case)
            .where(
                Case.status.in_([s.value for s in OPEN]),
                Case.mediation_due_on < today,
                Case.accepted_on >= self.period.start,
                Case.accepted_on <= self.period.end,
            )
        )
        if self.centre_ids is not None:
            statement = statement.where(Case.centre_id.in_(self.centre_ids))
        return self.session.execute(statement).scalar_one()


def statistics(
    session: Session, period: Period, centre_ids: list[int] | None, today: date
) -> Statistics:
    aggregate = Aggregator(session, period, centre_ids)
    by_month = aggregate.grouped("all", "month")
    return Statistics(
        period=period,
        centre_ids=centre_ids,
        total=aggregate.grouped("all", None).get(None, Figures()),
        by_centre=aggregate.grouped("all", "centre_id"),
        by_category=aggregate.grouped("category", "category"),
        by_channel=aggregate.grouped("channel", "channel"),
        by_lawyer=aggregate.grouped("lawyer", "lawyer"),
        by_month={month: by_month.get(month, Figures()) for month in period.months()},
        overdue_open=aggregate.overdue_open(today),
    )


def by_district(session: Session, stats: Statistics) -> list[tuple[str, str, Figures]]:
    """(code, name, figures) per district; the city-level centres appear under FS 市级."""
    centres = session.execute(
        select(Centre.id, District.code, District.name).join(
            District, District.id == Centre.district_id, isouter=True
        )
    ).all()
    grouped: dict[tuple[str, str], Figures] = {}
    for centre_id, code, name in centres:
        if centre_id not in stats.by_centre:
            continue
        key = (code or CITY_LEVEL_CODE, name or CITY_LEVEL_NAME)
        figures = grouped.setdefault(key, Figures())
        for status, measures in stats.by_centre[centre_id].by_status.items():
            figures.by_status[status].add(measures)
    order = {code: i for i, code in enumerate(["FS", "CC", "NH", "SD", "GM", "SS"])}
    return sorted(
        ((code, name, figures) for (code, name), figures in grouped.items()),
        key=lambda item: (order.get(item[0], 99), item[0]),
    )


def lawyer_names(session: Session, keys) -> dict[str, str]:
    ids = [int(k) for k in keys if k]
    names = dict(session.execute(select(Lawyer.id, Lawyer.name).where(Lawyer.id.in_(ids))).all())
    return {str(i): n for i, n in names.items()}


def top_employers(
    session: Session, period: Period, centre_ids: list[int] | None, limit: int = 10
) -> list[tuple[int, str, int, int, int]]:
    """(employer id, name, handled, succeeded, recovered fen) of the most frequent respondents."""
    handled = Case.status.in_([s.value for s in HANDLED])
    stat_day = stat_date_column()
    succeeded = Case.status == S.SUCCEEDED.value
    statement = (
        select(
            Employer.id,
            Employer.name,
            func.count().label("handled"),
            func.count().filter(succeeded).label("succeeded"),
            cast(func.coalesce(func.sum(Case.agreed_fen).filter(succeeded), 0), BigInteger).label(
                "recovered"
            ),
        )
        .join(Employer, Employer.id == Case.employer_id)
        .where(handled, stat_day >= period.start, stat_day <= period.end)
        .group_by(Employer.id, Employer.name)
        .order_by(func.count().desc(), Employer.name)
        .limit(limit)
    )
    if centre_ids is not None:
        statement = statement.where(Case.centre_id.in_(centre_ids))
    return [tuple(row) for row in session.execute(statement).all()]


# The case counts of the headline, with the statuses whose cases make them up (the case list
# filtered by these statuses and the period gives the same number).
COUNTS: list[tuple[str, str, tuple[CaseStatus, ...]]] = [
    ("handled", "受理（承接调解）", HANDLED),
    ("succeeded", "调解成功", (S.SUCCEEDED,)),
    ("failed", "调解不成", (S.FAILED,)),
    ("withdrawn", "撤回", (S.WITHDRAWN,)),
    ("open", "未结", OPEN),
    ("refused", "不予受理", (S.REFUSED,)),
]
COUNT_STATUSES = {key: statuses for key, _, statuses in COUNTS}

# The definitions of docs/statistics.md in the words printed under the page, the report and the
# workbook.
DEFINITIONS = [
    "受理数（承接调解案件）：统计期间内受理的调解案件，按受理日期归入期间；不予受理的申请按"
    "决定日期归入期间，单列；已作废的登记和尚未受理的申请不计入。案件状态以当前状态为准。",
    "调解成功率（按受理数）＝调解成功数 ÷ 受理数。",
    "调解成功率（按结案数）＝调解成功数 ÷ 结案数（调解成功＋调解不成＋撤回）。",
    "挽回经济损失：已生效调解协议确定的金额；实际到位：同一口径（调解成功案件）已登记的付款金额。",
    "服务职工人次：受理案件的申请职工，每案每人计一人次；受益职工人次：调解成功案件的申请"
    "职工人次。",
    "超期未结：期间内受理、至今未结且已过调解期限的案件；平均结案天数：已结案件自受理至结案"
    "的平均天数。",
]
