"""Supervisor statistics as SQL aggregates (DOMAIN.md, "Statistics, defined").

A mediation case belongs to a period by its acceptance date (a refusal by its decision date);
its outcome is as of now; voided cases count nowhere. Whole months inside the period are read
from the maintained rollup; the partial months at either end are aggregated from the cases
themselves, so any day range is exact and still cheap.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, and_, cast, func, or_, select
from sqlmodel import Session

from mediation.reference import CITY_LEVEL_CODE, CITY_LEVEL_NAME
from mediation.rollup import (
    case_measures,
    counted_cases_condition,
    month_of,
    stat_date_column,
)
from models import Case, CaseRollup, CaseStatus, Centre, District, Employer, Lawyer
from models.base import sql_total

S = CaseStatus
HANDLED = (S.ACCEPTED, S.IN_MEDIATION, S.SUCCEEDED, S.FAILED, S.WITHDRAWN)
OPEN = (S.ACCEPTED, S.IN_MEDIATION)


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
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


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
        return self._sum(HANDLED, "paid_fen")

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


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def months(self) -> list[date]:
        month, last = self.start.replace(day=1), self.end.replace(day=1)
        found = []
        while month <= last:
            found.append(month)
            month = next_month(month)
        return found


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def split(period: Period) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """(first and last whole month, or None; the day ranges outside whole months)."""
    first = period.start if period.start.day == 1 else next_month(period.start)
    last_end = (
        period.end
        if period.end == month_end(period.end)
        else (period.end.replace(day=1) - timedelta(days=1))
    )
    if first > last_end:
        return None, [(period.start, period.end)]
    partial = []
    if period.start < first:
        partial.append((period.start, first - timedelta(days=1)))
    if last_end < period.end:
        partial.append((last_end + timedelta(days=1), period.end))
    return (first, last_end.replace(day=1)), partial


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
        statement = (
            select(*columns, r.status, *[sql_total(getattr(r, m)).label(m) for m in MEASURE_NAMES])
            .where(r.kind == kind, r.month >= self.whole[0], r.month <= self.whole[1])
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

    def grouped(self, kind: str, dim: str | None) -> dict:
        """{group value: Figures}; dim None gives {None: Figures} for the whole scope."""
        rollup_dims = [] if dim is None else (["value"] if kind != "all" else [dim])
        case_dims = [] if dim is None else [kind if kind != "all" else dim]
        result: dict = defaultdict(Figures)
        rows = [(row, len(rollup_dims)) for row in self._rollup(kind, rollup_dims)]
        rows += [(row, len(case_dims)) for row in self._cases(case_dims)]
        for row, width in rows:
            key = row[0] if width else None
            if isinstance(key, str) and dim == "month":
                key = date.fromisoformat(key)
            status = row[width]
            measures = Measures(*[int(value or 0) for value in row[width + 1 :]])
            result[key].by_status[status].add(measures)
        return result

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
        by_centre=dict(aggregate.grouped("all", "centre_id")),
        by_category=dict(aggregate.grouped("category", "category")),
        by_channel=dict(aggregate.grouped("channel", "channel")),
        by_lawyer=dict(aggregate.grouped("lawyer", "lawyer")),
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
