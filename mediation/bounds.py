"""The ranges a value typed or sent by a user must lie in before it reaches the database or a
calculation: record ids, case dates, scheduled sessions and statistics periods (amounts: the cap
in mediation/money.py). Beyond them a request is 404 (ids) or a
Chinese error at the field, never a 500 (issue 15)."""

from datetime import date

# Record ids are INTEGER columns: PostgreSQL's is 32-bit; SQLite's would take more.
MAX_ID = 2**31 - 1
# Statistics periods are counted within these years.
FIRST_STATS_YEAR, LAST_STATS_YEAR = 2000, 2100
STATS_YEARS_MESSAGE = f"统计期间须在{FIRST_STATS_YEAR}年至{LAST_STATS_YEAR}年之间"
# Receipt and acceptance dates: no case of this tracker predates the Labour Dispute Mediation
# and Arbitration Law (promulgated 2007-12-29); the future is refused as before.
FIRST_CASE_DATE = date(2008, 1, 1)
# Sessions are scheduled at most a year ahead.
SCHEDULE_YEARS_AHEAD = 1


def parse_id(text: str | None) -> int | None:
    """A record id from a query or form value: ASCII digits within MAX_ID, else None (so that
    「²」, which passes str.isdigit, or 99999999999999999999 are no id rather than a 500)."""
    text = (text or "").strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def stats_year_ok(day: date) -> bool:
    return FIRST_STATS_YEAR <= day.year <= LAST_STATS_YEAR


def case_date_problem(day: date, label: str, today: date) -> str | None:
    """The Chinese message when a receipt or acceptance date lies outside 2008-01-01..today."""
    if day < FIRST_CASE_DATE:
        return f"{label}不能早于{FIRST_CASE_DATE:%Y-%m-%d}"
    if day > today:
        return f"{label}不能晚于今天"
    return None


def latest_schedule_day(today: date) -> date:
    """The last day a session may be scheduled on: today one year later (29 Feb -> 28 Feb)."""
    year = today.year + SCHEDULE_YEARS_AHEAD
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)
