"""One ledger row into a normalised record (LedgerRecord for 调解案件, LegalRecord for
法律服务案件), or None with every problem of the row recorded at its column: each cell parsed,
then the rules between the cells of the row (dates in order, amounts only with the outcomes that
have them, a reason only with the outcomes that give one). Centres and lawyers are looked up in
reference data loaded once per file (Reference), which also holds the importing user's scope.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sqlmodel import Session, select

from mediation.bounds import FIRST_CASE_DATE
from mediation.cases.lifecycle import MAX_REASON_LENGTH
from mediation.ledger.columns import (
    ACCEPTED,
    AGREED,
    BEFORE_ACCEPTANCE,
    CATEGORY,
    CENTRE,
    CHANNEL,
    CLAIMED,
    CLOSED,
    CREDIT_CODE,
    DEFAULT_REFUSAL_REASON,
    EMPLOYER,
    EXTENSION_CONSENT,
    EXTENSION_DAYS,
    HANDLING_CENTRE,
    LAWYER,
    LEGAL_PENDING,
    LEGAL_RESULTS,
    LEGAL_SERVICE_TYPES,
    LEGAL_WORKERS,
    MAX_EMPLOYER_LENGTH,
    MAX_NUMBER_LENGTH,
    NAMES,
    NEW_EMPLOYMENT,
    NOTE,
    NUMBER,
    OPEN,
    OUTCOME,
    PAID,
    REASON,
    REASON_OUTCOMES,
    RECEIVED,
    RECOVERED,
    REFUSED,
    RESULT,
    SERVICE_TYPE,
    SIGNED,
    SUCCEEDED,
    WITHDRAWAL_STAGE,
    WITHDRAWAL_STAGES,
    WITHDRAWN,
    WORKER_COUNT,
    LedgerRecord,
    LedgerReport,
    LegalRecord,
)
from mediation.ledger.reading import (
    BadCell,
    cell_credit_code,
    cell_names,
    cell_text,
    cell_whole_number,
    cell_yes_no,
    is_empty,
    one_of,
)
from mediation.ledger.values import (
    cell_amount,
    cell_category,
    cell_channel,
    cell_date,
    cell_outcome,
)
from mediation.periods import MAX_EXTENSION_DAYS
from mediation.scope import Scope
from models import Centre, Lawyer


@dataclass
class Reference:
    scope: Scope
    today: date
    centres: dict[str, Centre]  # by code and by full name
    lawyers_by_certificate: dict[str, Lawyer]
    lawyers_by_name: dict[str, list[Lawyer]]

    @classmethod
    def load(cls, session: Session, scope: Scope, today: date) -> "Reference":
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
            raise BadCell(f"未知调解组织「{text}」（请填写中心代码如 NH-LS 或中心全称）")
        if not self.scope.includes(centre.id):
            raise BadCell(f"无权导入到「{centre.name}」：不在您的管理范围内")
        return centre

    def lawyer(self, text: str) -> Lawyer:
        number = "".join(unicodedata.normalize("NFKC", text).split())
        if number.isdigit():
            lawyer = self.lawyers_by_certificate.get(number)
            if lawyer is None:
                raise BadCell(f"律师名册中没有执业证号为「{number}」的律师")
            return lawyer
        found = self.lawyers_by_name.get(text, [])
        if not found:
            raise BadCell(f"律师名册中没有「{text}」")
        if len(found) > 1:
            raise BadCell(f"律师名册中有{len(found)}名律师名为「{text}」，请填写执业证号")
        return found[0]


class _RowReader:
    """Reads the cells of one row into `values`, recording one problem per bad or missing cell."""

    def __init__(self, row: int, cells: dict[str, Any], report: LedgerReport):
        self.row, self.cells, self.report = row, cells, report
        self.values: dict[str, Any] = {}
        self._problems_before = len(report.problems)

    def take(self, column: str, parse, required: bool = False, requirement: str = "") -> None:
        raw = self.cells.get(column)
        self.values[column] = None
        if is_empty(raw):
            if required:
                self.report.add(self.row, column, "未填写" + requirement)
            return
        try:
            self.values[column] = parse(raw)
        except BadCell as error:
            self.report.add(self.row, column, str(error))

    @property
    def failed(self) -> bool:
        return len(self.report.problems) > self._problems_before


def parse_row(
    row: int, cells: dict[str, Any], ref: Reference, report: LedgerReport
) -> LedgerRecord | None:
    """The normalised record of a row, or None with every problem of the row recorded."""
    reader = _RowReader(row, cells, report)
    values, take = reader.values, reader.take

    def text(limit: int | None = None, label: str = ""):
        def parse(raw):
            value = cell_text(raw)
            if limit and len(value) > limit:
                raise BadCell(f"{label}不超过{limit}个字符")
            return value

        return parse

    def amount(column: str):
        unit = report.amount_units.get(column)  # a column headed （万元） or （千元）
        return partial(cell_amount, unit=unit) if unit else cell_amount

    # A file without 案件编号 takes numbers from the centre's counter (checking._plan_numbers).
    take(NUMBER, text(MAX_NUMBER_LENGTH), required=not report.numbers_from_counter)
    take(CENTRE, lambda raw: ref.centre(cell_text(raw)), required=True)
    take(WITHDRAWAL_STAGE, lambda raw: one_of(cell_text(raw), WITHDRAWAL_STAGES))
    before_acceptance = values[WITHDRAWAL_STAGE] == BEFORE_ACCEPTANCE
    take(RECEIVED, cell_date, required=before_acceptance, requirement=_BEFORE_REQUIREMENT)
    take(ACCEPTED, cell_date, required=not before_acceptance)
    take(CHANNEL, cell_channel, required=True)
    take(CATEGORY, cell_category, required=True)
    take(WORKER_COUNT, cell_whole_number, required=True)
    take(NAMES, cell_names)
    take(EMPLOYER, text(MAX_EMPLOYER_LENGTH), required=True)
    take(CREDIT_CODE, cell_credit_code)
    take(CLAIMED, amount(CLAIMED), required=True)
    take(LAWYER, lambda raw: ref.lawyer(cell_text(raw)))
    take(OUTCOME, cell_outcome, required=True)
    outcome = values[OUTCOME]
    take(
        CLOSED, cell_date, required=outcome not in (None, OPEN, REFUSED), requirement=_when(outcome)
    )
    take(AGREED, amount(AGREED), required=outcome == SUCCEEDED, requirement=_when(outcome))
    take(PAID, amount(PAID))
    take(NEW_EMPLOYMENT, cell_yes_no)
    take(REASON, cell_text)
    take(NOTE, cell_text)
    take(SIGNED, cell_date)
    take(EXTENSION_DAYS, cell_whole_number)
    take(EXTENSION_CONSENT, cell_date, required=bool(values[EXTENSION_DAYS]))

    _check_relations(row, values, ref.today, report)
    _check_added_columns(row, values, ref.today, report)
    if reader.failed:
        return None
    accepted = values[ACCEPTED]
    reason = values[REASON] or ""
    if outcome == REFUSED and not reason:
        reason = DEFAULT_REFUSAL_REASON
    lawyer = values[LAWYER]
    return LedgerRecord(
        row=row,
        number=values[NUMBER] or "",
        centre_id=values[CENTRE].id,
        received_on=values[RECEIVED] or accepted,
        accepted_on=None if before_acceptance else accepted,
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
        withdrawal_stage=values[WITHDRAWAL_STAGE] or "",
        signed_on=values[SIGNED],
        extension_days=values[EXTENSION_DAYS],
        extension_consent_on=values[EXTENSION_CONSENT],
    )


_BEFORE_REQUIREMENT = f"（{WITHDRAWAL_STAGE}为「{BEFORE_ACCEPTANCE}」时必填）"


def _check_added_columns(
    row: int, values: dict[str, Any], today: date, report: LedgerReport
) -> None:
    """The rules of 撤回阶段, 协议签署日期, 延长天数 and 同意延长日期."""
    outcome, stage = values[OUTCOME], values[WITHDRAWAL_STAGE]
    accepted, closed = values[ACCEPTED], values[CLOSED]
    if stage and outcome and outcome != WITHDRAWN:
        report.add(row, WITHDRAWAL_STAGE, f"仅撤回的案件填写（本行为「{outcome}」）")
    elif stage == BEFORE_ACCEPTANCE and accepted is not None:
        report.add(row, ACCEPTED, "撤回阶段为「受理前」的案件不填写受理日期")
    elif stage == BEFORE_ACCEPTANCE and closed and values[RECEIVED] and closed < values[RECEIVED]:
        report.add(row, CLOSED, "不能早于收到申请日期")
    signed = values[SIGNED]
    if signed is not None:
        if outcome and outcome != SUCCEEDED:
            report.add(row, SIGNED, f"仅调解成功的案件填写（本行为「{outcome}」）")
        elif signed > today:
            report.add(row, SIGNED, f"不能晚于今天（{today.isoformat()}）")
        elif accepted and signed < accepted:
            report.add(row, SIGNED, "不能早于受理日期")
        elif closed and signed > closed:
            report.add(row, SIGNED, "不能晚于结案日期")
    days, consent = values[EXTENSION_DAYS], values[EXTENSION_CONSENT]
    if days is not None and not 0 <= days <= MAX_EXTENSION_DAYS:
        report.add(row, EXTENSION_DAYS, f"延长天数为1至{MAX_EXTENSION_DAYS}天")
    elif days and (outcome == REFUSED or stage == BEFORE_ACCEPTANCE):
        report.add(row, EXTENSION_DAYS, "未受理的案件没有调解期限可延长")
    if consent is not None:
        if not days:
            report.add(row, EXTENSION_CONSENT, f"仅填写了{EXTENSION_DAYS}的案件填写")
        elif consent > today:
            report.add(row, EXTENSION_CONSENT, f"不能晚于今天（{today.isoformat()}）")
        elif accepted and outcome != REFUSED and consent < accepted:
            report.add(row, EXTENSION_CONSENT, "不能早于受理日期")


def _when(outcome: str | None) -> str:
    return f"（调解结果为「{outcome}」时必填）" if outcome else ""


def _check_relations(row: int, values: dict[str, Any], today: date, report: LedgerReport) -> None:
    """Rules between cells of one row (only between cells that were read without problems)."""
    received, accepted, closed = values[RECEIVED], values[ACCEPTED], values[CLOSED]
    outcome = values[OUTCOME]
    for column, day in ((RECEIVED, received), (ACCEPTED, accepted), (CLOSED, closed)):
        if day is not None and day > today:
            report.add(row, column, f"不能晚于今天（{today.isoformat()}）")
        elif day is not None and day < FIRST_CASE_DATE:
            report.add(row, column, f"不能早于{FIRST_CASE_DATE.isoformat()}")
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
    # 实际到位金额 may stand on any row: payments stay with a case that was reopened.
    if outcome and outcome != SUCCEEDED:
        if agreed is not None:
            report.add(row, AGREED, f"仅调解成功的案件填写（本行为「{outcome}」）")
    elif agreed is not None and paid and paid > agreed:
        report.add(row, PAID, "超过协议金额")
    reason = values[REASON]
    if reason and outcome and outcome not in REASON_OUTCOMES:
        report.add(row, REASON, f"仅{'、'.join(REASON_OUTCOMES)}的案件填写")
    elif reason and outcome == REFUSED and len(reason) > MAX_REASON_LENGTH:
        report.add(row, REASON, f"不予受理理由不超过{MAX_REASON_LENGTH}字")


def parse_legal_row(
    row: int, cells: dict[str, Any], ref: Reference, report: LedgerReport
) -> LegalRecord | None:
    """The normalised legal-service record of a row, or None with its problems recorded."""
    reader = _RowReader(row, cells, report)
    values, take = reader.values, reader.take

    def number(raw: Any) -> str:
        value = cell_text(raw)
        if len(value) > MAX_NUMBER_LENGTH:
            raise BadCell(f"不超过{MAX_NUMBER_LENGTH}个字符")
        return value

    def centre(raw: Any) -> Centre:
        try:
            return ref.centre(cell_text(raw))
        except BadCell as error:
            raise BadCell(str(error).replace("未知调解组织", "未知承办单位")) from None

    take(NUMBER, number, required=True)
    take(HANDLING_CENTRE, centre, required=True)
    take(SERVICE_TYPE, lambda raw: one_of(cell_text(raw), LEGAL_SERVICE_TYPES), required=True)
    take(ACCEPTED, cell_date, required=True)
    take(LEGAL_WORKERS, cell_whole_number, required=True)
    take(LAWYER, lambda raw: ref.lawyer(cell_text(raw)))
    take(RESULT, lambda raw: one_of(cell_text(raw), LEGAL_RESULTS), required=True)
    outcome = values[RESULT]
    closing_required = outcome not in (None, LEGAL_PENDING)
    requirement = f"（结果为「{outcome}」时必填）" if outcome else ""
    take(CLOSED, cell_date, required=closing_required, requirement=requirement)
    take(RECOVERED, cell_amount)
    take(NOTE, cell_text)

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
