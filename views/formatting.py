"""Jinja filters: local dates and times, money."""

from datetime import date, datetime

from mediation.dates import TZ


def local_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(TZ).strftime(fmt)


def chinese_date(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


FILTERS = {
    "local_datetime": local_datetime,
    "chinese_date": chinese_date,
}
