"""Local time (Asia/Shanghai) and typed dates. Periods and deadlines: mediation/periods.py."""

import re
import unicodedata
from datetime import UTC, date, datetime
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


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as aware UTC: SQLite gives naive UTC back where no column type reads
    it (an aggregate such as max(at))."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def today() -> date:
    """Today's date in Asia/Shanghai (not the server's zone)."""
    return now().date()


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
