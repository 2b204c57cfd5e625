"""The working-day calendar: weekends, public holidays and make-up working days (调休)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from mediation.dates import add_working_days
from mediation.errors import RuleViolation
from models import CalendarDay, DayKind


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def add_working_days(self, start: date, n: int) -> date:
        return add_working_days(start, n, self.holidays, self.workdays)


def load_calendar(session: Session) -> WorkCalendar:
    rows = session.exec(select(CalendarDay)).all()
    return WorkCalendar(
        holidays=frozenset(r.day for r in rows if r.kind == DayKind.HOLIDAY),
        workdays=frozenset(r.day for r in rows if r.kind == DayKind.WORKDAY),
    )


# --- Maintaining the table (views/calendar.py) and the official arrangements ------------------

MAX_DAY_NAME = 32


def days_of_year(session: Session, year: int) -> list[CalendarDay]:
    return list(
        session.exec(
            select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day)
        )
    )


def calendar_years(session: Session) -> list[int]:
    """The years that have at least one entry, newest first."""
    return sorted({d.year for d in session.exec(select(CalendarDay.day))}, reverse=True)


def save_day(session: Session, day: date | None, kind: str, name: str = "") -> CalendarDay:
    """Add a holiday or a make-up working day, or change the entry already there for that
    date (a date has one entry: it is its primary key)."""
    problems: list[tuple[str | None, str]] = []
    if day is None:
        problems.append(("day", "请填写日期"))
    if kind not in {k.value for k in DayKind}:
        problems.append(("kind", "请选择类型"))
    elif day is not None and kind == DayKind.WORKDAY and day.weekday() < 5:
        problems.append(("day", "调休上班日应为周六或周日（工作日本来就要上班）"))
    name = name.strip()
    if len(name) > MAX_DAY_NAME:
        problems.append(("name", f"名称不超过{MAX_DAY_NAME}字"))
    if problems:
        raise RuleViolation(problems)
    record = session.get(CalendarDay, day) or CalendarDay(day=day, kind=kind)
    record.kind, record.name = kind, name
    session.add(record)
    session.flush()
    return record


def delete_day(session: Session, day: date) -> bool:
    record = session.get(CalendarDay, day)
    if record is None:
        return False
    session.delete(record)
    session.flush()
    return True


def _span(start: str, end: str | None = None) -> list[date]:
    first = date.fromisoformat(start)
    last = date.fromisoformat(end) if end else first
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# The State Council General Office's yearly notices on public-holiday arrangements
# (国务院办公厅关于20XX年部分节假日安排的通知), issued 2023-10-25 (for 2024), 2024-11-12
# (for 2025: the first year with lunar New Year's Eve and 2 May as public holidays) and
# 2025-11-04 (for 2026).
# (name, holiday from, holiday to, make-up working days)
OFFICIAL_ARRANGEMENTS: list[tuple[str, str, str | None, tuple[str, ...]]] = [
    ("元旦", "2024-01-01", None, ()),
    ("春节", "2024-02-10", "2024-02-17", ("2024-02-04", "2024-02-18")),
    ("清明节", "2024-04-04", "2024-04-06", ("2024-04-07",)),
    ("劳动节", "2024-05-01", "2024-05-05", ("2024-04-28", "2024-05-11")),
    ("端午节", "2024-06-10", None, ()),
    ("中秋节", "2024-09-15", "2024-09-17", ("2024-09-14",)),
    ("国庆节", "2024-10-01", "2024-10-07", ("2024-09-29", "2024-10-12")),
    ("元旦", "2025-01-01", None, ()),
    ("春节", "2025-01-28", "2025-02-04", ("2025-01-26", "2025-02-08")),
    ("清明节", "2025-04-04", "2025-04-06", ()),
    ("劳动节", "2025-05-01", "2025-05-05", ("2025-04-27",)),
    ("端午节", "2025-05-31", "2025-06-02", ()),
    ("国庆节、中秋节", "2025-10-01", "2025-10-08", ("2025-09-28", "2025-10-11")),
    ("元旦", "2026-01-01", "2026-01-03", ("2026-01-04",)),
    ("春节", "2026-02-15", "2026-02-23", ("2026-02-14", "2026-02-28")),
    ("清明节", "2026-04-04", "2026-04-06", ()),
    ("劳动节", "2026-05-01", "2026-05-05", ("2026-05-09",)),
    ("端午节", "2026-06-19", "2026-06-21", ()),
    ("中秋节", "2026-09-25", "2026-09-27", ()),
    ("国庆节", "2026-10-01", "2026-10-07", ("2026-09-20", "2026-10-10")),
]


def official_days() -> list[tuple[date, str, str]]:
    """(date, kind, name) of every holiday and make-up working day in OFFICIAL_ARRANGEMENTS."""
    days = []
    for name, start, end, workdays in OFFICIAL_ARRANGEMENTS:
        days += [(day, DayKind.HOLIDAY.value, name) for day in _span(start, end)]
        days += [(date.fromisoformat(d), DayKind.WORKDAY.value, f"{name}调休") for d in workdays]
    return days


def official_years() -> str:
    """The years OFFICIAL_ARRANGEMENTS covers, as a span for messages: "2024–2026"."""
    years = sorted({date.fromisoformat(start).year for _, start, _, _ in OFFICIAL_ARRANGEMENTS})
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def load_official_days(session: Session) -> int:
    """Insert the official arrangements' days that are missing; entries already in the table
    (perhaps corrected by an admin) are left alone. Returns how many were added."""
    present = set(session.exec(select(CalendarDay.day)))
    added = 0
    for day, kind, name in official_days():
        if day not in present:
            session.add(CalendarDay(day=day, kind=kind, name=name))
            added += 1
    session.flush()
    return added
