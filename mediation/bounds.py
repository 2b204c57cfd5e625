"""The ranges a value typed or sent by a user must lie in before it reaches the database or a
calculation: record ids, dates and statistics periods. Beyond them a request is 404 (ids) or a
Chinese error at the field, never a 500 (issue 15)."""

from datetime import date

# Record ids are INTEGER columns: PostgreSQL's is 32-bit; SQLite's would take more.
MAX_ID = 2**31 - 1
# Statistics periods are counted within these years.
FIRST_STATS_YEAR, LAST_STATS_YEAR = 2000, 2100
STATS_YEARS_MESSAGE = f"统计期间须在{FIRST_STATS_YEAR}年至{LAST_STATS_YEAR}年之间"


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
