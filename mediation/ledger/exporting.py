"""Exporting cases as a ledger in the same columns, so that export → import round-trips: rows
read in batches from a server-side cursor and streamed as UTF-8 CSV with a BOM (csv_chunks), or
written to an .xlsx in openpyxl's write-only mode (write_xlsx).

The ledger carries no ID numbers or phones. Worker names are personal data: masked as 张* (the
first character and one *, whatever the length) on the cases where mediation.privacy shows the
user none, i.e. for roles without Permission.PERSONAL_DATA and for a lawyer on the cases not
assigned to them. The 法律服务案件 sheet names no worker.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func
from sqlmodel import Session, select

from mediation.dates import today as local_today
from mediation.ledger.columns import (
    ACCEPTED,
    AGREED,
    BATCH_SIZE,
    CATEGORY,
    CENTRE,
    CHANNEL,
    CLAIMED,
    CLOSED,
    COLUMNS,
    CREDIT_CODE,
    EMPLOYER,
    EXTENSION_CONSENT,
    EXTENSION_DAYS,
    HANDLING_CENTRE,
    LAWYER,
    LEGAL_COLUMNS,
    LEGAL_WORKERS,
    NAMES,
    NEW_EMPLOYMENT,
    NO,
    NOTE,
    NUMBER,
    OUTCOME,
    PAID,
    REASON,
    RECEIVED,
    RECOVERED,
    RESULT,
    SERVICE_TYPE,
    SHEET_LEGAL_SERVICE,
    SHEET_MEDIATION,
    SIGNED,
    WITHDRAWAL_STAGE,
    WORKER_COUNT,
    YES,
    LedgerRecord,
    escape_cell,
)
from mediation.ledger.stored import (
    case_statement,
    export_conditions,
    legal_record_of,
    legal_statement,
    record_of,
    with_worker_names,
)
from mediation.money import fen_to_decimal
from mediation.privacy import PersonalDataAccess, shown
from models import Case


def _cells(row, record: LedgerRecord, show_names: bool) -> list[Any]:
    """One ledger row in column order: dates as dates, amounts as Decimal yuan, text escaped."""
    names = tuple(shown(name, "name", show_names) for name in record.names)
    values = {
        NUMBER: record.number,
        CENTRE: row.centre_code,
        RECEIVED: record.received_on,
        ACCEPTED: record.accepted_on,
        CHANNEL: record.channel,
        CATEGORY: record.category,
        WORKER_COUNT: record.worker_count,
        NAMES: "、".join(names),
        EMPLOYER: record.employer_name,
        CREDIT_CODE: record.credit_code,
        CLAIMED: fen_to_decimal(record.claimed_fen),
        LAWYER: row.certificate_no or "",
        OUTCOME: record.outcome,
        CLOSED: record.closed_on,
        AGREED: None if record.agreed_fen is None else fen_to_decimal(record.agreed_fen),
        PAID: fen_to_decimal(record.paid_fen) if record.paid_fen else None,
        NEW_EMPLOYMENT: YES if record.new_employment else NO,
        REASON: record.reason,
        NOTE: record.note,
        WITHDRAWAL_STAGE: record.withdrawal_stage,
        SIGNED: record.signed_on,
        EXTENSION_DAYS: record.extension_days,
        EXTENSION_CONSENT: record.extension_consent_on,
    }
    return [escape_cell(values[column]) for column in COLUMNS]


def ledger_count(session: Session, conditions: list, limit: int | None = None) -> int:
    """How many rows `ledger_rows` gives for these conditions; with `limit`, counting stops at
    limit + 1 (enough to tell whether an export is larger than that)."""
    statement = (
        case_statement(export_conditions(conditions))
        .order_by(None)
        .with_only_columns(Case.id, maintain_column_froms=True)
    )
    if limit is not None:
        statement = statement.limit(limit + 1)
    return session.exec(select(func.count()).select_from(statement.subquery())).one()


def ledger_rows(
    session: Session, conditions: list, access: PersonalDataAccess, batch: int = BATCH_SIZE
) -> Iterator[list[Any]]:
    """Every case matching the conditions as a ledger row, oldest first, read in batches from a
    server-side cursor (yield_per) so that memory stays flat however many there are. Worker
    names are masked (mask_name) on the cases where `access` shows no personal data."""
    statement = case_statement(export_conditions(conditions))
    result = session.exec(statement, execution_options={"yield_per": batch})
    for partition in result.partitions():
        for row, worker_names in with_worker_names(session, list(partition)):
            yield _cells(row, record_of(row, worker_names), access.shows(row.lawyer_id))


def legal_ledger_rows(
    session: Session, conditions: list, batch: int = BATCH_SIZE
) -> Iterator[list[Any]]:
    """Every legal-service case matching the conditions as a row of 法律服务案件, oldest first.
    The sheet names no worker, so nothing is masked."""
    result = session.exec(legal_statement(conditions), execution_options={"yield_per": batch})
    for partition in result.partitions():
        for row in partition:
            record = legal_record_of(row)
            values = {
                NUMBER: record.number,
                HANDLING_CENTRE: row.centre_code,
                SERVICE_TYPE: record.service_type,
                ACCEPTED: record.accepted_on,
                LEGAL_WORKERS: record.worker_count,
                LAWYER: row.certificate_no or "",
                RESULT: record.outcome,
                CLOSED: record.closed_on,
                RECOVERED: fen_to_decimal(record.recovered_fen) if record.recovered_fen else None,
                NOTE: record.note,
            }
            yield [escape_cell(values[column]) for column in LEGAL_COLUMNS]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_chunks(
    rows: Iterable[list[Any]], rows_per_chunk: int = 500, columns: tuple[str, ...] = COLUMNS
) -> Iterator[bytes]:
    """The ledger as UTF-8 CSV with a BOM (so Excel opens it right), in chunks to stream.
    columns=LEGAL_COLUMNS for the rows of legal_ledger_rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode()


def write_xlsx(
    rows: Iterable[list[Any]],
    target: str | Path | IO[bytes],
    legal_rows: Iterable[list[Any]] | None = None,
) -> int:
    """The ledger as an .xlsx with the sheet 调解案件 and, given legal_rows, a second sheet
    法律服务案件, written in openpyxl's write-only mode (rows go to a temporary file as they
    come). Returns the number of mediation cases written."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)

    def fill(name: str, columns: tuple[str, ...], widths, data: Iterable[list[Any]]) -> int:
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for letter, width in widths:
            sheet.column_dimensions[letter].width = width
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        count = 0
        for row in data:
            sheet.append(row)
            count += 1
        return count

    widths = (("A", 24), ("B", 10), ("I", 30), ("J", 22), ("L", 20))
    count = fill(SHEET_MEDIATION, COLUMNS, widths, rows)
    if legal_rows is not None:
        fill(SHEET_LEGAL_SERVICE, LEGAL_COLUMNS, (("A", 24), ("F", 20)), legal_rows)
    workbook.save(target)
    return count


def ledger_filename(kind: str, today: date | None = None, sheet: str = SHEET_MEDIATION) -> str:
    return f"{sheet}台账-{(today or local_today()):%Y%m%d}.{kind}"
