"""Reading a ledger file into the rows of its sheets, and the cell parsers.

A file is first looked at by mediation.ledger.guard, which refuses what is not a ledger before
any parser sees it and bounds the rows and columns read. An .xlsx is read through calamine,
each sheet measured before it is loaded (mediation.ledger.workbook); a .csv is read in UTF-8
(with or without BOM) or else GB18030 (a superset of GBK), and is a 法律服务案件 ledger when
its header says so. A file that cannot be taken as a whole (an .xls, an unknown sheet with
content, neither ledger sheet) is one problem and none of its rows is read.

Each cell parser returns the value or raises BadCell with the message for the report; dates,
amounts and the outcome, channel and category words are read in values.
"""

import codecs
import csv
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from mediation.identifiers import InvalidIdentifier, normalize_credit_code
from mediation.ledger import guard
from mediation.ledger.columns import (
    COLUMNS,
    LEGAL_COLUMNS,
    LEGAL_REQUIRED_COLUMNS,
    LEGAL_SERVICE_MARKERS,
    MAX_WORKER_NAME_LENGTH,
    MAX_WORKERS,
    MEDIATION_ONLY,
    NAME_SEPARATORS,
    NO,
    OUTCOME,
    REQUIRED_COLUMNS,
    SHEET_LEGAL_SERVICE,
    SHEET_MEDIATION,
    SHEET_NOTES,
    YES,
    LedgerReport,
    unescape_cell,
)
from mediation.ledger.workbook import Workbook


@dataclass
class RawSheet:
    header: list[str | None]
    rows: Iterable[tuple[int, list[Any]]]  # (row number, cells)


def is_empty(value: Any) -> bool:
    """An absent or blank cell."""
    return value is None or (isinstance(value, str) and not value.strip())


def csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (a superset
    of GBK). Checked in chunks, so a large file is never held in memory."""
    return "gb18030" if _utf8_errors(path)[0] else "utf-8-sig"


def _utf8_errors(path: Path) -> tuple[int, int, int | None, bool]:
    """(bad bytes, well-formed non-ASCII characters, line of the first bad byte, BOM) when the
    file is read as UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    bad = good = lines = 0
    first_bad = None
    with open(path, "rb") as handle:
        bom = handle.read(3) == codecs.BOM_UTF8
        handle.seek(0)
        while True:
            chunk = handle.read(1 << 20)
            text = decoder.decode(chunk, final=not chunk)
            errors = text.count("\ufffd")
            if errors and first_bad is None:
                first_bad = lines + text[: text.index("\ufffd")].count("\n") + 1
            bad += errors
            # the non-ASCII characters, counted in C rather than one by one
            good += len(text) - len(text.encode("ascii", "ignore")) - errors
            lines += text.count("\n")
            if not chunk:
                break
    return bad, good, first_bad, bom


def damaged_utf8_line(path: Path) -> int | None:
    """The line of the first bad byte of a file that is otherwise UTF-8 (a BOM, or more good
    UTF-8 characters than bad bytes: a GB18030 file read as UTF-8 is almost all bad bytes), so
    that one damaged byte is reported instead of the whole file being read as GB18030."""
    bad, good, first_bad, bom = _utf8_errors(path)
    return first_bad if bad and (bom or good > bad) else None


def _csv_sheet(path: Path) -> tuple[RawSheet, IO[str]]:
    handle = open(path, encoding=csv_encoding(path), errors="replace", newline="")  # noqa: SIM115
    rows = guard.bounded_rows(csv.reader(handle))
    _, header = next(rows, (1, []))
    return RawSheet(header=list(header), rows=rows), handle


def open_sheets(
    path: Path, filename: str, report: LedgerReport, sheet: str = ""
) -> tuple[dict[str, RawSheet], Any]:
    """The sheets of the file by kind (SHEET_MEDIATION, SHEET_LEGAL_SERVICE), empty with the
    problems recorded. A workbook without the ledger's sheet names (or with `sheet` naming
    another) is read from its only sheet with content, or the one named, as 调解案件. The
    second value is the open workbook or file to close once the rows have been read."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        if refusal := guard.csv_refusal(path):
            report.add(None, None, refusal)
            return {}, None
        if (line := damaged_utf8_line(path)) is not None:
            report.add(
                None,
                None,
                f"第{line}行含有无效的UTF-8字节（文件其余部分为UTF-8编码），"
                "请在原表格中检查该行后重新保存为UTF-8 CSV",
            )
            return {}, None
        sheet, handle = _csv_sheet(path)
        header = {cell_text(unescape_cell(name)) for name in sheet.header}
        if OUTCOME not in header and header & LEGAL_SERVICE_MARKERS and not header & MEDIATION_ONLY:
            report.kind = SHEET_LEGAL_SERVICE
            return {SHEET_LEGAL_SERVICE: sheet}, handle
        return {SHEET_MEDIATION: sheet}, handle
    if suffix == ".xls":
        report.add(None, None, "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后重试")
        return {}, None
    if suffix != ".xlsx":
        report.add(None, None, "只支持 .xlsx 或 .csv 格式的台账文件")
        return {}, None
    if refusal := guard.xlsx_refusal(path):
        report.add(None, None, refusal)
        return {}, None
    try:
        workbook = Workbook(path)
    except Exception:  # noqa: BLE001 (calamine and the XML parser raise many kinds)
        report.add(None, None, guard.NOT_A_WORKBOOK)
        return {}, None
    try:
        return _workbook_sheets(workbook, report, sheet)
    except guard.LedgerRefused as refusal:  # a sheet measured too large, before it was read
        workbook.close()
        report.add(None, None, str(refusal))
        return {}, None


def _workbook_sheets(
    workbook: Workbook, report: LedgerReport, sheet: str
) -> tuple[dict[str, RawSheet], Any]:
    names = workbook.sheetnames
    contract = {SHEET_MEDIATION, SHEET_LEGAL_SERVICE}
    if (sheet and sheet not in contract) or not contract & set(names):
        chosen = _chosen_sheet(workbook, sheet, report)  # a clerk's own workbook
        if chosen is None:
            workbook.close()
            return {}, None
        return {SHEET_MEDIATION: _raw_sheet(workbook, chosen)}, workbook
    for name in names:
        if name not in (*contract, SHEET_NOTES) and _has_content(workbook, name):
            report.add(
                None,
                None,
                f"未知工作表「{name}」：台账只能包含「{SHEET_MEDIATION}」"
                f"和「{SHEET_LEGAL_SERVICE}」工作表",
            )
    if report.problems:  # the whole file is refused: its rows are not read
        workbook.close()
        return {}, None
    sheets: dict[str, RawSheet] = {}
    for kind in (SHEET_MEDIATION, SHEET_LEGAL_SERVICE):
        if kind in names:
            sheets[kind] = _raw_sheet(workbook, kind)
    report.kind = "、".join(sheets)
    return sheets, workbook


def _raw_sheet(workbook: Workbook, name: str) -> RawSheet:
    """A sheet's first row and its later rows with content, within the guard's bounds."""
    rows = guard.bounded_rows(workbook.rows(name), name)
    _, header = next(rows, (1, ()))
    return RawSheet(header=list(header), rows=((n, list(r)) for n, r in rows))


def _chosen_sheet(workbook: Workbook, sheet: str, report: LedgerReport) -> str | None:
    """The sheet of a workbook without the ledger's sheet names: the one named, else the only
    one with content; None with a problem when there are several (their names go to
    report.sheet_names, to choose from) or none."""
    names = workbook.sheetnames
    if sheet:
        if sheet in names:
            return sheet
        report.add(None, None, f"工作簿中没有工作表「{sheet}」（工作表有：{'、'.join(names)}）")
        return None
    filled = [name for name in names if name != SHEET_NOTES and _has_content(workbook, name)]
    if len(filled) == 1:
        return filled[0]
    if not filled:
        report.add(None, None, "台账中没有案件")
        return None
    report.sheet_names = filled
    report.add(
        None, None, f"工作簿有{len(filled)}个工作表（{'、'.join(filled)}），请选择要导入的工作表"
    )
    return None


def _has_content(workbook: Workbook, name: str, rows: int = 100) -> bool:
    """Whether a sheet has anything in its first rows: an empty Sheet1 left by Excel is
    ignored, another table is refused."""
    scanned = workbook.rows(name, at_most=rows)
    return any(not is_empty(value) for row in scanned for value in row)


def _header_columns(
    header: list,
    report: LedgerReport,
    known: tuple[str, ...] = COLUMNS,
    required: frozenset[str] = REQUIRED_COLUMNS,
) -> dict[int, str]:
    """{cell index: column} of the known columns; problems for the rest."""
    columns: dict[int, str] = {}
    seen: set[str] = set()
    for index, raw in enumerate(header):
        name = cell_text(unescape_cell(raw))
        if not name:
            continue
        if name not in known:
            report.add(1, None, f"未知列「{name}」（台账的列为：{'、'.join(known)}）")
        elif name in seen:
            report.add(1, None, f"列「{name}」重复")
        else:
            seen.add(name)
            columns[index] = name
    for name in known:
        if name in required and name not in seen:
            report.add(1, None, f"缺少必填列「{name}」")
    return columns


def sheet_rows(
    sheet: RawSheet, report: LedgerReport, legal: bool = False
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a sheet that are not empty, as (row number, {column: unescaped cell}), each
    counted in report.rows. Problems of the header, and cells with content under no column
    name, are recorded in the report. legal: the columns of 法律服务案件."""
    if legal:
        columns = _header_columns(sheet.header, report, LEGAL_COLUMNS, LEGAL_REQUIRED_COLUMNS)
    else:
        columns = _header_columns(sheet.header, report)
    nameless_reported: set[int] = set()
    width = len(sheet.header)
    for row, raw_cells in sheet.rows:
        if all(is_empty(value) for value in raw_cells):
            continue
        report.rows += 1
        cells: dict[str, Any] = {}
        for index, value in enumerate(raw_cells):
            if index in columns:
                cells[columns[index]] = unescape_cell(value)
            elif is_empty(value) or (index < width and not is_empty(sheet.header[index])):
                continue  # an empty cell, or one under an unknown column (reported once)
            elif index not in nameless_reported:
                nameless_reported.add(index)
                report.add(row, None, f"第{index + 1}列有内容但没有列名")
        yield row, cells


# Cell parsers: each returns the value or raises BadCell with the message for the report.


class BadCell(ValueError):
    """A cell that does not hold what its column asks for; the message says what it should."""


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def cell_whole_number(value: Any) -> int:
    message = "应为不小于1的整数"
    if isinstance(value, bool):
        raise BadCell(message)
    if isinstance(value, float):
        if not value.is_integer():
            raise BadCell(message)
        value = int(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not text.isascii() or not text.isdigit():
            raise BadCell(message)
        value = int(text)
    if not isinstance(value, int) or value < 1:
        raise BadCell(message)
    if value > MAX_WORKERS:
        raise BadCell(f"不能超过{MAX_WORKERS}")
    return value


def cell_names(value: Any) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", cell_text(value))
    for separator in NAME_SEPARATORS[1:]:
        text = text.replace(separator, NAME_SEPARATORS[0])
    names = tuple(name.strip() for name in text.split(NAME_SEPARATORS[0]) if name.strip())
    for name in names:
        if len(name) > MAX_WORKER_NAME_LENGTH:
            raise BadCell(f"姓名「{name[:10]}…」超过{MAX_WORKER_NAME_LENGTH}个字符")
    return names


def cell_yes_no(value: Any) -> bool:
    text = cell_text(value)
    if text in ("", NO):
        return False
    if text == YES:
        return True
    raise BadCell(f"应为「{YES}」或「{NO}」")


def one_of(value: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    if value not in allowed:
        raise BadCell(f"无效「{value}」，应为：{'、'.join(allowed)}")
    return value


def cell_credit_code(raw: Any) -> str:
    try:
        return normalize_credit_code(cell_text(raw))
    except InvalidIdentifier as error:
        raise BadCell(str(error)) from None
