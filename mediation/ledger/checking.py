"""Checking a ledger file as a whole without writing anything (check_ledger): every row read
and checked in memory, then the rows checked against each other (a case number repeated, a year
and sequence taken twice, one credit code under two names) and against the database (stored
cases, numbers, employers), looked up in chunks. Every problem is reported at once, by sheet,
row and column, in Chinese; an .xlsx with both sheets is checked as a whole.

The same centre and case number is the same case: a row identical to the stored case is skipped,
a different one is a problem naming the fields that differ.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy import ColumnElement, any_, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, select

from mediation.dates import today as local_today
from mediation.ledger.columns import (
    BEFORE_ACCEPTANCE,
    COMPARED,
    COMPARED_WHEN_STATED,
    CREDIT_CODE,
    EMPLOYER,
    LEGAL_COMPARED,
    NUMBER,
    SHEET_LEGAL_SERVICE,
    SHEET_MEDIATION,
    LedgerRecord,
    LedgerReport,
    LegalRecord,
)
from mediation.ledger.guard import LedgerRefused, PreviewTimeout, check_deadline, refuse
from mediation.ledger.mapping import MappingChoice, mapped_rows, remembered_columns
from mediation.ledger.reading import open_sheets, sheet_rows
from mediation.ledger.rows import Reference, parse_legal_row, parse_row
from mediation.ledger.stored import case_statement, read_legal_records, record_of, with_worker_names
from mediation.numbering import format_number, parse_number
from mediation.scope import Scope
from models import Case, CaseCounter, Centre, Employer, LegalCase

LOOKUP_CHUNK = 500  # values per IN (…) of a lookup
MAX_FILENAME_LENGTH = 200


def check_ledger(
    session: Session,
    path: Path | str,
    filename: str,
    scope: Scope,
    today: date | None = None,
    choice: MappingChoice | None = None,
) -> LedgerReport:
    """Read and check a ledger file without writing anything: the report lists the new cases,
    the rows identical to stored cases (skipped) and every problem. `choice`: the sheet, the
    corrections to the column mapping, and the centre and channel of a file without them. A file
    refused as a whole (mediation.ledger.guard: not a ledger, too large) has that one problem;
    past the time limit set by guard.time_limit, PreviewTimeout is raised."""
    today = today or local_today()
    choice = choice or MappingChoice()
    report = LedgerReport(filename=clean_filename(filename))
    ref = Reference.load(session, scope, today)
    remembered = None
    if choice.centre_id is not None:
        centre = session.get(Centre, choice.centre_id)
        choice.centre_code = centre.code if centre else ""
        remembered = partial(remembered_columns, session, choice.centre_id)
    sheets, source = open_sheets(Path(path), filename, report, choice.sheet)
    # In a workbook, a problem of the legal-service sheet names the sheet.
    legal_label = SHEET_LEGAL_SERVICE if Path(filename).suffix.lower() == ".xlsx" else ""
    if not sheets:
        if source is not None:
            source.close()
        return _finish_report(report)
    records: list[LedgerRecord] = []
    legal_records: list[LegalRecord] = []
    try:
        if SHEET_MEDIATION in sheets:
            rows = mapped_rows(sheets[SHEET_MEDIATION], report, choice, remembered)
            records = _parsed(rows, parse_row, ref, report)
        if SHEET_LEGAL_SERVICE in sheets:
            report.reading_legal = True
            report.reading_sheet = legal_label
            rows = sheet_rows(sheets[SHEET_LEGAL_SERVICE], report, legal=True)
            legal_records = _parsed(rows, parse_legal_row, ref, report)
        check_deadline()
    except PreviewTimeout:  # the caller's to answer: it set the limit
        raise
    except LedgerRefused as refusal:  # too large, too slow: the whole file, never a part
        refuse(report, str(refusal))
        return _finish_report(report)
    finally:
        report.reading_legal, report.reading_sheet = False, ""
        if source is not None:
            source.close()
    if report.rows == 0 and not report.problems:
        report.add(None, None, "台账中没有案件")
    _plan(session, records, report)
    report.reading_legal = True
    report.reading_sheet = legal_label
    try:
        _plan_legal(session, legal_records, report)
    finally:
        report.reading_legal, report.reading_sheet = False, ""
    return _finish_report(report)


def _parsed(rows: Iterator[tuple[int, dict]], parse, ref: Reference, report: LedgerReport) -> list:
    """The records of the rows read without a problem (the problems go to the report)."""
    parsed = (parse(row, cells, ref, report) for row, cells in rows)
    return [record for record in parsed if record is not None]


def _finish_report(report: LedgerReport) -> LedgerReport:
    report.problems.sort(key=lambda problem: problem.sort_key)
    if report.problems:
        report.new = []
        report.legal_new = []
    return report


def clean_filename(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:MAX_FILENAME_LENGTH]


def chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    """The items in consecutive slices of `size` (for IN lists and insert batches)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def among(session: Session, column, values: list) -> Iterator[ColumnElement[bool]]:
    """Conditions that together select the rows whose `column` holds one of the values.

    On PostgreSQL one condition, `column = ANY(array)`: one round trip and one index scan for a
    whole file, where IN lists of LOOKUP_CHUNK values take hundreds (and a driver that parses
    each list's hundreds of placeholders). On SQLite an IN list per LOOKUP_CHUNK values."""
    if not values:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
        return
    for chunk in chunks(values):
        yield column.in_(chunk)


def _first_of_each_number(records: list, report: LedgerReport) -> list:
    """The records in file order, without the later rows that repeat a centre's case number
    (each reported at its row)."""
    first: dict[tuple[int, str], object] = {}
    for record in records:
        key = (record.centre_id, record.number)
        if key in first:
            report.add(record.row, NUMBER, f"与第{first[key].row}行重复")
        else:
            first[key] = record
    return list(first.values())


def _plan(session: Session, records: list[LedgerRecord], report: LedgerReport) -> None:
    """Cross-row and database checks; sets year/seq and the employer of each new record. Rows
    without a number (a file without 案件编号) are new cases, numbered after the others."""
    unique = _first_of_each_number([r for r in records if r.number], report)

    stored = _stored_ids(session, unique)
    new: list[LedgerRecord] = []
    stored_records = _stored_records(session, list(stored.values()))
    for record in unique:
        case_id = stored.get((record.centre_id, record.number))
        if case_id is None:
            new.append(record)
            continue
        differing = _differences(record, stored_records[case_id])
        if differing:
            report.add(
                record.row,
                NUMBER,
                f"{record.number}已登记，与台账不一致的字段：{'、'.join(differing)}",
            )
        else:
            report.skipped += 1

    new.extend(r for r in records if not r.number)
    _plan_numbers(session, new, report)
    _plan_employers(session, new, report)
    report.new = new


def _stored_ids(session: Session, records: list[LedgerRecord]) -> dict[tuple[int, str], int]:
    """{(centre id, number): case id} of the stored cases the rows name."""
    wanted = {(r.centre_id, r.number) for r in records}
    found: dict[tuple[int, str], int] = {}
    numbers = sorted({r.number for r in records})
    for condition in among(session, Case.number, numbers):
        for case_id, centre_id, number in session.exec(
            select(Case.id, Case.centre_id, Case.number).where(condition)
        ):
            if (centre_id, number) in wanted:
                found[(centre_id, number)] = case_id
    return found


def _stored_records(session: Session, case_ids: list[int]) -> dict[int, LedgerRecord]:
    result: dict[int, LedgerRecord] = {}
    for chunk in chunks(sorted(case_ids)):
        rows = session.exec(case_statement([Case.id.in_(chunk)])).all()
        for row, names in with_worker_names(session, rows):
            result[row.id] = record_of(row, names)
    return result


def _differences(record: LedgerRecord, stored: LedgerRecord) -> list[str]:
    differing = []
    # A row in the older format (no 撤回阶段) gave a case withdrawn before acceptance its
    # date of receipt as 受理日期.
    legacy_before = (
        not record.withdrawal_stage
        and stored.withdrawal_stage == BEFORE_ACCEPTANCE
        and record.accepted_on == stored.received_on
    )
    for name, column in COMPARED:
        value = getattr(record, name)
        if name in COMPARED_WHEN_STATED and value in ("", None):
            continue  # not stated in the row
        if name == "accepted_on" and legacy_before:
            continue
        if value != getattr(stored, name):
            differing.append(column)
    return differing


def _plan_numbers(session: Session, records: list[LedgerRecord], report: LedgerReport) -> None:
    """Year and sequence of each new case: from a standard number, else after the counter."""
    taken: dict[tuple[int, int, int], LedgerRecord] = {}
    for record in records:
        parsed = parse_number(record.number)
        if parsed is None:
            continue
        record.year, _, record.seq = parsed
        record.parsed_number = True
        key = (record.centre_id, record.year, record.seq)
        if key in taken:
            report.add(record.row, NUMBER, f"与第{taken[key].row}行的年度和序号相同")
        else:
            taken[key] = record
    # By centre and year, the sequences on the unique index: a list of (centre, year, seq)
    # triples is no index condition for PostgreSQL, which scanned the cases whole for each.
    seqs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for centre_id, year, seq in sorted(taken):
        seqs[(centre_id, year)].append(seq)
    for (centre_id, year), wanted in seqs.items():
        for condition in among(session, Case.seq, wanted):
            statement = select(Case.seq, Case.number).where(
                Case.centre_id == centre_id, Case.year == year, condition
            )
            for seq, number in session.exec(statement):
                record = taken[(centre_id, year, seq)]
                report.add(record.row, NUMBER, f"年度和序号已被案件「{number}」使用")

    unparsed = [r for r in records if not r.parsed_number]
    if not unparsed:
        return
    centre_ids = sorted({r.centre_id for r in unparsed})
    highest: dict[tuple[int, int], int] = defaultdict(int)
    for centre_id, year, seq in session.exec(
        select(Case.centre_id, Case.year, func.max(Case.seq))
        .where(Case.centre_id.in_(centre_ids))
        .group_by(Case.centre_id, Case.year)
    ):
        highest[(centre_id, year)] = max(highest[(centre_id, year)], seq or 0)
    for counter in session.exec(select(CaseCounter).where(CaseCounter.centre_id.in_(centre_ids))):
        key = (counter.centre_id, counter.year)
        highest[key] = max(highest[key], counter.last_seq)
    for centre_id, year, seq in taken:
        highest[(centre_id, year)] = max(highest[(centre_id, year)], seq)
    short_names = dict(session.exec(select(Centre.id, Centre.short_name)).all())
    for record in unparsed:
        # A number from the counter counts in the year of 受理日期, as the centre's own do.
        numbered = not record.number
        day = (record.accepted_on or record.received_on) if numbered else record.received_on
        record.year = day.year
        key = (record.centre_id, record.year)
        highest[key] += 1
        record.seq = highest[key]
        if numbered:
            record.number = format_number(record.year, short_names[record.centre_id], record.seq)


def _plan_employers(session: Session, records: list[LedgerRecord], report: LedgerReport) -> None:
    """A row with a credit code names the employer holding that code (whose name must agree),
    or a new one; a row without names the first employer of that name, or a new one."""
    codes = sorted({r.credit_code for r in records if r.credit_code})
    by_code: dict[str, str] = {}
    for condition in among(session, Employer.credit_code, codes):
        for code, name in session.exec(
            select(Employer.credit_code, Employer.name).where(condition)
        ):
            by_code[code] = name
    first_row: dict[str, LedgerRecord] = {}
    for record in records:
        if not record.credit_code:
            record.employer_key = ("name", record.employer_name)
            continue
        record.employer_key = ("code", record.credit_code)
        stored_name = by_code.get(record.credit_code)
        if stored_name is not None and stored_name != record.employer_name:
            report.add(
                record.row,
                CREDIT_CODE,
                f"已登记为「{stored_name}」，与「{EMPLOYER}」不一致",
            )
        elif stored_name is None:
            first = first_row.setdefault(record.credit_code, record)
            if first.employer_name != record.employer_name:
                report.add(
                    record.row,
                    CREDIT_CODE,
                    f"与第{first.row}行相同，但「{EMPLOYER}」不一致",
                )


def _plan_legal(session: Session, records: list[LegalRecord], report: LedgerReport) -> None:
    """Duplicates within the file; a stored case of the same centre and number is skipped when
    identical, a problem naming the fields otherwise."""
    by_number = {(r.centre_id, r.number): r for r in _first_of_each_number(records, report)}
    unique = list(by_number.values())
    stored: dict[tuple[int, str], LegalRecord] = {}
    numbers = sorted({r.number for r in unique})
    for condition in among(session, LegalCase.number, numbers):
        for record in read_legal_records(session, [condition]):
            if (record.centre_id, record.number) in by_number:
                stored[(record.centre_id, record.number)] = record
    new: list[LegalRecord] = []
    for record in unique:
        existing = stored.get((record.centre_id, record.number))
        if existing is None:
            new.append(record)
            continue
        differing = [
            column
            for name, column in LEGAL_COMPARED
            if getattr(record, name) != getattr(existing, name)
        ]
        if differing:
            report.add(
                record.row,
                NUMBER,
                f"{record.number}已登记，与台账不一致的字段：{'、'.join(differing)}",
            )
        else:
            report.legal_skipped += 1
    report.legal_new = new
