"""The period rule: how every deadline the tracker shows, prints or counts is computed.

One rule, from the law (see docs/periods.md):

- A period of N days starts counting on the day AFTER the event (民法典 art.201: 按照年、月、日
  计算期间的，开始的当日不计入，自下一日开始计算), so N days from 2021-03-09 end on 2021-03-24.
- When the last day is a statutory holiday or a rest day, the period ends on the first working
  day after it (民法典 art.203: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后
  一日; 民事诉讼法 art.85 says the same for procedural periods). Days off in the middle of a
  period do not lengthen it.
- Rest days are Saturdays and Sundays, plus the public holidays of the State Council's yearly
  notice; a weekend day the notice declares a working day (调休上班) is a working day.
- "N working days" count working days only, also from the day after the event: 3 working days
  from receipt on 2021-02-09 (Spring Festival eve) is 2021-02-19. The last of them is a working
  day by construction, so nothing rolls.

The calendar (holidays and make-up working days) is data: mediation/reference/calendar.py loads
it from the `calendar_day` table, which ships with the official notices from 2008 on.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)

# The periods a case runs on, in days.
ACCEPTANCE_WORKING_DAYS = 3  # decide on acceptance: practice, in working days
STATUTORY_DAYS = 15  # law art.14: from receipt, after which either party may go to arbitration
MEDIATION_DAYS = 15  # practice: from acceptance, extendable once by consent
MAX_EXTENSION_DAYS = 15  # the one extension, at most 15 days
# The longest period counted from one date (15 days + 15 of extension, or the 30 days of 司法确认)
# plus the longest run of rest days after it: a calendar loaded this far ahead covers it.
CALENDAR_REACH = timedelta(days=120)


@dataclass(frozen=True)
class WorkCalendar:
    """Public holidays and make-up working days (调休上班日). A date listed as both is a
    holiday. Weekdays not listed are working days, weekends not listed are rest days."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.workdays

    def period_end(self, start: date, days: int) -> date:
        """The last day of a period of `days` days from `start` (民法典 art.201, 203)."""
        return period_end(start, days, self)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`."""
        return nth_working_day(start, n, self)


NO_HOLIDAYS = WorkCalendar()


def period_end(start: date, days: int, calendar: WorkCalendar) -> date:
    """Day one is the day after `start`; a last day that is a rest day or a public holiday
    moves to the first working day after it. days == 0 returns `start` unchanged."""
    if days < 0:
        raise ValueError("days must be >= 0")
    if days == 0:
        return start
    last = start + timedelta(days=days)
    while not calendar.is_working_day(last):
        last += ONE_DAY
    return last


def nth_working_day(start: date, n: int, calendar: WorkCalendar) -> date:
    """The n-th working day after `start` (day one is the next day); n == 0 returns `start`."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day, counted = start, 0
    while counted < n:
        day += ONE_DAY
        if calendar.is_working_day(day):
            counted += 1
    return day


def add_working_days(
    start: date,
    n: int,
    holidays: Collection[date] = (),
    makeup_workdays: Collection[date] = (),
) -> date:
    """nth_working_day with the calendar given as two collections of dates."""
    return nth_working_day(start, n, WorkCalendar(frozenset(holidays), frozenset(makeup_workdays)))


def mediation_due_from(accepted_on: date, extension_days: int, calendar: WorkCalendar) -> date:
    """15 days from acceptance plus the consented extension, counted as one period: only its
    last day rolls past rest days (the extension lengthens the period, it does not start a new
    one)."""
    return period_end(accepted_on, MEDIATION_DAYS + extension_days, calendar)
