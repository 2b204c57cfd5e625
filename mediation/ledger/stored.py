"""Stored cases read back as ledger records: the queries shared by the check (which compares a
row with the stored case of the same number) and the export (which writes them out).

Cases not yet accepted (待受理) and voided ones (已作废) are not ledger entries; a case withdrawn
before acceptance reads with 撤回阶段 受理前 and no 受理日期. Every legal-service record is
exported as 法律服务案件, advice and drafting included (the statistics count them apart).
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from mediation.ledger.columns import (
    AFTER_ACCEPTANCE,
    BEFORE_ACCEPTANCE,
    LEGAL_SERVICE_TYPES,
    NOT_LEDGER_STATUSES,
    OPEN,
    STATUS_OUTCOME,
    LedgerRecord,
    LegalRecord,
)
from mediation.scope import Scope
from models import (
    Agreement,
    Case,
    CaseStatus,
    Centre,
    Employer,
    FailureReason,
    Lawyer,
    LegalCase,
    LegalWorker,
    Worker,
)


def export_conditions(case_conditions: list) -> list:
    """The case list's conditions, less the cases that are no ledger entries."""
    return [*case_conditions, Case.status.not_in(NOT_LEDGER_STATUSES)]


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


def case_statement(conditions: list):
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
            Case.extension_days,
            Case.extension_consent_on,
            Agreement.effective_on.label("agreement_effective_on"),
            Agreement.parties_signed_on.label("agreement_signed_on"),
        )
        .join(Centre, Centre.id == Case.centre_id)
        .join(Employer, Employer.id == Case.employer_id)
        .outerjoin(Lawyer, Lawyer.id == Case.lawyer_id)
        .outerjoin(Agreement, (Agreement.case_id == Case.id) & Agreement.superseded_on.is_(None))
        .where(*conditions)
        .order_by(Case.id)
    )


def with_worker_names(session: Session, rows: list) -> Iterator[tuple[Any, tuple[str, ...]]]:
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


def record_of(row, names: tuple[str, ...]) -> LedgerRecord:
    status = CaseStatus(row.status)
    outcome = STATUS_OUTCOME[status]
    refused = status is CaseStatus.REFUSED
    accepted = row.closed_on if refused else row.accepted_on
    stage = ""
    if status is CaseStatus.WITHDRAWN:
        stage = AFTER_ACCEPTANCE if row.accepted_on else BEFORE_ACCEPTANCE
    # 协议签署日期: the day the agreement in force took effect, when its signatures are dated
    # (an imported paper agreement may have none).
    signed = None
    if status is CaseStatus.SUCCEEDED and row.agreement_signed_on is not None:
        signed = row.agreement_effective_on
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
        paid_fen=row.paid_fen,  # on any row: payments stay with a reopened case
        new_employment=bool(row.new_employment),
        reason=_reason_of(row),
        note=row.note,
        withdrawal_stage=stage,
        signed_on=signed,
        extension_days=row.extension_days or None,
        extension_consent_on=row.extension_consent_on if row.extension_days else None,
    )


def legal_statement(conditions: list, ledger_entries_only: bool = True):
    """Legal-service records of the service types the ledger carries (all of them, unless
    ledger_entries_only is False: then any) with their worker count and amount recovered."""
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


def legal_record_of(row) -> LegalRecord:
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


def read_legal_records(session: Session, conditions: list) -> Iterator[LegalRecord]:
    """Stored legal cases of any service type (a 法律咨询 with the number differs in 服务类型)."""
    for row in session.exec(legal_statement(conditions, ledger_entries_only=False)):
        yield legal_record_of(row)
