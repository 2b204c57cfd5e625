"""Jinja filters: local dates and times, money, masked personal data."""

from datetime import date, datetime

from mediation.dates import TZ
from mediation.identifiers import mask_id_number, mask_phone
from mediation.money import format_yuan, to_chinese_capital


def local_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    return value.astimezone(TZ).strftime(fmt)


def chinese_date(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def yuan(fen: int | None) -> str:
    """12345 → "123.45"; None → "" (amount not recorded)."""
    return "" if fen is None else format_yuan(fen)


FILTERS = {
    "local_datetime": local_datetime,
    "chinese_date": chinese_date,
    "yuan": yuan,
    "capital": to_chinese_capital,
    "mask_id": mask_id_number,
    "mask_phone": mask_phone,
}
