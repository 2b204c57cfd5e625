"""The ledger's format, a contract shared with the centres: the sheets and their columns, the
words of the outcomes, what a cell may hold, the escaping of formula-like text, and the records
and report that reading, checking, importing and exporting pass along.

- A file is .xlsx (sheets 调解案件 and/or 法律服务案件) or .csv (one kind per file, told apart by
  its header). Row 1 is the header; column order is free. A centre's own spreadsheet (any
  sheet, title rows, its own column names) is read through the column mapping (mapping.py);
  columns the ledger does not keep are not imported.
- 调解案件 has COLUMNS; 法律服务案件 (arbitration and litigation representation, and legal
  advice and drafting, which the statistics count apart) has its own, LEGAL_COLUMNS.
- Columns are only ever added, never renamed or removed: a file in an older format (without
  撤回阶段, 协议签署日期, 延长天数, 同意延长日期) reads as it always did. With them, export →
  import is exact: the statistics of the imported cases equal those of the exported ones.
- Cells beginning with = + - @ are written with a leading ' (formula injection); reading strips
  it again.
- The same centre and case number is the same case: a LedgerRecord (or LegalRecord) is what a
  row and a stored case are compared as.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models import CaseStatus, LegalOutcome, ServiceType

SHEET_MEDIATION = "调解案件"
SHEET_LEGAL_SERVICE = "法律服务案件"
SHEET_NOTES = "填写说明"  # the template's instructions; never read as cases
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
# Added for an exact round trip (issue 19); a file without them reads as it always did.
WITHDRAWAL_STAGE = "撤回阶段"  # 受理前 / 受理后, for 撤回 only; 受理前 leaves 受理日期 empty
SIGNED = "协议签署日期"  # 调解成功: the day the agreement was signed; empty when not known
EXTENSION_DAYS = "延长天数"  # the consented extension of the mediation period (1-15 days)
EXTENSION_CONSENT = "同意延长日期"  # the day both parties consented to it

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
# Every service type: advice and drafting are no legal-service cases, but the statistics count
# them apart, so the ledger carries them for the round trip.
LEGAL_SERVICE_TYPES = tuple(s.value for s in ServiceType)
LEGAL_RESULTS = tuple(o.value for o in LegalOutcome)
LEGAL_PENDING = LegalOutcome.PENDING.value

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
    WITHDRAWAL_STAGE,
    SIGNED,
    EXTENSION_DAYS,
    EXTENSION_CONSENT,
)
# Columns of 调解案件 alone: a CSV naming one is a mediation ledger, whatever else it names
# (a clerk's 结果 is the 调解结果).
MEDIATION_ONLY = frozenset(COLUMNS) - frozenset(LEGAL_COLUMNS) | {"被申请人", "用人单位"}
# Columns of 调解案件 alone: a CSV naming one is a mediation ledger, whatever else it names
# (a clerk's 结果 is the 调解结果).
MEDIATION_ONLY = frozenset(COLUMNS) - frozenset(LEGAL_COLUMNS) | {"被申请人", "用人单位"}
# Columns of 调解案件 alone: a CSV naming one is a mediation ledger, whatever else it names
# (a clerk's 结果 is the 调解结果).
MEDIATION_ONLY = frozenset(COLUMNS) - frozenset(LEGAL_COLUMNS) | {"被申请人", "用人单位"}
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
BEFORE_ACCEPTANCE, AFTER_ACCEPTANCE = "受理前", "受理后"
WITHDRAWAL_STAGES = (BEFORE_ACCEPTANCE, AFTER_ACCEPTANCE)
DEFAULT_REFUSAL_REASON = "台账未注明原因"
YES, NO = "是", "否"

# Text beginning with = + - @ (formula injection): escape_cell prefixes ' to what matches
# _FORMULA_LIKE, unescape_cell takes one ' from what matches _ESCAPED.
_FORMULA_LIKE = re.compile(r"'*[=+\-@]")
_ESCAPED = re.compile(r"'+[=+\-@]")
NAME_SEPARATORS = ("、", ",")  # NFKC turns the full-width ， into ,
MAX_NUMBER_LENGTH = 40
MAX_EMPLOYER_LENGTH = 200
MAX_WORKER_NAME_LENGTH = 64
MAX_WORKERS = 1000
BATCH_SIZE = 1000  # rows per executemany on import, per fetch from the cursor on export


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


@dataclass(frozen=True)
class LedgerProblem:
    row: int | None  # the spreadsheet row (1 is the header); None for the file as a whole
    column: str | None
    message: str
    legal: bool = False  # a row of 法律服务案件
    sheet: str = ""  # named before the row when a workbook holds both sheets
    header: str = ""  # the file's own name of the column, when it is not the ledger's

    def __str__(self) -> str:
        where = f"「{self.sheet}」工作表" if self.sheet else ""
        if self.row is None:
            return self.message
        if self.column is None:
            return f"{where}第{self.row}行：{self.message}"
        if self.header:
            return f"{where}第{self.row}行「{self.header}」（{self.column}）{self.message}"
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
    accepted_on: date | None  # 受理日期; for a refusal the decision; None: withdrawn before
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
    # The columns added for the round trip; "" / None when the row does not state them (and
    # then they are not compared with a stored case).
    withdrawal_stage: str = ""  # 受理前 / 受理后 for 撤回
    signed_on: date | None = None  # 协议签署日期
    extension_days: int | None = None
    extension_consent_on: date | None = None
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
    ("withdrawal_stage", WITHDRAWAL_STAGE),
    ("signed_on", SIGNED),
    ("extension_days", EXTENSION_DAYS),
    ("extension_consent_on", EXTENSION_CONSENT),
)
# Compared only when the row states them (a file in the older format has no such column).
COMPARED_WHEN_STATED = frozenset(
    {"credit_code", "withdrawal_stage", "signed_on", "extension_days", "extension_consent_on"}
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
    # Column mapping (mapping.py) of the mediation sheet: how the file's columns were read, the
    # file's own header of each ledger column it names otherwise, the sheets to choose from when
    # a workbook has several, what was skipped or assumed, and whether the file lacks 案件编号.
    mapping: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    sheet_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    numbers_from_counter: bool = False
    # {amount column: 万元 or 千元} of the file's amount columns counted in larger units.
    amount_units: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_legal(self) -> bool:
        return bool(self.legal_new or self.legal_skipped)

    def add(self, row: int | None, column: str | None, message: str) -> None:
        header = "" if self.reading_legal else self.headers.get(column or "", "")
        self.problems.append(
            LedgerProblem(row, column, message, self.reading_legal, self.reading_sheet, header)
        )
