"""Supervisor statistics as SQL aggregates (DOMAIN.md, "Statistics, defined").

A mediation case belongs to a period by its acceptance date (a refusal by its decision date);
its outcome is as of now; voided cases count nowhere. Whole months inside the period are read
from the maintained rollup; the partial months at either end are aggregated from the cases
themselves, so any day range is exact and still cheap.
"""

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, and_, cast, func, or_, select
from sqlmodel import Session

from mediation.reference.districts import CITY_LEVEL_CODE, CITY_LEVEL_NAME
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
    Category,
    Centre,
    Channel,
    District,
    Employer,
    Lawyer,
)
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


def split_years(first_month: date, last_month: date):
    """(first and last whole year as January firsts, or None; the month ranges outside them)."""
    first_year = first_month.year if first_month.month == 1 else first_month.year + 1
    last_year = last_month.year if last_month.month == 12 else last_month.year - 1
    if first_year > last_year:
        return None, [(first_month, last_month)]
    ranges = []
    if first_month < date(first_year, 1, 1):
        ranges.append((first_month, date(first_year - 1, 12, 1)))
    if last_month > date(last_year, 12, 1):
        ranges.append((date(last_year + 1, 1, 1), last_month))
    return (date(first_year, 1, 1), date(last_year, 1, 1)), ranges


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


# --- The statistics pages and their export: period picker, count definitions, breakdowns ---


class InvalidPeriod(ValueError):
    """A picker value or date range that names no period; str() is a Chinese message."""


LAST_FIVE_YEARS = "last5"
CUSTOM_PERIOD = "custom"
_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
QUARTER_NAMES = ("一", "二", "三", "四")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    return Period(start, month_end(start.replace(month=3 * quarter)))


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    return Period(start, month_end(start))


def period_from_picker(
    value: str | None, today: date, start: date | None = None, end: date | None = None
) -> Period:
    """The period a picker value names: "2021" (a year), "2021-Q1" (a quarter), "2021-03" (a
    month), "last5" (this calendar year and the four before it) or "custom" (start to end).
    No value: the dates if any are given, else this year. A period that has not ended yet
    stops at today; a custom range is taken as typed."""
    value = (value or "").strip()
    if value == CUSTOM_PERIOD or (not value and (start or end)):
        if start is None or end is None:
            raise InvalidPeriod("自定义期间请填写开始日期和结束日期")
        if start > end:
            raise InvalidPeriod("开始日期不能晚于结束日期")
        return Period(start, end)
    try:
        if not value:
            period = year_period(today.year)
        elif value == LAST_FIVE_YEARS:
            period = Period(date(today.year - 4, 1, 1), date(today.year, 12, 31))
        elif match := _YEAR.fullmatch(value):
            period = year_period(int(match[1]))
        elif match := _QUARTER.fullmatch(value):
            period = quarter_period(int(match[1]), int(match[2]))
        elif match := _MONTH.fullmatch(value):
            period = month_period(int(match[1]), int(match[2]))
        else:
            raise ValueError(value)
    except ValueError:
        raise InvalidPeriod(f"无法识别的统计期间「{value}」") from None
    if period.start <= today < period.end:
        period = Period(period.start, today)
    return period


def picker_value(period: Period, today: date) -> str:
    """The picker value that names `period` (a year, quarter or month, possibly cut at today),
    or "custom"."""
    for value in (
        str(period.start.year),
        f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}",
        period.start.strftime("%Y-%m"),
        LAST_FIVE_YEARS,
    ):
        if period_from_picker(value, today) == period:
            return value
    return CUSTOM_PERIOD


def picker_choices(today: date) -> list[tuple[str, str, str]]:
    """(value, label, group) of the periods offered: the last six years, eight quarters and
    twenty-four months, the last five years and a custom range."""
    choices = [
        (LAST_FIVE_YEARS, f"近五年（{today.year - 4}年至今）", "常用"),
        (CUSTOM_PERIOD, "自定义起止日期", "常用"),
    ]
    choices += [(str(y), f"{y}年", "年度") for y in range(today.year, today.year - 6, -1)]
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(8):
        label = f"{year}年第{QUARTER_NAMES[quarter - 1]}季度"
        choices.append((f"{year}-Q{quarter}", label, "季度"))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    month = today.replace(day=1)
    for _ in range(24):
        choices.append((month.strftime("%Y-%m"), f"{month.year}年{month.month}月", "月份"))
        month = (month - timedelta(days=1)).replace(day=1)
    return choices


def period_label(period: Period) -> str:
    """ "2021年", "2021年第一季度", "2021年3月", or "2021年3月2日至2021年3月31日"."""
    start, end = period.start, period.end
    if period == year_period(start.year):
        return f"{start.year}年"
    if start.month % 3 == 1 and period == quarter_period(start.year, (start.month + 2) // 3):
        return f"{start.year}年第{QUARTER_NAMES[(start.month - 1) // 3]}季度"
    if period == month_period(start.year, start.month):
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


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
CLOSED = (S.SUCCEEDED, S.FAILED, S.WITHDRAWN)

# DOMAIN.md, "Statistics, defined": printed under the page, the report and the workbook.
DEFINITIONS = [
    "受理数（承接调解案件）：统计期间内受理的调解案件，按受理日期归入期间；不予受理的申请按"
    "决定日期归入期间，单列；已作废的登记和尚未受理的申请不计入。案件状态以当前状态为准。",
    "调解成功率（按受理数）＝调解成功数 ÷ 受理数。",
    "调解成功率（按结案数）＝调解成功数 ÷ 结案数（调解成功＋调解不成＋撤回）。",
    "挽回经济损失：已生效调解协议确定的金额；实际到位：已登记的付款金额。",
    "服务职工人次：受理案件的申请职工，每案每人计一人次；受益职工人次：调解成功案件的申请"
    "职工人次。",
    "超期未结：期间内受理、至今未结且已过调解期限的案件；平均结案天数：已结案件自受理至结案"
    "的平均天数。",
]


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    figures: Figures
    # What narrows the case list to this row: {"district": code}, {"centre": code},
    # {"category": value}, {"channel": value}, {"lawyer": id or "none"}, {"month": "2021-03"}.
    narrow: dict[str, str]


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str  # 按区
    heading: str  # the first column's heading
    rows: list[BreakdownRow]


def _label(enum, value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


def breakdowns(session: Session, stats: Statistics) -> list[Breakdown]:
    """The breakdown tables of the statistics pages and the workbook, in display order."""
    centres = session.execute(
        select(Centre.id, Centre.code, Centre.name).where(Centre.id.in_(list(stats.by_centre)))
    ).all()
    names = lawyer_names(session, stats.by_lawyer)
    category_order = {c.value: i for i, c in enumerate(Category)}
    channel_order = {c.value: i for i, c in enumerate(Channel)}
    lawyers = sorted(
        stats.by_lawyer.items(), key=lambda kv: (not kv[0], -kv[1].handled, names.get(kv[0], ""))
    )
    return [
        Breakdown(
            "district",
            "按区",
            "区",
            [
                BreakdownRow(name, f, {"district": code})
                for code, name, f in by_district(session, stats)
            ],
        ),
        Breakdown(
            "centre",
            "按调解中心",
            "调解中心",
            [
                BreakdownRow(name, stats.by_centre[centre_id], {"centre": code})
                for centre_id, code, name in sorted(centres)
            ],
        ),
        Breakdown(
            "category",
            "按争议类别",
            "争议类别",
            [
                BreakdownRow(_label(Category, key), f, {"category": key})
                for key, f in sorted(
                    stats.by_category.items(), key=lambda kv: category_order.get(kv[0], 99)
                )
            ],
        ),
        Breakdown(
            "channel",
            "按案件来源",
            "案件来源",
            [
                BreakdownRow(_label(Channel, key), f, {"channel": key})
                for key, f in sorted(
                    stats.by_channel.items(), key=lambda kv: channel_order.get(kv[0], 99)
                )
            ],
        ),
        Breakdown(
            "lawyer",
            "按特约律师",
            "特约律师",
            [
                BreakdownRow(names.get(key, "未指派律师"), f, {"lawyer": key or "none"})
                for key, f in lawyers
            ],
        ),
        Breakdown(
            "month",
            "按月份",
            "月份",
            [
                BreakdownRow(f"{m.year}年{m.month}月", f, {"month": m.strftime("%Y-%m")})
                for m, f in stats.by_month.items()
            ],
        ),
    ]


def month_within(period: Period, month: str) -> Period:
    """The days of `month` ("2021-03") that lie inside `period`."""
    start = date.fromisoformat(f"{month}-01")
    return Period(max(start, period.start), min(month_end(start), period.end))
