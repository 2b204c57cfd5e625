"""Reading the logs back, for admins: filters, pages newest first, and every matching record
for the CSV export (read in batches, so memory stays flat however many there are)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from mediation.dates import TZ
from mediation.ledger.columns import escape_cell
from mediation.numbering import number_key
from models import AccessKind, AccessRecord, Case, LegalCase, SecurityEvent, SecurityKind, User

BATCH = 1_000


@dataclass
class LogFilter:
    """What an admin narrows a log to; empty fields filter nothing. Dates are Shanghai days,
    both ends included."""

    username: str = ""
    case_number: str = ""  # the access log only
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    ip: str = ""


@dataclass(frozen=True)
class LogPage:
    rows: list
    next_cursor: int | None  # the id to continue below, None on the last page


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TZ)


def _conditions(session: Session, model, f: LogFilter) -> list:
    """The filter as conditions on the log's own indexed columns: a username or a case number
    is first looked up (two small queries), so that the log is searched by plain values."""
    conditions = []
    if f.username.strip():
        conditions.append(model.username.in_(_spellings(session, f.username.strip())))
    if f.kind:
        conditions.append(model.kind == f.kind)
    if f.date_from:
        conditions.append(model.at >= _day_start(f.date_from))
    if f.date_to:
        conditions.append(model.at < _day_start(f.date_to + timedelta(days=1)))
    if f.ip.strip():
        conditions.append(model.ip == f.ip.strip())
    if model is AccessRecord and f.case_number.strip():
        conditions.append(_same_number(session, f.case_number))
    return conditions


def _spellings(session: Session, typed: str) -> set[str]:
    """The username as typed, and as the account spells it (usernames are matched without
    regard to case, as at login)."""
    account = select(User.username).where(func.lower(User.username) == typed.lower())
    return {typed, *session.exec(account)}


def _same_number(session: Session, typed: str):
    """Records of the case (mediation or legal) with this number, typed in any width of digits
    and brackets, with or without 第/号: found through the cases' indexed `number_key`."""
    key = number_key(typed)
    cases = list(session.exec(select(Case.id).where(Case.number_key == key)))
    legal = list(session.exec(select(LegalCase.id).where(LegalCase.number_key == key)))
    return AccessRecord.case_id.in_(cases) | AccessRecord.legal_case_id.in_(legal)


def _page(session: Session, model, f: LogFilter, cursor: int | None, size: int) -> LogPage:
    statement = select(model).where(*_conditions(session, model, f))
    if cursor is not None:
        statement = statement.where(model.id < cursor)
    rows = list(session.exec(statement.order_by(model.id.desc()).limit(size + 1)))
    more = len(rows) > size
    return LogPage(rows[:size], rows[size - 1].id if more else None)


def access_page(session: Session, f: LogFilter, cursor: int | None, size: int) -> LogPage:
    return _page(session, AccessRecord, f, cursor, size)


def security_page(session: Session, f: LogFilter, cursor: int | None, size: int) -> LogPage:
    return _page(session, SecurityEvent, f, cursor, size)


def _local(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")


def kind_label(enum, value: str) -> str:
    """The Chinese label of a stored kind (the value itself for a kind no longer defined)."""
    try:
        return enum(value).label
    except ValueError:
        return value


ACCESS_COLUMNS = (
    "时间",
    "用户ID",
    "用户名",
    "类别",
    "案号",
    "案件ID",
    "法律服务案件ID",
    "说明",
    "IP地址",
    "浏览器",
)
SECURITY_COLUMNS = (
    "时间",
    "类别",
    "用户ID",
    "用户名",
    "对象",
    "对象用户ID",
    "变更",
    "IP地址",
    "浏览器",
)


def _rows(session: Session, model, f: LogFilter) -> Iterator[Any]:
    """The matching records as plain rows (no ORM objects: an export may hold millions),
    read in batches from a server-side cursor."""
    conditions = _conditions(session, model, f)
    statement = select(model.__table__).where(*conditions).order_by(model.id.desc())
    result = session.execute(statement, execution_options={"yield_per": BATCH})
    for partition in result.partitions():
        yield from partition


def access_rows(session: Session, f: LogFilter) -> Iterator[list]:
    """The access log as CSV rows, newest first, cells escaped against formula injection."""
    for r in _rows(session, AccessRecord, f):
        cells = [
            _local(r.at),
            r.user_id,
            r.username,
            kind_label(AccessKind, r.kind),
            r.case_number,
            r.case_id,
            r.legal_case_id,
            r.detail,
            r.ip,
            r.user_agent,
        ]
        yield [escape_cell(cell) for cell in cells]


def security_rows(session: Session, f: LogFilter) -> Iterator[list]:
    """The security events as CSV rows, newest first."""
    for r in _rows(session, SecurityEvent, f):
        cells = [
            _local(r.at),
            kind_label(SecurityKind, r.kind),
            r.user_id,
            r.username,
            r.target,
            r.target_user_id,
            describe_changes(r.changes),
            r.ip,
            r.user_agent,
        ]
        yield [escape_cell(cell) for cell in cells]


def describe_changes(changes: dict[str, list] | None) -> str:
    """{field: [before, after]} as 「field: before → after」, one per field."""
    return "；".join(
        f"{field}: {_shown(pair[0])} → {_shown(pair[1])}"
        if isinstance(pair, list) and len(pair) == 2
        else f"{field}: {pair}"
        for field, pair in (changes or {}).items()
    )


def _shown(value: Any) -> str:
    return "（空）" if value in (None, "") else str(value)
