"""The working-day calendar: public holidays and make-up working days (调休), as the period rule
(mediation/periods.py) reads them, and the official arrangements that ship with the product."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

import chinese_calendar
from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from mediation.dates import today as local_today
from mediation.errors import RuleViolation
from mediation.periods import CALENDAR_REACH, WorkCalendar, mediation_due_from
from models import OPEN_STATUSES, CalendarDay, Case, DayKind

__all__ = ["WorkCalendar", "load_calendar"]


def load_calendar(
    session: Session, since: date | None = None, until: date | None = None
) -> WorkCalendar:
    """The calendar table, whole or between two dates (a period computed with a part of it
    must not reach past `until`)."""
    statement = select(CalendarDay.day, CalendarDay.kind)
    if since is not None:
        statement = statement.where(CalendarDay.day >= since)
    if until is not None:
        statement = statement.where(CalendarDay.day <= until)
    rows = session.exec(statement).all()
    return WorkCalendar(
        holidays=frozenset(day for day, kind in rows if kind == DayKind.HOLIDAY),
        workdays=frozenset(day for day, kind in rows if kind == DayKind.WORKDAY),
    )


def refresh_due_dates(
    session: Session, calendar: WorkCalendar | None = None, changed_day: date | None = None
) -> int:
    """Recompute the stored `Case.mediation_due_on` of open accepted cases after the calendar
    changed; with `changed_day`, only of the cases whose deadline that day can move. Returns
    how many cases got a new date. Flushes; the version is not bumped (the date is derived)."""
    calendar = calendar or load_calendar(session)
    statement = select(Case.id, Case.accepted_on, Case.extension_days, Case.mediation_due_on).where(
        Case.status.in_([s.value for s in OPEN_STATUSES]), Case.accepted_on.is_not(None)
    )
    if changed_day is not None:
        statement = statement.where(
            Case.accepted_on >= changed_day - CALENDAR_REACH, Case.accepted_on <= changed_day
        )
    changes = {}
    for case_id, accepted_on, extension_days, stored in session.exec(statement):
        due = mediation_due_from(accepted_on, extension_days, calendar)
        if due != stored:
            changes[case_id] = due
    if changes:
        session.flush()
        table = Case.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("case_id"))
            .values(mediation_due_on=bindparam("due")),
            [{"case_id": case_id, "due": due} for case_id, due in changes.items()],
        )
        for case in session.identity_map.values():
            if isinstance(case, Case) and case.id in changes:
                set_committed_value(case, "mediation_due_on", changes[case.id])
    return len(changes)


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


def first_allowed_day() -> date:
    return date(FIRST_YEAR, 1, 1)


def last_allowed_day(today: date) -> date:
    """Entries go up to the end of next year: the State Council publishes a year's
    arrangements late in the year before."""
    return date(today.year + 1, 12, 31)


def save_day(
    session: Session, day: date | None, kind: str, name: str = "", today: date | None = None
) -> CalendarDay:
    """Add a holiday or a make-up working day, or change the entry already there for that
    date (a date has one entry: it is its primary key); then recompute the deadlines of the
    open cases that date can move."""
    last = last_allowed_day(today or local_today())
    problems: list[tuple[str | None, str]] = []
    if day is None:
        problems.append(("day", "请填写日期"))
    elif not first_allowed_day() <= day <= last:
        problems.append(("day", f"日期应在{FIRST_YEAR}年1月1日至{last.year}年12月31日之间"))
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
    refresh_due_dates(session, changed_day=day)
    return record


def delete_day(session: Session, day: date) -> bool:
    record = session.get(CalendarDay, day)
    if record is None:
        return False
    session.delete(record)
    session.flush()
    refresh_due_dates(session, changed_day=day)
    return True


# The State Council General Office's yearly notices on public-holiday arrangements
# (国务院办公厅关于20XX年部分节假日安排的通知), from the `chinesecalendar` package, which carries
# them as data (pinned in pyproject.toml; `pip install -U chinesecalendar` brings a new year,
# then `flask --app app calendar-update` loads it). The law took effect on 2008-05-01; ledgers
# go back that far, so the calendar starts with 2008.
FIRST_YEAR = 2008
_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _name(english: str) -> str:
    return _NAMES.get(english, english)[:MAX_DAY_NAME]


def official_days() -> list[tuple[date, str, str]]:
    """(date, kind, name) of every public holiday and make-up working day the notices
    published from FIRST_YEAR on, in date order."""
    days = [
        (day, DayKind.HOLIDAY.value, _name(name))
        for day, name in chinese_calendar.holidays.items()
        if day.year >= FIRST_YEAR
    ]
    days += [
        (day, DayKind.WORKDAY.value, f"{_name(name)}调休")
        for day, name in chinese_calendar.workdays.items()
        if day.year >= FIRST_YEAR
    ]
    return sorted(days)


# The official days as a calendar, for code that computes periods without reading the table
# (the ledger import; the table holds the same days plus admins' own entries).
OFFICIAL_CALENDAR = WorkCalendar(
    holidays=frozenset(d for d, kind, _ in official_days() if kind == DayKind.HOLIDAY.value),
    workdays=frozenset(d for d, kind, _ in official_days() if kind == DayKind.WORKDAY.value),
)


def last_official_year() -> int:
    return max(day.year for day in chinese_calendar.holidays)


def official_years() -> str:
    """The years the official arrangements cover, as a span for messages: "2008–2026"."""
    return f"{FIRST_YEAR}–{last_official_year()}"


@dataclass(frozen=True)
class Loaded:
    holidays: int
    workdays: int
    years: tuple[int, ...]
    refreshed: int = 0  # open cases whose deadline moved

    @property
    def added(self) -> int:
        return self.holidays + self.workdays

    @property
    def text(self) -> str:
        """What was added, for a flash or the command line."""
        if not self.added:
            return "没有需要新增的日期"
        first, last = self.years[0], self.years[-1]
        span = f"{first}年" if first == last else f"{first}–{last}年"
        text = (
            f"新增 {self.added} 天（{span}；法定节假日 {self.holidays} 天、"
            f"调休上班日 {self.workdays} 天）"
        )
        if self.refreshed:
            text += f"，{self.refreshed} 件未结案件的调解期限随之调整"
        return text


def load_official_days(session: Session) -> Loaded:
    """Insert the official days missing from the table; entries already there (perhaps an
    admin's own, or a correction) are left alone; the stored deadlines of open cases are
    recomputed. Says what was added. Flushes."""
    present = set(session.exec(select(CalendarDay.day)))
    kinds: Counter[str] = Counter()
    years = set()
    for day, kind, name in official_days():
        if day not in present:
            session.add(CalendarDay(day=day, kind=kind, name=name))
            kinds[kind] += 1
            years.add(day.year)
    session.flush()
    return Loaded(
        kinds[DayKind.HOLIDAY.value],
        kinds[DayKind.WORKDAY.value],
        tuple(sorted(years)),
        refresh_due_dates(session),
    )


def years_without_holidays(session: Session, today: date) -> list[int]:
    """This year and next year, whichever has no public holiday in the table (the State Council
    publishes next year's arrangements in November or December)."""
    wanted = (today.year, today.year + 1)
    found = set(
        session.exec(
            select(CalendarDay.day).where(
                CalendarDay.kind == DayKind.HOLIDAY.value,
                CalendarDay.day >= date(wanted[0], 1, 1),
                CalendarDay.day <= date(wanted[1], 12, 31),
            )
        )
    )
    years = {day.year for day in found}
    return [year for year in wanted if year not in years]
