"""The ledger (台账): reading, checking and importing a centre's spreadsheet of cases, and
streaming cases out in the same format, so that export → import round-trips.

The format is a contract shared with the centres:

- A file is .xlsx (sheets 调解案件 and/or 法律服务案件) or .csv (one kind per file, told apart by
  its header). Row 1 is the header; column order is free; unknown columns are an error.
- 法律服务案件 (arbitration and litigation representation): its own columns (LEGAL_COLUMNS).
  An .xlsx with both sheets is checked as a whole: nothing is written if either has a problem.
  A row becomes a LegalCase with one LegalWorker per worker (placeholder names 职工1…N, the
  amount recovered on the first), so that legal_statistics reproduces the ledger's figures.
- Dates: Excel date cells, 2021-03-09, 2021/3/9 or 2021年3月9日. Amounts: yuan with at most two
  decimals, with or without thousands separators. CSV: UTF-8 (BOM or not) or GB18030/GBK.
- Cells beginning with = + - @ are written with a leading ' (formula injection); the importer
  strips it again.

Import checks every row in memory first (reference data preloaded, existing cases looked up in
chunks) and reports every problem at once, by row and column, in Chinese. Only a file without a
single problem is written, with the ORM in batches, so the statistics rollup follows on flush.
The same centre and case number is the same case: an identical row is skipped, a different one
is a problem naming the fields that differ.

Export streams the cases of a case-list filter in the same columns. The ledger carries no ID
numbers or phones; worker names are personal data, masked as 张* (first character and one *,
whatever the length) for roles without Permission.PERSONAL_DATA, and for a lawyer on the cases
not assigned to them. Cases not yet accepted (待受理) and voided ones (已作废) are not ledger
entries and are left out; a case withdrawn before acceptance is written with its date of receipt
as 受理日期.
"""

import codecs
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, insert, text, tuple_
from sqlmodel import Session, select

from mediation import audit
from mediation.cases.deadlines import MEDIATION_DAYS
from mediation.cases.intake import COLLECTIVE_THRESHOLD
from mediation.cases.lifecycle import MAX_REASON_LENGTH, lawyer_of
from mediation.dates import InvalidDate, add_days, parse_date_text
from mediation.dates import today as local_today
from mediation.identifiers import InvalidIdentifier, normalize_credit_code
from mediation.money import InvalidAmount, fen_to_decimal, parse_yuan
from mediation.numbering import number_key, parse_number, raise_counter
from mediation.permissions import Permission, can
from mediation.scope import Scope
from mediation.statistics.rollup import add_contributions
from models import (
    Agreement,
    AgreementLine,
    ApplicationForm,
    AuditEvent,
    Case,
    CaseCounter,
    CaseStatus,
    Category,
    Centre,
    Channel,
    ClaimKind,
    ClaimLine,
    Employer,
    FailureReason,
    Lawyer,
    LegalCase,
    LegalOutcome,
    LegalWorker,
    Payment,
    Role,
    ServiceType,
    User,
    Worker,
    utcnow,
)

SHEET_MEDIATION = "调解案件"
SHEET_LEGAL_SERVICE = "法律服务案件"
# A CSV is a legal-service ledger when its header names one of these columns and not 调解结果.
LEGAL_SERVICE_MARKERS = frozenset({"服务类型", "承办单位", "受援职工人数", "结果"})

NUMBER = "案件编号"
CENTRE = "调解组织"
RECEIVED = "收到申请日期"
ACCEPTED = "受理日期"
CHANNEL = "案件来源"
CATEGORY = "争议类别"
WORKER_COUNT = "申请人数"
NAMES = "申请人"
EMPLOYER = "被申请单位"
CREDIT_CODE = "统一社会信用代码"
CLAIMED = "请求金额"
LAWYER = "特约律师"
OUTCOME = "调解结果"
CLOSED = "结案日期"
AGREED = "协议金额"
PAID = "实际到位金额"
NEW_EMPLOYMENT = "新就业形态"
REASON = "原因"
NOTE = "备注"

# 法律服务案件 (NUMBER, LAWYER, ACCEPTED, CLOSED and NOTE are shared with 调解案件).
HANDLING_CENTRE = "承办单位"
SERVICE_TYPE = "服务类型"
LEGAL_WORKERS = "受援职工人数"
RESULT = "结果"
RECOVERED = "挽回金额"
LEGAL_COLUMNS = (
    NUMBER,
    HANDLING_CENTRE,
    SERVICE_TYPE,
    ACCEPTED,
    LEGAL_WORKERS,
    LAWYER,
    RESULT,
    CLOSED,
    RECOVERED,
    NOTE,
)
LEGAL_REQUIRED_COLUMNS = frozenset(
    {NUMBER, HANDLING_CENTRE, SERVICE_TYPE, ACCEPTED, LEGAL_WORKERS, RESULT}
)
LEGAL_SERVICE_TYPES = (ServiceType.ARBITRATION.value, ServiceType.LITIGATION.value)
LEGAL_RESULTS = tuple(o.value for o in LegalOutcome)
LEGAL_PENDING = LegalOutcome.PENDING.value
LEGAL_IMPORT_NOTE = "台账导入"

COLUMNS = (
    NUMBER,
    CENTRE,
    RECEIVED,
    ACCEPTED,
    CHANNEL,
    CATEGORY,
    WORKER_COUNT,
    NAMES,
    EMPLOYER,
    CREDIT_CODE,
    CLAIMED,
    LAWYER,
    OUTCOME,
    CLOSED,
    AGREED,
    PAID,
    NEW_EMPLOYMENT,
    REASON,
    NOTE,
)
REQUIRED_COLUMNS = frozenset(
    {NUMBER, CENTRE, ACCEPTED, CHANNEL, CATEGORY, WORKER_COUNT, EMPLOYER, CLAIMED, OUTCOME}
)

SUCCEEDED = "调解成功"
FAILED = "调解不成"
WITHDRAWN = "撤回"
REFUSED = "不予受理"
OPEN = "调解中"
OUTCOMES = (SUCCEEDED, FAILED, WITHDRAWN, REFUSED, OPEN)
# How a stored status reads in the ledger. 待受理 and 已作废 are never exported; they only name a
# stored case that a ledger row cannot match.
STATUS_OUTCOME = {
    CaseStatus.ACCEPTED: OPEN,
    CaseStatus.IN_MEDIATION: OPEN,
    CaseStatus.SUCCEEDED: SUCCEEDED,
    CaseStatus.FAILED: FAILED,
    CaseStatus.WITHDRAWN: WITHDRAWN,
    CaseStatus.REFUSED: REFUSED,
    CaseStatus.RECEIVED: CaseStatus.RECEIVED.label,
    CaseStatus.VOIDED: CaseStatus.VOIDED.label,
}
NOT_LEDGER_STATUSES = (CaseStatus.RECEIVED.value, CaseStatus.VOIDED.value)
REASON_OUTCOMES = (FAILED, WITHDRAWN, REFUSED)
DEFAULT_REFUSAL_REASON = "台账未注明原因"
YES, NO = "是", "否"

# The claim line of an imported case: 其他 unless the category says plainly what was claimed.
CATEGORY_CLAIM_KIND = {
    Category.WAGES.value: ClaimKind.WAGES.value,
    Category.SOCIAL_INSURANCE.value: ClaimKind.SOCIAL_INSURANCE.value,
    Category.WORK_INJURY.value: ClaimKind.INJURY.value,
    Category.TERMINATION.value: ClaimKind.COMPENSATION.value,
}

# Text beginning with = + - @ (formula injection): escape_cell prefixes ' to what matches
# _FORMULA_LIKE, unescape_cell takes one ' from what matches _ESCAPED.
_FORMULA_LIKE = re.compile(r"'*[=+\-@]")
_ESCAPED = re.compile(r"'+[=+\-@]")
NAME_SEPARATORS = ("、", ",")  # NFKC turns the full-width ， into ,
MAX_NUMBER_LENGTH = 40
MAX_EMPLOYER_LENGTH = 200
MAX_WORKER_NAME_LENGTH = 64
MAX_WORKERS = 1000
MAX_FILENAME_LENGTH = 200
BATCH_SIZE = 1000
LOOKUP_CHUNK = 500
CLI_ACTOR = "命令行 import-ledger"


# -- problems and the report ------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerProblem:
    row: int | None  # the spreadsheet row (1 is the header); None for the file as a whole
    column: str | None
    message: str
    legal: bool = False  # a row of 法律服务案件
    sheet: str = ""  # named before the row when a workbook holds both sheets

    def __str__(self) -> str:
        where = f"「{self.sheet}」工作表" if self.sheet else ""
        if self.row is None:
            return self.message
        if self.column is None:
            return f"{where}第{self.row}行：{self.message}"
        return f"{where}第{self.row}行「{self.column}」{self.message}"

    @property
    def sort_key(self) -> tuple:
        columns = LEGAL_COLUMNS if self.legal else COLUMNS
        column = columns.index(self.column) if self.column in columns else -1
        return (self.legal, self.row or 0, column)


@dataclass(slots=True)
class LedgerRecord:
    """One mediation case as the ledger states it, normalised: the unit of comparison."""

    row: int
    number: str
    centre_id: int
    received_on: date
    accepted_on: date  # 受理日期; for a refusal the date of the decision
    channel: str
    category: str
    worker_count: int
    names: tuple[str, ...]
    employer_name: str
    credit_code: str  # "" when not stated
    claimed_fen: int
    lawyer_id: int | None
    outcome: str
    closed_on: date | None
    agreed_fen: int | None  # only for 调解成功
    paid_fen: int
    new_employment: bool
    reason: str
    note: str
    # Filled in while planning the import:
    year: int = 0
    seq: int = 0
    parsed_number: bool = False
    employer_key: tuple[str, str] = ("", "")


@dataclass(slots=True)
class LegalRecord:
    """One legal-service case as the ledger states it, normalised: the unit of comparison."""

    row: int
    number: str
    centre_id: int
    service_type: str
    accepted_on: date
    worker_count: int
    lawyer_id: int | None
    outcome: str
    closed_on: date | None
    recovered_fen: int
    note: str


LEGAL_COMPARED = (
    ("service_type", SERVICE_TYPE),
    ("accepted_on", ACCEPTED),
    ("worker_count", LEGAL_WORKERS),
    ("lawyer_id", LAWYER),
    ("outcome", RESULT),
    ("closed_on", CLOSED),
    ("recovered_fen", RECOVERED),
    ("note", NOTE),
)


# Fields compared between a row and the stored case, with the column that states them.
COMPARED = (
    ("received_on", RECEIVED),
    ("accepted_on", ACCEPTED),
    ("channel", CHANNEL),
    ("category", CATEGORY),
    ("worker_count", WORKER_COUNT),
    ("names", NAMES),
    ("employer_name", EMPLOYER),
    ("credit_code", CREDIT_CODE),
    ("claimed_fen", CLAIMED),
    ("lawyer_id", LAWYER),
    ("outcome", OUTCOME),
    ("closed_on", CLOSED),
    ("agreed_fen", AGREED),
    ("paid_fen", PAID),
    ("new_employment", NEW_EMPLOYMENT),
    ("reason", REASON),
    ("note", NOTE),
)


@dataclass
class LedgerReport:
    filename: str
    kind: str = SHEET_MEDIATION
    rows: int = 0  # data rows read (empty rows not counted)
    new: list[LedgerRecord] = field(default_factory=list)
    skipped: int = 0  # identical to a case already stored
    problems: list[LedgerProblem] = field(default_factory=list)
    imported: int = 0  # cases written (0 on a dry run or when there are problems)
    # 法律服务案件: the same for legal-service cases.
    legal_new: list[LegalRecord] = field(default_factory=list)
    legal_skipped: int = 0
    legal_imported: int = 0
    # While a legal-service sheet is read: its problems are marked (and, in a workbook, named).
    reading_legal: bool = False
    reading_sheet: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_legal(self) -> bool:
        return bool(self.legal_new or self.legal_skipped)

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(
            LedgerProblem(row, column, message, self.reading_legal, self.reading_sheet)
        )


# -- reading files ----------------------------------------------------------------------------


@dataclass
class RawSheet:
    header: list[str | None]
    rows: Iterable[tuple[int, list[Any]]]  # (row number, cells)


def unescape_cell(value: Any) -> Any:
    """Strings stripped of surrounding blanks and of the ' that neutralised a formula."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    return text[1:] if _ESCAPED.match(text) else text


def escape_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would take for a formula gets a leading '. So does one
    that already begins with quotes and a formula character, so that unescaping gives it back
    exactly."""
    if isinstance(value, str) and _FORMULA_LIKE.match(value):
        return "'" + value
    return value


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (a superset
    of GBK). Checked in chunks, so a large file is never held in memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _csv_sheet(path: Path) -> tuple[RawSheet, IO[str]]:
    handle = open(path, encoding=csv_encoding(path), errors="replace", newline="")  # noqa: SIM115
    reader = csv.reader(handle)
    header = next(reader, [])
    rows = ((n, row) for n, row in enumerate(reader, start=2))
    return RawSheet(header=list(header), rows=rows), handle


def _read(path: Path, filename: str, report: LedgerReport) -> tuple[dict[str, RawSheet], Any]:
    """The sheets of the file by kind (SHEET_MEDIATION, SHEET_LEGAL_SERVICE), empty with the
    problems recorded. The second value is the open workbook or file to close once the rows
    have been read."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        sheet, handle = _csv_sheet(path)
        header = {_text(unescape_cell(name)) for name in sheet.header}
        if OUTCOME not in header and header & LEGAL_SERVICE_MARKERS:
            report.kind = SHEET_LEGAL_SERVICE
            return {SHEET_LEGAL_SERVICE: sheet}, handle
        return {SHEET_MEDIATION: sheet}, handle
    if suffix == ".xls":
        report.add(None, None, "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后重试")
        return {}, None
    if suffix != ".xlsx":
        report.add(None, None, "只支持 .xlsx 或 .csv 格式的台账文件")
        return {}, None
    import openpyxl

    try:
        with warnings.catch_warnings():  # openpyxl warns about styles other tools write
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        report.add(None, None, "无法读取文件：不是有效的 .xlsx 文件")
        return {}, None
    names = workbook.sheetnames
    for name in names:
        if name not in (SHEET_MEDIATION, SHEET_LEGAL_SERVICE) and _has_content(workbook[name]):
            report.add(
                None,
                None,
                f"未知工作表「{name}」：台账只能包含「{SHEET_MEDIATION}」"
                f"和「{SHEET_LEGAL_SERVICE}」工作表",
            )
    if SHEET_MEDIATION not in names and SHEET_LEGAL_SERVICE not in names:
        report.add(
            None,
            None,
            f"工作簿中没有名为「{SHEET_MEDIATION}」或「{SHEET_LEGAL_SERVICE}」的工作表",
        )
    if report.problems:  # the whole file is refused: its rows are not read
        workbook.close()
        return {}, None
    sheets: dict[str, RawSheet] = {}
    for kind in (SHEET_MEDIATION, SHEET_LEGAL_SERVICE):
        if kind in names:
            rows = workbook[kind].iter_rows(values_only=True)
            header = list(next(rows, ()))
            sheets[kind] = RawSheet(header=header, rows=enumerate((list(r) for r in rows), start=2))
    report.kind = "、".join(sheets)
    return sheets, workbook


def _has_content(sheet, rows: int = 100) -> bool:
    """Whether a sheet has anything in its first rows: an empty Sheet1 left by Excel is
    ignored, another table is refused."""
    scanned = sheet.iter_rows(max_row=rows, values_only=True)
    return any(not _is_empty(value) for row in scanned for value in row)


# -- cell parsers: each returns a value or raises _Bad with the message -----------------------


class _Bad(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _date(value: Any) -> date:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _Bad("日期格式不正确（例：2021-03-09）")
    try:
        return parse_date_text(value)
    except InvalidDate as error:
        raise _Bad(str(error)) from None


def _amount(value: Any) -> int:
    try:
        return parse_yuan(value)
    except InvalidAmount as error:
        raise _Bad(str(error)) from None


def _whole_number(value: Any) -> int:
    message = "应为不小于1的整数"
    if isinstance(value, bool):
        raise _Bad(message)
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad(message)
        value = int(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not text.isascii() or not text.isdigit():
            raise _Bad(message)
        value = int(text)
    if not isinstance(value, int) or value < 1:
        raise _Bad(message)
    if value > MAX_WORKERS:
        raise _Bad(f"不能超过{MAX_WORKERS}")
    return value


def _names(value: Any) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", _text(value))
    for separator in NAME_SEPARATORS[1:]:
        text = text.replace(separator, NAME_SEPARATORS[0])
    names = tuple(name.strip() for name in text.split(NAME_SEPARATORS[0]) if name.strip())
    for name in names:
        if len(name) > MAX_WORKER_NAME_LENGTH:
            raise _Bad(f"姓名「{name[:10]}…」超过{MAX_WORKER_NAME_LENGTH}个字符")
    return names


def _yes_no(value: Any) -> bool:
    text = _text(value)
    if text in ("", NO):
        return False
    if text == YES:
        return True
    raise _Bad(f"应为「{YES}」或「{NO}」")


def _one_of(value: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    if value not in allowed:
        raise _Bad(f"无效「{value}」，应为：{'、'.join(allowed)}")
    return value


# -- reference data ---------------------------------------------------------------------------


@dataclass
class _Reference:
    scope: Scope
    today: date
    centres: dict[str, Centre]  # by code and by full name
    lawyers_by_certificate: dict[str, Lawyer]
    lawyers_by_name: dict[str, list[Lawyer]]

    @classmethod
    def load(cls, session: Session, scope: Scope, today: date) -> "_Reference":
        centres: dict[str, Centre] = {}
        for centre in session.exec(select(Centre)):
            centres[centre.code.upper()] = centre
            centres[centre.name] = centre
        by_certificate: dict[str, Lawyer] = {}
        by_name: dict[str, list[Lawyer]] = defaultdict(list)
        for lawyer in session.exec(select(Lawyer).order_by(Lawyer.id)):
            by_certificate[lawyer.certificate_no] = lawyer
            by_name[lawyer.name].append(lawyer)
        return cls(scope, today, centres, by_certificate, dict(by_name))

    def centre(self, text: str) -> Centre:
        centre = self.centres.get(text) or self.centres.get(text.upper())
        if centre is None:
            raise _Bad(f"未知调解组织「{text}」（请填写中心代码如 NH-LS 或中心全称）")
        if not self.scope.includes(centre.id):
            raise _Bad(f"无权导入到「{centre.name}」：不在您的管理范围内")
        return centre

    def lawyer(self, text: str) -> Lawyer:
        number = "".join(unicodedata.normalize("NFKC", text).split())
        if number.isdigit():
            lawyer = self.lawyers_by_certificate.get(number)
            if lawyer is None:
                raise _Bad(f"律师名册中没有执业证号为「{number}」的律师")
            return lawyer
        found = self.lawyers_by_name.get(text, [])
        if not found:
            raise _Bad(f"律师名册中没有「{text}」")
        if len(found) > 1:
            raise _Bad(f"律师名册中有{len(found)}名律师名为「{text}」，请填写执业证号")
        return found[0]


# -- one row ----------------------------------------------------------------------------------


class _RowReader:
    """Reads the cells of one row into `values`, recording one problem per bad or missing cell."""

    def __init__(self, row: int, cells: dict[str, Any], report: LedgerReport):
        self.row, self.cells, self.report = row, cells, report
        self.values: dict[str, Any] = {}
        self._problems_before = len(report.problems)

    def take(self, column: str, parse, required: bool = False, requirement: str = "") -> None:
        raw = self.cells.get(column)
        self.values[column] = None
        if _is_empty(raw):
            if required:
                self.report.add(self.row, column, "未填写" + requirement)
            return
        try:
            self.values[column] = parse(raw)
        except _Bad as error:
            self.report.add(self.row, column, str(error))

    @property
    def failed(self) -> bool:
        return len(self.report.problems) > self._problems_before


def _parse_row(
    row: int, cells: dict[str, Any], ref: _Reference, report: LedgerReport
) -> LedgerRecord | None:
    """The normalised record of a row, or None with every problem of the row recorded."""
    reader = _RowReader(row, cells, report)
    values, take = reader.values, reader.take

    def text(limit: int | None = None, label: str = ""):
        def parse(raw):
            value = _text(raw)
            if limit and len(value) > limit:
                raise _Bad(f"{label}不超过{limit}个字符")
            return value

        return parse

    take(NUMBER, text(MAX_NUMBER_LENGTH), required=True)
    take(CENTRE, lambda raw: ref.centre(_text(raw)), required=True)
    take(RECEIVED, _date)
    take(ACCEPTED, _date, required=True)
    take(CHANNEL, lambda raw: _one_of(_text(raw), (c.value for c in Channel)), required=True)
    take(CATEGORY, lambda raw: _one_of(_text(raw), (c.value for c in Category)), required=True)
    take(WORKER_COUNT, _whole_number, required=True)
    take(NAMES, _names)
    take(EMPLOYER, text(MAX_EMPLOYER_LENGTH), required=True)
    take(CREDIT_CODE, _credit_code)
    take(CLAIMED, _amount, required=True)
    take(LAWYER, lambda raw: ref.lawyer(_text(raw)))
    take(OUTCOME, lambda raw: _one_of(_text(raw), OUTCOMES), required=True)
    outcome = values[OUTCOME]
    take(CLOSED, _date, required=outcome not in (None, OPEN, REFUSED), requirement=_when(outcome))
    take(AGREED, _amount, required=outcome == SUCCEEDED, requirement=_when(outcome))
    take(PAID, _amount)
    take(NEW_EMPLOYMENT, _yes_no)
    take(REASON, _text)
    take(NOTE, _text)

    _check_relations(row, values, ref.today, report)
    if reader.failed:
        return None
    accepted = values[ACCEPTED]
    reason = values[REASON] or ""
    if outcome == REFUSED and not reason:
        reason = DEFAULT_REFUSAL_REASON
    lawyer = values[LAWYER]
    return LedgerRecord(
        row=row,
        number=values[NUMBER],
        centre_id=values[CENTRE].id,
        received_on=values[RECEIVED] or accepted,
        accepted_on=accepted,
        channel=values[CHANNEL],
        category=values[CATEGORY],
        worker_count=values[WORKER_COUNT],
        names=values[NAMES] or (),
        employer_name=values[EMPLOYER],
        credit_code=values[CREDIT_CODE] or "",
        claimed_fen=values[CLAIMED],
        lawyer_id=lawyer.id if lawyer else None,
        outcome=outcome,
        closed_on=accepted if outcome == REFUSED else values[CLOSED],
        agreed_fen=values[AGREED] if outcome == SUCCEEDED else None,
        paid_fen=values[PAID] or 0,
        new_employment=bool(values[NEW_EMPLOYMENT]),
        reason=reason,
        note=values[NOTE] or "",
    )


def _when(outcome: str | None) -> str:
    return f"（调解结果为「{outcome}」时必填）" if outcome else ""


def _credit_code(raw: Any) -> str:
    try:
        return normalize_credit_code(_text(raw))
    except InvalidIdentifier as error:
        raise _Bad(str(error)) from None


def _check_relations(row: int, values: dict[str, Any], today: date, report: LedgerReport) -> None:
    """Rules between cells of one row (only between cells that were read without problems)."""
    received, accepted, closed = values[RECEIVED], values[ACCEPTED], values[CLOSED]
    outcome = values[OUTCOME]
    for column, day in ((RECEIVED, received), (ACCEPTED, accepted), (CLOSED, closed)):
        if day is not None and day > today:
            report.add(row, column, f"不能晚于今天（{today.isoformat()}）")
    if received and accepted and received > accepted:
        label = "不予受理决定日期" if outcome == REFUSED else "受理日期"
        report.add(row, RECEIVED, f"不能晚于{label}")
    if outcome == OPEN and closed is not None:
        report.add(row, CLOSED, "调解中的案件不填写结案日期")
    elif outcome == REFUSED and closed is not None and accepted and closed != accepted:
        report.add(row, CLOSED, "不予受理的案件应不填或填写与受理日期（决定日期）相同的日期")
    elif closed and accepted and closed < accepted:
        report.add(row, CLOSED, "不能早于受理日期")
    count, names = values[WORKER_COUNT], values[NAMES]
    if count and names and len(names) > count:
        report.add(row, NAMES, f"列出{len(names)}人，多于申请人数{count}")
    agreed, paid = values[AGREED], values[PAID]
    if outcome and outcome != SUCCEEDED:
        if agreed is not None:
            report.add(row, AGREED, f"仅调解成功的案件填写（本行为「{outcome}」）")
        if paid:
            report.add(row, PAID, f"仅调解成功的案件填写（本行为「{outcome}」）")
    elif agreed is not None and paid and paid > agreed:
        report.add(row, PAID, "超过协议金额")
    reason = values[REASON]
    if reason and outcome and outcome not in REASON_OUTCOMES:
        report.add(row, REASON, f"仅{'、'.join(REASON_OUTCOMES)}的案件填写")
    elif reason and outcome == REFUSED and len(reason) > MAX_REASON_LENGTH:
        report.add(row, REASON, f"不予受理理由不超过{MAX_REASON_LENGTH}字")


# -- one row of 法律服务案件 ------------------------------------------------------------------


def _parse_legal_row(
    row: int, cells: dict[str, Any], ref: _Reference, report: LedgerReport
) -> LegalRecord | None:
    """The normalised legal-service record of a row, or None with its problems recorded."""
    reader = _RowReader(row, cells, report)
    values, take = reader.values, reader.take

    def number(raw: Any) -> str:
        value = _text(raw)
        if len(value) > MAX_NUMBER_LENGTH:
            raise _Bad(f"不超过{MAX_NUMBER_LENGTH}个字符")
        return value

    def centre(raw: Any) -> Centre:
        try:
            return ref.centre(_text(raw))
        except _Bad as error:
            raise _Bad(str(error).replace("未知调解组织", "未知承办单位")) from None

    take(NUMBER, number, required=True)
    take(HANDLING_CENTRE, centre, required=True)
    take(SERVICE_TYPE, lambda raw: _one_of(_text(raw), LEGAL_SERVICE_TYPES), required=True)
    take(ACCEPTED, _date, required=True)
    take(LEGAL_WORKERS, _whole_number, required=True)
    take(LAWYER, lambda raw: ref.lawyer(_text(raw)))
    take(RESULT, lambda raw: _one_of(_text(raw), LEGAL_RESULTS), required=True)
    outcome = values[RESULT]
    closing_required = outcome not in (None, LEGAL_PENDING)
    requirement = f"（结果为「{outcome}」时必填）" if outcome else ""
    take(CLOSED, _date, required=closing_required, requirement=requirement)
    take(RECOVERED, _amount)
    take(NOTE, _text)

    accepted, closed = values[ACCEPTED], values[CLOSED]
    for column, day in ((ACCEPTED, accepted), (CLOSED, closed)):
        if day is not None and day > ref.today:
            report.add(row, column, f"不能晚于今天（{ref.today.isoformat()}）")
    if outcome == LEGAL_PENDING and closed is not None:
        report.add(row, CLOSED, f"{LEGAL_PENDING}的案件不填写结案日期")
    elif closed and accepted and closed < accepted:
        report.add(row, CLOSED, "不能早于受理日期")
    if reader.failed:
        return None
    lawyer = values[LAWYER]
    return LegalRecord(
        row=row,
        number=values[NUMBER],
        centre_id=values[HANDLING_CENTRE].id,
        service_type=values[SERVICE_TYPE],
        accepted_on=accepted,
        worker_count=values[LEGAL_WORKERS],
        lawyer_id=lawyer.id if lawyer else None,
        outcome=outcome,
        closed_on=closed,
        recovered_fen=values[RECOVERED] or 0,
        note=values[NOTE] or "",
    )


# -- the whole file ---------------------------------------------------------------------------


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
        name = _text(unescape_cell(raw))
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


def _records(
    sheet: RawSheet, ref: _Reference, report: LedgerReport, parse_row=None, legal: bool = False
) -> Iterator[Any]:
    if legal:
        columns = _header_columns(sheet.header, report, LEGAL_COLUMNS, LEGAL_REQUIRED_COLUMNS)
    else:
        columns = _header_columns(sheet.header, report)
    parse_row = parse_row or _parse_row
    nameless_reported: set[int] = set()
    width = len(sheet.header)
    for row, raw_cells in sheet.rows:
        if all(_is_empty(value) for value in raw_cells):
            continue
        report.rows += 1
        cells: dict[str, Any] = {}
        for index, value in enumerate(raw_cells):
            if index in columns:
                cells[columns[index]] = unescape_cell(value)
            elif _is_empty(value) or (index < width and not _is_empty(sheet.header[index])):
                continue  # an empty cell, or one under an unknown column (reported once)
            elif index not in nameless_reported:
                nameless_reported.add(index)
                report.add(row, None, f"第{index + 1}列有内容但没有列名")
        yield parse_row(row, cells, ref, report)


def check_ledger(
    session: Session,
    path: Path | str,
    filename: str,
    scope: Scope,
    today: date | None = None,
) -> LedgerReport:
    """Read and check a ledger file without writing anything: the report lists the new cases,
    the rows identical to stored cases (skipped) and every problem."""
    today = today or local_today()
    report = LedgerReport(filename=clean_filename(filename))
    ref = _Reference.load(session, scope, today)
    sheets, source = _read(Path(path), filename, report)
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
            records = [r for r in _records(sheets[SHEET_MEDIATION], ref, report) if r is not None]
        if SHEET_LEGAL_SERVICE in sheets:
            report.reading_legal = True
            report.reading_sheet = legal_label
            legal_records = [
                r
                for r in _records(sheets[SHEET_LEGAL_SERVICE], ref, report, _parse_legal_row, True)
                if r is not None
            ]
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


def _finish_report(report: LedgerReport) -> LedgerReport:
    report.problems.sort(key=lambda problem: problem.sort_key)
    if report.problems:
        report.new = []
        report.legal_new = []
    return report


def clean_filename(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:MAX_FILENAME_LENGTH]


def _chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
    """Cross-row and database checks; sets year/seq and the employer of each new record."""
    unique = _first_of_each_number(records, report)

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

    _plan_numbers(session, new, report)
    _plan_employers(session, new, report)
    report.new = new


def _stored_ids(session: Session, records: list[LedgerRecord]) -> dict[tuple[int, str], int]:
    """{(centre id, number): case id} of the stored cases the rows name."""
    wanted = {(r.centre_id, r.number) for r in records}
    found: dict[tuple[int, str], int] = {}
    numbers = sorted({r.number for r in records})
    for chunk in _chunks(numbers):
        for case_id, centre_id, number in session.exec(
            select(Case.id, Case.centre_id, Case.number).where(Case.number.in_(chunk))
        ):
            if (centre_id, number) in wanted:
                found[(centre_id, number)] = case_id
    return found


def _stored_records(session: Session, case_ids: list[int]) -> dict[int, LedgerRecord]:
    result: dict[int, LedgerRecord] = {}
    for chunk in _chunks(sorted(case_ids)):
        rows = session.exec(_export_statement([Case.id.in_(chunk)])).all()
        for row, names in _with_names(session, rows):
            result[row.id] = _record_of(row, names)
    return result


def _differences(record: LedgerRecord, stored: LedgerRecord) -> list[str]:
    differing = []
    for name, column in COMPARED:
        if name == "credit_code" and not record.credit_code:
            continue  # not stated in the row
        if getattr(record, name) != getattr(stored, name):
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
    keys = sorted(taken)
    for chunk in _chunks(keys):
        statement = select(Case.centre_id, Case.year, Case.seq, Case.number).where(
            tuple_(Case.centre_id, Case.year, Case.seq).in_(chunk)
        )
        for centre_id, year, seq, number in session.exec(statement):
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
    for record in unparsed:
        record.year = record.received_on.year
        key = (record.centre_id, record.year)
        highest[key] += 1
        record.seq = highest[key]


def _plan_employers(session: Session, records: list[LedgerRecord], report: LedgerReport) -> None:
    """A row with a credit code names the employer holding that code (whose name must agree),
    or a new one; a row without names the first employer of that name, or a new one."""
    codes = sorted({r.credit_code for r in records if r.credit_code})
    by_code: dict[str, str] = {}
    for chunk in _chunks(codes):
        for code, name in session.exec(
            select(Employer.credit_code, Employer.name).where(Employer.credit_code.in_(chunk))
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
    for chunk in _chunks(numbers):
        for record in _legal_records(session, [LegalCase.number.in_(chunk)]):
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


# -- writing ----------------------------------------------------------------------------------


def import_ledger(
    session: Session,
    path: Path | str,
    filename: str,
    *,
    actor: User | None,
    scope: Scope,
    actor_name: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> LedgerReport:
    """Check the file and, when it has no problem at all and this is not a dry run, create its
    new cases. Flushes; the caller commits. Nothing is written when the report has problems."""
    report = check_ledger(session, path, filename, scope, today)
    if report.ok and not dry_run and (report.new or report.legal_new):
        name = actor_name or audit.actor_label(actor, CLI_ACTOR)
        if report.new:
            _write(session, report, actor, name)
            report.imported = len(report.new)
        if report.legal_new:
            _write_legal(session, report, actor, name)
            report.legal_imported = len(report.legal_new)
    return report


def _write_legal(
    session: Session, report: LedgerReport, actor: User | None, actor_name: str
) -> None:
    """The legal-service cases with their workers (职工1…N, the amount recovered on the first)
    and one audit event each, a batch at a time."""
    actor_id = actor.id if actor else None
    now = utcnow()
    summary = f"{actor_name}从台账「{report.filename}」导入{SHEET_LEGAL_SERVICE} "
    for batch in _chunks(report.legal_new, BATCH_SIZE):
        cases = [
            LegalCase(
                centre_id=r.centre_id,
                number=r.number,
                service_type=r.service_type,
                lawyer_id=r.lawyer_id,
                accepted_on=r.accepted_on,
                outcome=r.outcome,
                closed_on=r.closed_on,
                note=r.note,
                created_by_id=actor_id,
                created_at=now,
            )
            for r in batch
        ]
        session.add_all(cases)
        session.flush()
        workers = [
            {
                "legal_case_id": case.id,
                "position": position,
                "name": f"职工{position + 1}",
                "id_type": "resident",
                "id_number": "",
                "phone": "",
                "claimed_fen": 0,
                "awarded_fen": 0,
                "recovered_fen": record.recovered_fen if position == 0 else 0,
            }
            for record, case in zip(batch, cases, strict=True)
            for position in range(record.worker_count)
        ]
        _insert_all(session, LegalWorker, workers)
        events = [
            {
                "case_id": None,
                "user_id": actor_id,
                "actor": actor_name[:100],
                "at": now,
                "action": "legal_import",
                "summary": summary + record.number,
                "changes": {},
            }
            for record in batch
        ]
        _insert_all(session, AuditEvent, events)


def _reserve_ids(session: Session, model, count: int) -> list[int]:
    """`count` fresh primary keys for the table, so that rows and the rows that refer to them
    can be inserted with plain executemany (INSERT … RETURNING costs several times more).

    PostgreSQL takes them from the column's sequence, safe under concurrency. SQLite counts on
    from the highest id: the import has taken SQLite's write lock (raise_counter writes first),
    so no other writer can take the same ids before the commit."""
    if count == 0:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        statement = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        return list(session.exec(statement, params={"table": table.name, "n": count}).scalars())
    highest = session.exec(select(func.coalesce(func.max(table.c.id), 0))).one()
    return list(range(highest + 1, highest + 1 + count))


def _insert_all(session: Session, model, rows: list[dict]) -> None:
    """One executemany of the rows (a Core INSERT through the session's transaction)."""
    if rows:
        session.exec(insert(model.__table__), params=rows)


def _with_ids(session: Session, model, rows: list[dict]) -> list[int]:
    ids = _reserve_ids(session, model, len(rows))
    for row, id_ in zip(rows, ids, strict=True):
        row["id"] = id_
    return ids


def _employer_ids(session: Session, records: list[LedgerRecord]) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    codes = sorted({r.credit_code for r in records if r.employer_key[0] == "code"})
    names = sorted({r.employer_name for r in records if r.employer_key[0] == "name"})
    for chunk in _chunks(codes):
        for employer_id, code in session.exec(
            select(Employer.id, Employer.credit_code).where(Employer.credit_code.in_(chunk))
        ):
            ids[("code", code)] = employer_id
    for chunk in _chunks(names):
        for employer_id, name in session.exec(
            select(Employer.id, Employer.name)
            .where(Employer.name.in_(chunk))
            .order_by(Employer.id.desc())
        ):
            ids[("name", name)] = employer_id  # the last assignment is the lowest id
    # New employers: one per credit code, then one per name no employer has yet. A row without
    # a code takes the employer of that name created for a row with a code, if there is one.
    new: dict[tuple[str, str], dict] = {}
    for record in records:
        key = record.employer_key
        if key[0] == "code" and key not in ids and key not in new:
            new[key] = {"name": record.employer_name, "credit_code": record.credit_code}
    named_with_code = {row["name"]: key for key, row in new.items()}
    aliases: dict[tuple[str, str], tuple[str, str]] = {}
    for record in records:
        key = record.employer_key
        if key[0] == "name" and key not in ids and key not in new and key not in aliases:
            if record.employer_name in named_with_code:
                aliases[key] = named_with_code[record.employer_name]
            else:
                new[key] = {"name": record.employer_name, "credit_code": None}
    keys = list(new)
    rows = [new[key] for key in keys]
    ids.update(zip(keys, _with_ids(session, Employer, rows), strict=True))
    for chunk in _chunks(rows, BATCH_SIZE):
        _insert_all(session, Employer, chunk)
    for key, target in aliases.items():
        ids[key] = ids[target]
    return ids


def _status(record: LedgerRecord) -> CaseStatus:
    if record.outcome == OPEN:
        return CaseStatus.IN_MEDIATION if record.lawyer_id else CaseStatus.ACCEPTED
    return {
        SUCCEEDED: CaseStatus.SUCCEEDED,
        FAILED: CaseStatus.FAILED,
        WITHDRAWN: CaseStatus.WITHDRAWN,
        REFUSED: CaseStatus.REFUSED,
    }[record.outcome]


def _case_row(record: LedgerRecord, employer_id: int, actor_id: int | None, filename: str, now):
    """The mediation_case row of a ledger record, totals included (they are known)."""
    status = _status(record)
    refused = status is CaseStatus.REFUSED
    accepted_on = None if refused else record.accepted_on
    return {
        "centre_id": record.centre_id,
        "year": record.year,
        "seq": record.seq,
        "number": record.number,
        "channel": record.channel,
        "application_form": ApplicationForm.WRITTEN.value,
        "received_on": record.received_on,
        "accepted_on": accepted_on,
        "category": record.category,
        "collective": record.worker_count >= COLLECTIVE_THRESHOLD,
        "new_employment": record.new_employment,
        "employer_id": employer_id,
        "status": status.value,
        "lawyer_id": record.lawyer_id,
        "refusal_reason": record.reason if refused else "",
        "failure_reason": FailureReason.OTHER.value if status is CaseStatus.FAILED else "",
        "outcome_note": (
            record.reason if status in (CaseStatus.FAILED, CaseStatus.WITHDRAWN) else ""
        ),
        "closed_on": record.closed_on,
        "mediation_due_on": add_days(accepted_on, MEDIATION_DAYS) if accepted_on else None,
        "imported_from": filename,
        "note": record.note,
        "number_key": number_key(record.number),  # search (the ORM hook does not see these)
        "worker_count": record.worker_count,
        "claimed_fen": record.claimed_fen,
        "agreed_fen": record.agreed_fen or 0,
        "paid_fen": record.paid_fen,
        "created_by_id": actor_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _write(session: Session, report: LedgerReport, actor: User | None, actor_name: str) -> None:
    """Insert the new cases and what they own, a batch at a time, one executemany per table
    (building ORM objects one by one is ten times slower: 100,000 rows make some 600,000), then
    add their contribution to the statistics rollup, which the before-flush hook does not see
    for these inserts."""
    session.flush()
    records = report.new
    _raise_counters(session, records)  # first: it also takes SQLite's write lock
    employer_ids = _employer_ids(session, records)
    actor_id = actor.id if actor else None
    now = utcnow()
    terms = f"（从台账「{report.filename}」导入，协议全文未录入）"
    summary = f"{actor_name}从台账「{report.filename}」导入案件"
    for batch in _chunks(records, BATCH_SIZE):
        cases = [
            _case_row(r, employer_ids[r.employer_key], actor_id, report.filename, now)
            for r in batch
        ]
        case_ids = _with_ids(session, Case, cases)
        workers: list[dict] = []
        first_index: list[int] = []  # each case's first worker, as an index into workers
        for record, case_id in zip(batch, case_ids, strict=True):
            first_index.append(len(workers))
            named = len(record.names)
            placeholders = (f"职工{n}" for n in range(1, record.worker_count - named + 1))
            for position, name in enumerate((*record.names, *placeholders)):
                workers.append(
                    {
                        "case_id": case_id,
                        "position": position,
                        "name": name,
                        "placeholder": position >= named,
                    }
                )
        worker_ids = _with_ids(session, Worker, workers)
        first_workers = [worker_ids[index] for index in first_index]
        lines = [
            {
                "case_id": case_id,
                "worker_id": worker_id,
                "kind": CATEGORY_CLAIM_KIND.get(record.category, ClaimKind.OTHER.value),
                "claimed_fen": record.claimed_fen,
            }
            for record, case_id, worker_id in zip(batch, case_ids, first_workers, strict=True)
        ]
        line_ids = _with_ids(session, ClaimLine, lines)
        succeeded = [
            (record, case_id, worker_id, line_id)
            for record, case_id, worker_id, line_id in zip(
                batch, case_ids, first_workers, line_ids, strict=True
            )
            if record.outcome == SUCCEEDED
        ]
        agreements = [
            {
                "case_id": case_id,
                "terms": terms,
                "parties_signed_on": record.closed_on,
                "mediator_signed_on": record.closed_on,
                "centre_sealed_on": record.closed_on,
                "effective_on": record.closed_on,
                "imported": True,
                "created_at": now,
            }
            for record, case_id, _, _ in succeeded
        ]
        agreement_ids = _with_ids(session, Agreement, agreements)
        agreement_lines = [
            {"agreement_id": agreement_id, "claim_line_id": line_id, "agreed_fen": r.agreed_fen}
            for (r, _, _, line_id), agreement_id in zip(succeeded, agreement_ids, strict=True)
        ]
        payments = [
            {
                "case_id": case_id,
                "worker_id": worker_id,
                "amount_fen": record.paid_fen,
                "paid_on": record.closed_on,
                "note": "台账导入",
                "recorded_by_id": actor_id,
                "created_at": now,
            }
            for record, case_id, worker_id, _ in succeeded
            if record.paid_fen
        ]
        events = [
            {
                "case_id": case_id,
                "user_id": actor_id,
                "actor": actor_name[:100],
                "at": now,
                "action": "import",
                "summary": summary + record.number,
                "changes": {},
            }
            for record, case_id in zip(batch, case_ids, strict=True)
        ]
        for model, rows in (
            (Case, cases),
            (Worker, workers),
            (ClaimLine, lines),
            (Agreement, agreements),
            (AgreementLine, agreement_lines),
            (Payment, payments),
            (AuditEvent, events),
        ):
            _insert_all(session, model, rows)
    # The rollup needs only the cases' states: rebuilt one at a time rather than kept.
    add_contributions(session, (_case_row(r, 0, None, "", now) for r in records))


def _raise_counters(session: Session, records: list[LedgerRecord]) -> None:
    """Numbers issued later continue after the imported ones, per centre and year."""
    highest: dict[tuple[int, int], int] = {}
    for record in records:
        key = (record.centre_id, record.year)
        highest[key] = max(highest.get(key, 0), record.seq)
    for (centre_id, year), seq in sorted(highest.items()):
        raise_counter(session, centre_id, year, seq)


# -- export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameVisibility:
    """Whose worker names the export shows: all, none (masked as 张*), or a lawyer's cases."""

    everyone: bool
    lawyer_id: int | None = None

    def shows(self, case_lawyer_id: int | None) -> bool:
        return self.everyone or (self.lawyer_id is not None and case_lawyer_id == self.lawyer_id)


def names_visible_to(session: Session, user: User | None) -> NameVisibility:
    """As mediation.privacy decides per case: roles without PERSONAL_DATA never see names,
    lawyers see them on cases assigned to them. None (the command line) sees everything."""
    if user is None:
        return NameVisibility(everyone=True)
    if not can(user, Permission.PERSONAL_DATA):
        return NameVisibility(everyone=False)
    if user.role == Role.LAWYER:
        lawyer = lawyer_of(session, user)
        return NameVisibility(everyone=False, lawyer_id=lawyer.id if lawyer else None)
    return NameVisibility(everyone=True)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧*: the first character and one star, so length is not told."""
    return (name[:1] + "*") if len(name) > 1 else "*"


def _export_statement(conditions: list):
    return (
        select(
            Case.id,
            Case.centre_id,
            Centre.code.label("centre_code"),
            Case.number,
            Case.received_on,
            Case.accepted_on,
            Case.channel,
            Case.category,
            Case.worker_count,
            Employer.name.label("employer_name"),
            Employer.credit_code,
            Case.claimed_fen,
            Case.lawyer_id,
            Lawyer.certificate_no,
            Case.status,
            Case.closed_on,
            Case.agreed_fen,
            Case.paid_fen,
            Case.new_employment,
            Case.refusal_reason,
            Case.failure_reason,
            Case.outcome_note,
            Case.note,
        )
        .join(Centre, Centre.id == Case.centre_id)
        .join(Employer, Employer.id == Case.employer_id)
        .outerjoin(Lawyer, Lawyer.id == Case.lawyer_id)
        .where(*conditions)
        .order_by(Case.id)
    )


def _with_names(session: Session, rows: list) -> Iterator[tuple[Any, tuple[str, ...]]]:
    """The rows with the names of their named (not placeholder) workers, one query per batch."""
    names: dict[int, list[str]] = defaultdict(list)
    ids = [row.id for row in rows]
    if ids:
        for case_id, name in session.exec(
            select(Worker.case_id, Worker.name)
            .where(Worker.case_id.in_(ids), Worker.placeholder.is_(False))
            .order_by(Worker.case_id, Worker.position, Worker.id)
        ):
            names[case_id].append(name)
    for row in rows:
        yield row, tuple(names.get(row.id, ()))


def _reason_of(row) -> str:
    status = CaseStatus(row.status)
    if status is CaseStatus.REFUSED:
        return row.refusal_reason
    if status is CaseStatus.FAILED:
        if not row.failure_reason or row.failure_reason == FailureReason.OTHER:
            return row.outcome_note
        label = FailureReason(row.failure_reason).label
        return f"{label}：{row.outcome_note}" if row.outcome_note else label
    if status is CaseStatus.WITHDRAWN:
        return row.outcome_note
    return ""


def _record_of(row, names: tuple[str, ...]) -> LedgerRecord:
    status = CaseStatus(row.status)
    outcome = STATUS_OUTCOME[status]
    refused = status is CaseStatus.REFUSED
    accepted = row.closed_on if refused else (row.accepted_on or row.received_on)
    return LedgerRecord(
        row=0,
        number=row.number,
        centre_id=row.centre_id,
        received_on=row.received_on,
        accepted_on=accepted,
        channel=row.channel,
        category=row.category,
        worker_count=row.worker_count,
        names=names,
        employer_name=row.employer_name,
        credit_code=row.credit_code or "",
        claimed_fen=row.claimed_fen,
        lawyer_id=row.lawyer_id,
        outcome=outcome,
        closed_on=None if outcome == OPEN else row.closed_on,
        agreed_fen=row.agreed_fen if status is CaseStatus.SUCCEEDED else None,
        paid_fen=row.paid_fen if status is CaseStatus.SUCCEEDED else 0,
        new_employment=bool(row.new_employment),
        reason=_reason_of(row),
        note=row.note,
    )


def _cells(row, record: LedgerRecord, show_names: bool) -> list[Any]:
    """One ledger row in column order: dates as dates, amounts as Decimal yuan, text escaped."""
    names = record.names if show_names else tuple(mask_name(n) for n in record.names)
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
    }
    return [escape_cell(values[column]) for column in COLUMNS]


def export_conditions(case_conditions: list) -> list:
    """The case list's conditions, less the cases that are no ledger entries."""
    return [*case_conditions, Case.status.not_in(NOT_LEDGER_STATUSES)]


def ledger_rows(
    session: Session, conditions: list, names: NameVisibility, batch: int = BATCH_SIZE
) -> Iterator[list[Any]]:
    """Every case matching the conditions as a ledger row, oldest first, read in batches from a
    server-side cursor (yield_per) so that memory stays flat however many there are."""
    statement = _export_statement(export_conditions(conditions))
    result = session.exec(statement, execution_options={"yield_per": batch})
    for partition in result.partitions():
        for row, worker_names in _with_names(session, list(partition)):
            yield _cells(row, _record_of(row, worker_names), names.shows(row.lawyer_id))


def legal_export_conditions(
    scope: Scope,
    centre_id: int | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    centre_ids: list[int] | None = None,
    district_id: int | None = None,
) -> list:
    """The legal-service cases of a scope, centre (or centres, or district) and period of
    acceptance."""
    conditions = []
    scoped = scope.condition(LegalCase.centre_id)
    if scoped is not None:
        conditions.append(scoped)
    if centre_id is not None:
        conditions.append(LegalCase.centre_id == centre_id)
    if centre_ids is not None:
        conditions.append(LegalCase.centre_id.in_(centre_ids))
    if district_id is not None:
        district = select(Centre.id).where(Centre.district_id == district_id)
        conditions.append(LegalCase.centre_id.in_(district))
    if period_from is not None:
        conditions.append(LegalCase.accepted_on >= period_from)
    if period_to is not None:
        conditions.append(LegalCase.accepted_on <= period_to)
    return conditions


def _legal_statement(conditions: list, ledger_entries_only: bool = True):
    """Legal-service cases (arbitration and litigation only, unless ledger_entries_only is
    False: advice and drafting are no ledger entries) with their worker count and amount
    recovered."""
    if ledger_entries_only:
        conditions = [LegalCase.service_type.in_(LEGAL_SERVICE_TYPES), *conditions]
    per_case = (
        select(
            LegalWorker.legal_case_id.label("legal_case_id"),
            func.count(LegalWorker.id).label("workers"),
            func.coalesce(func.sum(LegalWorker.recovered_fen), 0).label("recovered_fen"),
        )
        .group_by(LegalWorker.legal_case_id)
        .subquery()
    )
    return (
        select(
            LegalCase.id,
            LegalCase.centre_id,
            Centre.code.label("centre_code"),
            LegalCase.number,
            LegalCase.service_type,
            LegalCase.accepted_on,
            func.coalesce(per_case.c.workers, 0).label("workers"),
            LegalCase.lawyer_id,
            Lawyer.certificate_no,
            LegalCase.outcome,
            LegalCase.closed_on,
            func.coalesce(per_case.c.recovered_fen, 0).label("recovered_fen"),
            LegalCase.note,
        )
        .join(Centre, Centre.id == LegalCase.centre_id)
        .outerjoin(per_case, per_case.c.legal_case_id == LegalCase.id)
        .outerjoin(Lawyer, Lawyer.id == LegalCase.lawyer_id)
        .where(*conditions)
        .order_by(LegalCase.id)
    )


def _legal_record_of(row) -> LegalRecord:
    return LegalRecord(
        row=0,
        number=row.number,
        centre_id=row.centre_id,
        service_type=row.service_type,
        accepted_on=row.accepted_on,
        worker_count=int(row.workers),
        lawyer_id=row.lawyer_id,
        outcome=row.outcome,
        closed_on=row.closed_on,
        recovered_fen=int(row.recovered_fen),
        note=row.note,
    )


def _legal_records(session: Session, conditions: list) -> Iterator[LegalRecord]:
    """Stored legal cases of any service type (a 法律咨询 with the number differs in 服务类型)."""
    for row in session.exec(_legal_statement(conditions, ledger_entries_only=False)):
        yield _legal_record_of(row)


def legal_ledger_rows(
    session: Session, conditions: list, batch: int = BATCH_SIZE
) -> Iterator[list[Any]]:
    """Every legal-service case matching the conditions as a row of 法律服务案件, oldest first.
    The sheet names no worker, so nothing is masked."""
    result = session.exec(_legal_statement(conditions), execution_options={"yield_per": batch})
    for partition in result.partitions():
        for row in partition:
            record = _legal_record_of(row)
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
