"""Local time and statutory period arithmetic (Asia/Shanghai)."""

import re
import unicodedata
from collections.abc import Collection
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

MSG_FORMAT = "日期格式不正确（例：2021-03-09）"
MSG_NONEXISTENT = "日期不存在"
MSG_EMPTY = "请填写日期"

# 2021-03-09, 2021/3/9, 2021.3.9 (one separator used throughout) and 2021年3月9日.
_NUMERIC = re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})")
_CHINESE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")


class InvalidDate(ValueError):
    """A date the user typed cannot be read; str() is a Chinese message for the form field."""


def now() -> datetime:
    """The current time, aware, in Asia/Shanghai."""
    return datetime.now(TZ)


def today() -> date:
    """Today's date in Asia/Shanghai (not the server's zone)."""
    return now().date()


def add_days(start: date, days: int) -> date:
    """End of a period of `days` days beginning at `start`.

    Day one is the day after `start`, so 15 days from 2021-03-09 ends on 2021-03-24.
    """
    return start + timedelta(days=days)


def add_working_days(
    start: date,
    n: int,
    holidays: Collection[date] = (),
    makeup_workdays: Collection[date] = (),
) -> date:
    """The n-th working day after `start` (day one is the next day).

    Saturdays and Sundays are rest days unless listed in `makeup_workdays` (调休上班日);
    dates in `holidays` are never working days, even if also listed as make-up days.
    n == 0 returns `start` unchanged.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    holidays, makeup_workdays = set(holidays), set(makeup_workdays)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day in holidays:
            continue
        if day.weekday() < 5 or day in makeup_workdays:
            counted += 1
    return day


def days_left(deadline: date, today: date) -> int:
    """Days from `today` until `deadline`: 0 on the day itself, negative when overdue."""
    return (deadline - today).days


def parse_date_text(value: date | datetime | str | None) -> date:
    """Read a date typed in any of the usual Chinese forms; raise InvalidDate otherwise.

    Aware datetimes are converted to Asia/Shanghai before taking the date.
    """
    if isinstance(value, datetime):
        return (value.astimezone(TZ) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    if value is None:
        raise InvalidDate(MSG_EMPTY)
    if not isinstance(value, str):
        raise InvalidDate(MSG_FORMAT)
    text = unicodedata.normalize("NFKC", value).strip()  # full-width digits and ／．－
    if not text:
        raise InvalidDate(MSG_EMPTY)
    if match := _NUMERIC.fullmatch(text):
        year, _, month, day = match.groups()
    elif match := _CHINESE.fullmatch(text):
        year, month, day = match.groups()
    else:
        raise InvalidDate(MSG_FORMAT)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidDate(MSG_NONEXISTENT) from None
