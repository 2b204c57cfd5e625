"""Reading a clerk's own spreadsheet as the ledger: the header row found below title rows, each
column mapped to a ledger column (by its name, by the names centres use, by what it holds, by
the centre's mapping remembered from its last file, or as the user chose), totals and blank
rows skipped and reported, and what the file lacks filled in as the user chose.

A file in the ledger's own format maps column for column onto itself and reads as it always
did. Columns the ledger does not keep (序号, 联系电话, 身份证号 …) are shown as not imported.

Order of precedence for a column: the user's choice for this file, the centre's remembered
mapping for the same header (its signature), the column's name, then its content.
"""

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from itertools import chain, islice
from typing import Any

from sqlmodel import Session, select

from mediation.identifiers import (
    InvalidIdentifier,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
)
from mediation.ledger.columns import (
    ACCEPTED,
    AGREED,
    CATEGORY,
    CENTRE,
    CHANNEL,
    CLAIMED,
    CLOSED,
    COLUMNS,
    CREDIT_CODE,
    EMPLOYER,
    NUMBER,
    OUTCOME,
    PAID,
    RECEIVED,
    REQUIRED_COLUMNS,
    LedgerReport,
    unescape_cell,
)
from mediation.ledger.names import NOT_IMPORTED_NAMES, SYNONYMS, header_key, header_unit
from mediation.ledger.reading import BadCell, RawSheet, cell_text, is_empty
from mediation.ledger.values import cell_date, known_word
from mediation.money import UNIT_EXPONENTS
from models import LedgerMapping, User, utcnow

NOT_IMPORTED = ""  # the field of a column that is not imported

HOW_NAME, HOW_SYNONYM, HOW_CONTENT, HOW_REMEMBERED, HOW_CHOSEN = (
    "列名",
    "常用列名",
    "按内容识别",
    "沿用上次",
    "已指定",
)
HEADER_SCAN_ROWS = 30  # title rows above the header
CONTENT_SAMPLE_ROWS = 20  # data rows looked at to tell a column by what it holds
SHOWN_SAMPLES = 3  # first values of each column shown in the preview
TOTAL_WORDS = ("合计", "总计", "小计", "共计")
AMOUNT_COLUMNS = (CLAIMED, AGREED, PAID)
_MOBILE = re.compile(r"1[3-9]\d{9}")
_EMPLOYER_WORDS = re.compile(r"公司|厂|店|中心|集团|酒店|商行|工作室|经营部|合作社|医院|学校")


def _names() -> dict[str, tuple[str, str]]:
    """{header key: (field, how)}: the ledger's names, then the names centres use."""
    names: dict[str, tuple[str, str]] = {}
    for name in NOT_IMPORTED_NAMES:
        names[header_key(name)] = (NOT_IMPORTED, HOW_SYNONYM)
    for column, synonyms in SYNONYMS.items():
        for name in synonyms:
            names.setdefault(header_key(name), (column, HOW_SYNONYM))
    for column in COLUMNS:
        names[header_key(column)] = (column, HOW_NAME)
    return names


NAMES_BY_KEY = _names()


@dataclass
class MappedColumn:
    index: int  # the cell's index in the row
    header: str  # as the file names it
    field: str  # a ledger column, or NOT_IMPORTED
    how: str  # HOW_*; "" for a column nothing could map
    samples: list[str]
    unit: str = "元"  # what an amount in it counts (header_unit): 元, 千元 or 万元

    @property
    def shown_unit(self) -> str:
        """The unit as the preview states it, for a column read as an amount."""
        if self.field not in AMOUNT_COLUMNS:
            return ""
        exponent = UNIT_EXPONENTS.get(self.unit, 0)
        return f"{self.unit}（×{10**exponent:,}）" if exponent else "元"


@dataclass
class SheetMapping:
    header_row: int  # the spreadsheet row of the header
    columns: list[MappedColumn]

    @property
    def signature(self) -> str:
        """The layout of the header: the same spreadsheet of the same centre."""
        keys = "\x1f".join(header_key(c.header) for c in self.columns)
        return hashlib.sha256(keys.encode()).hexdigest()

    def chosen(self) -> dict[str, str]:
        """{header: field} of every column, as remembered and as the preview's selects hold it."""
        return {c.header: c.field for c in self.columns}

    def mapped(self) -> list[MappedColumn]:
        return [c for c in self.columns if c.field != NOT_IMPORTED]

    def amount_units(self) -> dict[str, str]:
        """{amount column: unit} of the amounts counted in larger units than 元."""
        return {c.field: c.unit for c in self.mapped() if c.shown_unit not in ("", "元")}

    def stored(self) -> dict[str, Any]:
        """As kept in the stored preview (a JSON column)."""
        return asdict(self)

    @classmethod
    def loaded(cls, data: dict[str, Any]) -> "SheetMapping":
        return cls(data["header_row"], [MappedColumn(**column) for column in data["columns"]])


@dataclass
class MappingChoice:
    """What the user chose for one file: its sheet, corrections to the mapping ({header: field
    or NOT_IMPORTED}), and for a file without them its centre and channel."""

    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    centre_id: int | None = None
    centre_code: str = ""  # the centre's code, filled in when centre_id is resolved
    channel: str = ""

    def stored(self) -> dict[str, Any]:
        """As kept with an upload (a JSON column); the centre's code is looked up again."""
        return {
            "sheet": self.sheet,
            "columns": dict(self.columns),
            "centre_id": self.centre_id,
            "channel": self.channel,
        }

    @classmethod
    def loaded(cls, data: dict[str, Any] | None) -> "MappingChoice":
        data = data or {}
        return cls(
            sheet=data.get("sheet", ""),
            columns=dict(data.get("columns") or {}),
            centre_id=data.get("centre_id"),
            channel=data.get("channel", ""),
        )


def _shown(value: Any) -> str:
    """A cell as the preview shows it: an Excel date without its midnight time."""
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    return cell_text(unescape_cell(value))


def _score(cells: list[Any]) -> int:
    return sum(1 for value in cells if header_key(value) in NAMES_BY_KEY)


def _find_header(rows: list[tuple[int, list[Any]]]) -> int | None:
    """The index (in rows) of the header: the row naming most known columns, the first of
    equals; without one, the first row with two or more texts. Title rows (one merged cell) and
    blank rows above it are passed over."""
    scores = [_score(cells) for _, cells in rows]
    if scores and max(scores) >= 2:
        return scores.index(max(scores))
    for position, (_, cells) in enumerate(rows):
        if sum(1 for value in cells if isinstance(value, str) and value.strip()) >= 2:
            return position
    return None


def _is_total(cells: list[Any]) -> bool:
    """A 合计 / 总计 / 小计 row: one of its first filled cells says so."""
    filled = (value for value in cells if not is_empty(value))
    for value in islice(filled, 3):
        # every total word ends in 计: most cells are passed over without normalising them
        if isinstance(value, str) and "计" in value and header_key(value).startswith(TOTAL_WORDS):
            return True
    return False


def _matches(values: list[Any], test: Callable[[Any], bool]) -> bool:
    """Most of the values (at least four in five) pass the test."""
    return bool(values) and sum(1 for v in values if test(v)) * 5 >= len(values) * 4


def _is_credit_code(value: Any) -> bool:
    try:
        normalize_credit_code(cell_text(value))
    except InvalidIdentifier:
        return False
    return True


def _is_id_number(value: Any) -> bool:
    try:
        normalize_id_number("resident", cell_text(value))
    except (InvalidIdentifier, ValueError):
        return False
    return True


def _is_phone(value: Any) -> bool:
    text = cell_text(value)
    if not _MOBILE.fullmatch(text.replace("-", "").replace(" ", "")):
        try:
            return bool(normalize_phone(text)) and "-" in text
        except InvalidIdentifier:
            return False
    return True


def _is_date(value: Any) -> bool:
    if isinstance(value, int | float):
        return False  # counts and amounts
    try:
        cell_date(value)
    except BadCell:
        return False
    return True


# What a column without a known name holds, tried in order: (test, field, fields it may take).
_CONTENT_RULES: tuple[tuple[Callable[[Any], bool], tuple[str, ...]], ...] = (
    (_is_credit_code, (CREDIT_CODE,)),
    (_is_id_number, (NOT_IMPORTED,)),
    (_is_phone, (NOT_IMPORTED,)),
    (_is_date, (ACCEPTED, CLOSED, RECEIVED)),
    (lambda v: known_word(v, "outcome"), (OUTCOME,)),
    (lambda v: known_word(v, "channel"), (CHANNEL,)),
    (lambda v: known_word(v, "category"), (CATEGORY,)),
    (lambda v: bool(_EMPLOYER_WORDS.search(cell_text(v))), (EMPLOYER,)),
)


def _by_content(values: list[Any], taken: set[str]) -> str | None:
    """The field a column's values show it to be (not one taken already), or None."""
    for test, fields in _CONTENT_RULES:
        if _matches(values, test):
            for candidate in fields:
                if candidate == NOT_IMPORTED or candidate not in taken:
                    return candidate
            return None
    return None


def map_columns(
    header: list[Any],
    samples: list[list[Any]],
    header_row: int,
    chosen: dict[str, str],
    remembered: dict[str, str] | None,
) -> SheetMapping:
    """The mapping of a header, its data rows `samples` telling nameless columns apart."""
    columns: list[MappedColumn] = []
    for index, raw in enumerate(header):
        name = cell_text(unescape_cell(raw))
        if not name:
            continue
        values = [row[index] for row in samples if index < len(row) and not is_empty(row[index])]
        shown = [_shown(v) for v in values[:SHOWN_SAMPLES]]
        field_, how = NAMES_BY_KEY.get(header_key(name), (NOT_IMPORTED, ""))
        if remembered is not None and name in remembered:
            field_, how = remembered[name], HOW_REMEMBERED
        if name in chosen:
            field_, how = chosen[name], HOW_CHOSEN
        columns.append(MappedColumn(index, name, field_, how, shown, header_unit(name)))
    taken = {c.field for c in columns if c.how}
    for column in columns:
        if column.how:
            continue
        values = [row[column.index] for row in samples if column.index < len(row)]
        found = _by_content([v for v in values if not is_empty(v)], taken)
        if found is not None:
            column.field, column.how = found, HOW_CONTENT
            taken.add(found)
    return SheetMapping(header_row, columns)


def _check_mapping(
    mapping: SheetMapping, choice: MappingChoice, report: LedgerReport
) -> dict[str, Any]:
    """Problems of the mapping at the header row (a ledger column taken twice, a required one
    missing); returns the cells to give every row for the columns the file lacks."""
    row = mapping.header_row
    by_field: dict[str, list[str]] = {}
    for column in mapping.mapped():
        by_field.setdefault(column.field, []).append(column.header)
    for name, headers in by_field.items():
        if len(headers) > 1:
            listed = "」和「".join(headers)
            report.add(row, None, f"「{listed}」都对应「{name}」，请只保留一列")
    defaults: dict[str, Any] = {}
    for name in COLUMNS:
        if name not in REQUIRED_COLUMNS or name in by_field:
            continue
        if name == NUMBER:
            report.numbers_from_counter = True
            report.notes.append(
                "台账没有「案件编号」列：按受理日期的年度，依文件顺序从本中心编号续编"
            )
        elif name == CLAIMED:
            defaults[CLAIMED] = 0
            report.notes.append("台账没有「请求金额」列：请求金额按 0 元计")
        elif name == CENTRE and choice.centre_code:
            defaults[CENTRE] = choice.centre_code
        elif name == CENTRE:
            report.add(row, None, "缺少必填列「调解组织」：请选择本台账案件所属的调解组织")
        elif name == CHANNEL and choice.channel:
            defaults[CHANNEL] = choice.channel
            report.notes.append(f"台账没有「案件来源」列：全部案件的来源记为「{choice.channel}」")
        elif name == CHANNEL:
            report.add(row, None, "缺少必填列「案件来源」：请为本台账选择案件来源")
        else:
            report.add(row, None, f"缺少必填列「{name}」")
    return defaults


def mapped_rows(
    sheet: RawSheet,
    report: LedgerReport,
    choice: MappingChoice,
    remembered: Callable[[str], dict[str, str] | None] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The data rows of a sheet as (row number, {ledger column: unescaped cell}), each counted
    in report.rows; totals and blank rows are skipped and noted. The mapping goes to
    report.mapping, its problems (and cells with content under no header) to the report."""
    rows = chain([(1, list(sheet.header))], sheet.rows)
    head = list(islice(rows, HEADER_SCAN_ROWS))
    position = _find_header(head)
    if position is None:
        if any(not is_empty(v) for _, cells in head for v in cells):
            report.add(None, None, "找不到表头：前30行中没有可识别的列名")
        return
    header_row, header = head[position]
    rest = chain(head[position + 1 :], rows)
    sample = list(islice(rest, CONTENT_SAMPLE_ROWS))
    sample_cells = [c for _, c in sample if not _is_total(c)]
    first = map_columns(header, sample_cells, header_row, choice.columns, None)
    stored = remembered(first.signature) if remembered else None
    mapping = (
        first
        if not stored
        else map_columns(header, sample_cells, header_row, choice.columns, stored)
    )
    report.mapping = mapping
    report.headers = {c.field: c.header for c in mapping.mapped() if c.header != c.field}
    report.amount_units = mapping.amount_units()
    defaults = _check_mapping(mapping, choice, report)
    yield from _cells(chain(sample, rest), mapping, defaults, len(header), report)


def _cells(
    rows: Iterator[tuple[int, list[Any]]],
    mapping: SheetMapping,
    defaults: dict[str, Any],
    width: int,
    report: LedgerReport,
) -> Iterator[tuple[int, dict[str, Any]]]:
    columns = [(c.field, c.index) for c in mapping.mapped()]
    named = {c.index for c in mapping.columns}
    nameless_reported: set[int] = set()
    blank_pending = blank = 0
    totals: list[int] = []
    previous = mapping.header_row
    for row, raw in rows:
        # Blank rows are passed over when read (guard.bounded_rows): they are the gaps between
        # the numbers of the rows with content; those after the last row are not counted.
        blank_pending += max(row - previous - 1, 0)
        previous = row
        if all(is_empty(value) for value in raw):
            blank_pending += 1
            continue
        if _is_total(raw):
            totals.append(row)
            continue
        blank += blank_pending
        blank_pending = 0
        report.rows += 1
        size = len(raw)
        cells = dict(defaults)
        for name, index in columns:
            if index < size:
                cells[name] = unescape_cell(raw[index])
        if size > width:
            for index in range(width, size):
                if (
                    index not in named
                    and index not in nameless_reported
                    and not is_empty(raw[index])
                ):
                    nameless_reported.add(index)
                    report.add(row, None, f"第{index + 1}列有内容但没有列名")
        yield row, cells
    if totals:
        listed = "、".join(f"第{r}行" for r in totals[:10]) + ("等" if len(totals) > 10 else "")
        report.notes.append(f"合计行 {len(totals)} 行未导入（{listed}）")
    if blank:
        report.notes.append(f"空行 {blank} 行已跳过")


# The centre's remembered mapping.


def remembered_columns(session: Session, centre_id: int, signature: str) -> dict[str, str] | None:
    """The mapping the centre last confirmed for a file with this header, if any."""
    stored = session.exec(
        select(LedgerMapping).where(
            LedgerMapping.centre_id == centre_id, LedgerMapping.signature == signature
        )
    ).first()
    return dict(stored.columns) if stored else None


def remember(session: Session, centre_id: int, mapping: SheetMapping, user: User | None) -> None:
    """Keep the mapping of an imported file for the centre's next file with the same header.
    A file in the ledger's own format, mapped column for column, needs no memory."""
    if all(c.how == HOW_NAME for c in mapping.columns):
        return
    signature = mapping.signature
    stored = session.exec(
        select(LedgerMapping).where(
            LedgerMapping.centre_id == centre_id, LedgerMapping.signature == signature
        )
    ).first()
    if stored is None:
        stored = LedgerMapping(centre_id=centre_id, signature=signature)
        session.add(stored)
    stored.columns = mapping.chosen()
    stored.updated_by_id = user.id if user else None
    stored.updated_at = utcnow()
    session.flush()


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """--map "受理时间=受理日期" options as {header: field}; "序号=" or "序号=不导入" leaves the
    column out. Raises ValueError with a Chinese message for a pair that is not one."""
    result: dict[str, str] = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        header, target = header.strip(), target.strip()
        if not sep or not header:
            raise ValueError(f"「{pair}」应写作「表头=台账列」，如「受理时间=受理日期」")
        if target in ("", "不导入"):
            target = NOT_IMPORTED
        elif target not in COLUMNS:
            raise ValueError(f"「{target}」不是台账的列（台账的列为：{'、'.join(COLUMNS)}）")
        result[header] = target
    return result


def describe(mapping: SheetMapping) -> list[str]:
    """The mapping as lines of text, for the command line."""
    lines = [f"表头在第{mapping.header_row}行："]
    for column in mapping.columns:
        target = column.field or "不导入"
        how = f"（{column.how}）" if column.how else "（无法识别）"
        unit = f"，单位：{column.shown_unit}" if column.shown_unit else ""
        lines.append(f"  {column.header} → {target}{how}{unit}")
    return lines
