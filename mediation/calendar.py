"""The working-day calendar: weekends, public holidays and make-up working days (调休)."""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from mediation.dates import add_working_days
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
