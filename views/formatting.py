"""Jinja filters: local dates and times, money, masked personal data, badges."""

from datetime import date, datetime

from markupsafe import Markup, escape

from forms import error_items
from mediation.cases.deadlines import Deadline
from mediation.dates import TZ
from mediation.money import format_yuan, to_chinese_capital
from mediation.privacy import shown
from models import CaseStatus


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


# Badges are filters rather than macros: the case list draws two on each of its 50 lines, and
# a Jinja macro call (or Markup.format) costs several times a function and an f-string.
def status_badge(value: str) -> Markup:
    status = CaseStatus(value)
    return Markup(f'<span class="badge {status.css_class}">{escape(status.label)}</span>')


def deadline_badge(deadline: Deadline) -> Markup:
    return Markup(f'<span class="badge {deadline.css_class}">{escape(deadline.text)}</span>')


FILTERS = {
    "local_datetime": local_datetime,
    "chinese_date": chinese_date,
    "yuan": yuan,
    "capital": to_chinese_capital,
    "shown": shown,
    "status_badge": status_badge,
    "deadline_badge": deadline_badge,
    "error_items": error_items,
}
