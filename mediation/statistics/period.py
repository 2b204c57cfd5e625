"""Statistics periods: a day range, the whole months and years inside it, and the period picker
of the statistics pages (a year, a quarter, a month, the last five years or a custom range) with
its Chinese labels. Plain functions, no database; see docs/statistics.md for how a case is placed
in a period."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from mediation.bounds import STATS_YEARS_MESSAGE, stats_year_ok


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
        check_years(Period(start, end))
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
    check_years(period)
    if period.start <= today < period.end:
        period = Period(period.start, today)
    return period


def check_years(period: Period) -> None:
    """Statistics are counted within FIRST_STATS_YEAR..LAST_STATS_YEAR (issue 15: 0001-01-01 or
    9999-12-31 overflowed the month arithmetic into a 500)."""
    if not (stats_year_ok(period.start) and stats_year_ok(period.end)):
        raise InvalidPeriod(STATS_YEARS_MESSAGE)


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


def month_within(period: Period, month: str) -> Period:
    """The days of `month` ("2021-03") that lie inside `period`."""
    start = date.fromisoformat(f"{month}-01")
    return Period(max(start, period.start), min(month_end(start), period.end))
