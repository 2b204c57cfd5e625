"""Refusing what is not a ledger before it is parsed, and reading what is one within bounds.

A file is looked at before any parser sees it: a .csv must be text (a NUL or many control
bytes say it is not); an .xlsx must be a zip holding a workbook whose parts, by the zip's own
directory, are within their limits uncompressed (zipfile never returns more than a part
declares, so the directory is a real bound): MAX_PART_BYTES for a part read whole (shared
strings, styles), MAX_SHEET_PART_BYTES for a worksheet, read row by row. Every XML part is then
streamed once for a run of text longer than an Excel cell holds, so that a 200 MB string is
refused without being held. A workbook's sheet is measured before it is loaded, whatever
dimension it declares (mediation.ledger.workbook), and the rows are counted as they are read: a
sheet beyond MAX_ROWS rows or MAX_COLUMNS columns raises LedgerRefused, and the whole file is
refused, never a part of it.

A preview runs under time_limit(seconds): reading checks the deadline as it goes and raises
PreviewTimeout past it. Under counting_rows(callback) reading also reports the rows read so far
(every DEADLINE_EVERY rows), which a job's progress bar and the command line's show against
data_rows, a quick count of the file's rows made before reading it. The limits live here (not
in config) so that the domain reads them without Flask; the app sets LEDGER_PREVIEW_SECONDS
through time_limit.
"""

import io
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from mediation.cases.attachments import format_size

MAX_ROWS = 250_000  # data rows of one sheet (the header row aside)
MAX_COLUMNS = 100
MAX_PART_BYTES = 100 * 1024 * 1024  # one part of an .xlsx read whole, uncompressed
# A worksheet part is read row by row: its bound is the largest sheet within the row and column
# limits (about 45 bytes of XML a cell), not MAX_PART_BYTES, which a 200,000-row ledger passes.
MAX_SHEET_PART_BYTES = 1024 * 1024 * 1024
MAX_PARTS = 10_000  # files in an .xlsx (a ledger's has about ten)
_EOCD_SEARCH = 22 + 0xFFFF  # the zip's end record and the longest comment after it
MAX_CELL_CHARS = 32_767  # Excel's own limit on the text of a cell
# A run of XML bytes without a "<" this long holds more than MAX_CELL_CHARS characters (a
# character takes at most 6 bytes, as &quot;).
MAX_RUN_BYTES = 6 * MAX_CELL_CHARS
SNIFF_BYTES = 64 * 1024  # bytes looked at in each of three places of a .csv
DEADLINE_EVERY = 1_000  # rows read between two looks at the clock
TIMEOUT_MESSAGE = "预览超时：文件过大或格式异常"
NOT_A_WORKBOOK = "无法读取文件：不是有效的 .xlsx 文件"
NOT_TEXT = "文件内容不是文本（含有二进制数据），不是 CSV 台账；请上传 .xlsx 或 .csv 格式的台账文件"
# Bytes a text file never holds: C0 controls other than tab, line feed, form feed, carriage
# return and the old end-of-file mark 0x1A; DEL.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26)) + b"\x7f"
_deadline: ContextVar[float | None] = ContextVar("ledger_deadline", default=None)
_counter: ContextVar[list | None] = ContextVar("ledger_counter", default=None)


class LedgerRefused(Exception):
    """The file as a whole is not read: the message says why, in Chinese."""


class PreviewTimeout(LedgerRefused):
    def __init__(self) -> None:
        super().__init__(TIMEOUT_MESSAGE)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Within this block, reading a ledger raises PreviewTimeout once `seconds` have passed."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


@contextmanager
def counting_rows(callback: Callable[[int], None]) -> Iterator[None]:
    """Within this block, reading a ledger calls callback(rows read so far) as it goes."""
    token = _counter.set([0, callback])
    try:
        yield
    finally:
        _counter.reset(token)


def _count(rows: int) -> None:
    counter = _counter.get()
    if counter is not None:
        counter[0] += rows
        counter[1](counter[0])


def data_rows(source: Path | bytes, suffix: str, at_most: int | None = None) -> int:
    """About how many data rows the file holds, counted without parsing it (a header row per
    sheet aside): a CSV's lines, the <row> elements of a workbook's sheets. With `at_most`, the
    count stops past it. A file that is not what its suffix says counts 0 (reading refuses it)."""
    if suffix.lower() == ".csv":
        return max(_lines(source) - 1, 0)
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        if (_declared_parts(data) or MAX_PARTS + 1) > MAX_PARTS:
            return 0
        with zipfile.ZipFile(data) as archive:
            total = 0
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as part:
                        limit = None if at_most is None else at_most - total + 1
                        total += max(_row_elements(part, limit) - 1, 0)
                if at_most is not None and total > at_most:
                    break
            return total
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return 0


def _lines(source: Path | bytes) -> int:
    if isinstance(source, bytes):
        return source.count(b"\n") + (not source.endswith(b"\n"))
    lines, last = 0, b"\n"
    with open(source, "rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _row_elements(stream, at_most: int | None) -> int:
    """The <row …> elements of a worksheet's XML, read in chunks (a tag cut between two chunks
    is found in the carried tail)."""
    count, tail = 0, b""
    while chunk := stream.read(1 << 20):
        window = tail + chunk
        count += window.count(b"<row ") + window.count(b"<row>")
        tail = window[-5:]
        count -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again with the next
        if at_most is not None and count > at_most:
            break
    return count + tail.count(b"<row ") + tail.count(b"<row>")


def check_deadline() -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise PreviewTimeout()


def csv_refusal(path: Path) -> str | None:
    """Why a .csv is not a text file, looked at in its beginning, middle and end: a NUL byte,
    or more than one control byte in a hundred (GBK and UTF-8 text holds none)."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        for offset in sorted({0, max(size // 2 - SNIFF_BYTES // 2, 0), max(size - SNIFF_BYTES, 0)}):
            handle.seek(offset)
            sample = handle.read(SNIFF_BYTES)
            controls = len(sample) - len(sample.translate(None, _CONTROL))
            if b"\0" in sample or controls * 100 > len(sample):
                return NOT_TEXT
    return None


def xlsx_refusal(path: Path) -> str | None:
    """Why an .xlsx is not opened: not a zip, no workbook in it, a part larger than its limit
    uncompressed (from the zip's directory, before anything is decompressed), or a run of text
    longer than a cell may hold in any of its XML parts."""
    if (parts := _declared_parts(path)) is None:
        return NOT_A_WORKBOOK
    if parts > MAX_PARTS:  # read from the zip's last record, before its directory is loaded
        return f"文件中有 {parts:,} 个部分，超过 {MAX_PARTS:,} 的上限，不是正常的台账，未读取"
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return NOT_A_WORKBOOK
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            return NOT_A_WORKBOOK
        for info in infos:
            limit = part_limit(info.filename)
            if info.file_size > limit:
                return (
                    f"文件中的「{info.filename}」解压后为 {format_size(info.file_size)}，"
                    f"超过 {format_size(limit)} 的上限，未读取"
                )
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels")):
                try:
                    with archive.open(info) as part:
                        too_long = has_long_run(part)
                except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                    return NOT_A_WORKBOOK
                if too_long:
                    return (
                        f"文件中有超过 {MAX_CELL_CHARS:,} 个字符的文字（Excel 单元格的上限），"
                        "不是正常的台账，未读取"
                    )
    return None


def _declared_parts(path: Path | io.BytesIO) -> int | None:
    """The number of parts a zip's end record declares (None: no end record, not a zip), so
    that a directory of millions of entries is refused before zipfile builds an object for
    each. A zip64 archive declares 0xFFFF here, more than any workbook holds."""
    if isinstance(path, io.BytesIO):
        tail = path.getbuffer()[-_EOCD_SEARCH:].tobytes()
    else:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            handle.seek(max(size - _EOCD_SEARCH, 0))
            tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")


def part_limit(name: str) -> int:
    """The largest a part may be uncompressed: a worksheet is read row by row (the rows and
    columns are counted as they come), any other part is read whole."""
    is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
    return MAX_SHEET_PART_BYTES if is_sheet else MAX_PART_BYTES


def has_long_run(stream) -> bool:
    """Whether an XML stream holds a run of MAX_RUN_BYTES bytes without a "<" (a text longer
    than a cell holds), looked for in consecutive windows of that size: any run twice as long
    fills one of them, and a window without a "<" is such a run. One memchr a window, so a
    200 MB worksheet costs its decompression; a 200 MB string is given up at its first window,
    never held."""
    while window := stream.read(MAX_RUN_BYTES):
        if len(window) == MAX_RUN_BYTES and b"<" not in window:
            return True
        check_deadline()
    return False


def bounded_rows(
    rows: Iterable[Sequence[Any]], sheet: str = ""
) -> Iterator[tuple[int, Sequence[Any]]]:
    """(row number, cells) of the first row (the header) and of every later row with content,
    raising LedgerRefused at the first row with content past row MAX_ROWS + 1 or a cell with
    content past column MAX_COLUMNS, and PreviewTimeout past the deadline. Row numbers count
    the empty rows (a sheet yields one for each missing row), which are passed over here, at the
    source: they never go through the checks. sheet: its name, "" for a CSV."""
    where = f"工作表「{sheet}」" if sheet else "文件"
    for number, row in enumerate(rows, start=1):
        if number == 1:
            # The header is handed over at once and checked when the next row is asked for: it
            # is read while the file is opened, before the caller holds the handle it closes.
            yield number, row
        else:
            if number % DEADLINE_EVERY == 0:
                check_deadline()
                _count(DEADLINE_EVERY)
            if not row or all(_blank(value) for value in row):
                continue
        if len(row) > MAX_COLUMNS and any(not _blank(value) for value in row[MAX_COLUMNS:]):
            raise LedgerRefused(f"{where}第{number}行超过 {MAX_COLUMNS} 列的上限，未导入任何行")
        if number > MAX_ROWS + 1:
            raise LedgerRefused(
                f"{where}超过 {MAX_ROWS:,} 行数据的上限，未导入任何行；请分成几个文件导入"
            )
        if number > 1:
            yield number, row


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def refuse(report, message: str) -> None:
    """Make the report that of a refused file: this one problem, nothing to import."""
    report.problems.clear()
    report.new.clear()
    report.legal_new.clear()
    report.rows = 0
    report.notes.clear()  # totals and blank rows of a part read: nothing of it is imported
    report.reading_legal, report.reading_sheet = False, ""
    report.add(None, None, message)
