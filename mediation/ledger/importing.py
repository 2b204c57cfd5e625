"""Importing a ledger file all or nothing (import_ledger): only a file that check_ledger finds
without a single problem is written. Flushes; the caller commits.

Mediation cases and what they own (workers, the claim line, for 调解成功 a paper agreement
dated only if the ledger gives its 协议签署日期, the payment on any row, an audit event) are
inserted a batch at a time, one statement per table (COPY on PostgreSQL, an executemany on
SQLite; mediation.ledger.bulk), with the primary keys of the whole file reserved beforehand;
their contribution to the statistics rollup is then added, since the before-flush hook does
not see these inserts.
Case numbers issued later continue after the imported ones. A 法律服务案件 row becomes a
LegalCase with one LegalWorker per worker (placeholder names 职工1…N, the amount recovered on
the first), so that legal_statistics reproduces the ledger's figures.
"""

from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from mediation import audit
from mediation.cases.intake import COLLECTIVE_THRESHOLD
from mediation.ledger.bulk import bulk_loading, give_ids, insert_all, reserve_ids, with_ids
from mediation.ledger.checking import among, check_ledger, chunks
from mediation.ledger.columns import (
    BATCH_SIZE,
    FAILED,
    OPEN,
    REFUSED,
    SHEET_LEGAL_SERVICE,
    SUCCEEDED,
    WITHDRAWN,
    LedgerRecord,
    LedgerReport,
)
from mediation.ledger.mapping import MappingChoice, remember
from mediation.numbering import number_key, raise_counter
from mediation.periods import WorkCalendar, mediation_due_from
from mediation.reference.calendar import OFFICIAL_CALENDAR, load_calendar
from mediation.scope import Scope
from mediation.statistics.rollup import add_to_deltas, apply_deltas, new_deltas
from models import (
    Agreement,
    AgreementLine,
    ApplicationForm,
    AuditEvent,
    Case,
    CaseStatus,
    Category,
    ClaimKind,
    ClaimLine,
    Employer,
    FailureReason,
    LegalCase,
    LegalWorker,
    Payment,
    User,
    Worker,
    utcnow,
)

CLI_ACTOR = "命令行 import-ledger"
# The claim line of an imported case: 其他 unless the category says plainly what was claimed.
CATEGORY_CLAIM_KIND = {
    Category.WAGES.value: ClaimKind.WAGES.value,
    Category.SOCIAL_INSURANCE.value: ClaimKind.SOCIAL_INSURANCE.value,
    Category.WORK_INJURY.value: ClaimKind.INJURY.value,
    Category.TERMINATION.value: ClaimKind.COMPENSATION.value,
}


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
    choice: MappingChoice | None = None,
) -> LedgerReport:
    """Check the file and, when it has no problem at all and this is not a dry run, create its
    new cases. Flushes; the caller commits. Nothing is written when the report has problems.
    The column mapping of an imported file is remembered for its centre (choice.centre_id)."""
    report = check_ledger(session, path, filename, scope, today, choice)
    if report.ok and not dry_run:
        write_checked(session, report, actor, actor_name, choice)
    return report


def write_checked(
    session: Session,
    report: LedgerReport,
    actor: User | None,
    actor_name: str | None = None,
    choice: MappingChoice | None = None,
) -> None:
    """Write the new cases of a report check_ledger found without a problem (in this session or
    another: a job checks in one transaction and writes in its finishing one), and remember the
    column mapping for the centre. Flushes."""
    if choice and choice.centre_id and report.mapping:
        remember(session, choice.centre_id, report.mapping, actor)
    if report.new or report.legal_new:
        name = actor_name or audit.actor_label(actor, CLI_ACTOR)
        with bulk_loading(session):
            if report.new:
                _write(session, report, actor, name)
                report.imported = len(report.new)
            if report.legal_new:
                _write_legal(session, report, actor, name)
                report.legal_imported = len(report.legal_new)


def _write_legal(
    session: Session, report: LedgerReport, actor: User | None, actor_name: str
) -> None:
    """The legal-service cases with their workers (职工1…N, the amount recovered on the first)
    and one audit event each, a batch at a time."""
    actor_id = actor.id if actor else None
    now = utcnow()
    summary = f"{actor_name}从台账「{report.filename}」导入{SHEET_LEGAL_SERVICE} "
    for batch in chunks(report.legal_new, BATCH_SIZE):
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
        insert_all(session, LegalWorker, workers)
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
        insert_all(session, AuditEvent, events)


def _employer_ids(session: Session, records: list[LedgerRecord]) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    codes = sorted({r.credit_code for r in records if r.employer_key[0] == "code"})
    names = sorted({r.employer_name for r in records if r.employer_key[0] == "name"})
    for condition in among(session, Employer.credit_code, codes):
        for employer_id, code in session.exec(
            select(Employer.id, Employer.credit_code).where(condition)
        ):
            ids[("code", code)] = employer_id
    for condition in among(session, Employer.name, names):
        for employer_id, name in session.exec(
            select(Employer.id, Employer.name).where(condition).order_by(Employer.id.desc())
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
    ids.update(zip(keys, with_ids(session, Employer, rows), strict=True))
    for chunk in chunks(rows, BATCH_SIZE):
        insert_all(session, Employer, chunk)
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


def _case_row(
    record: LedgerRecord,
    employer_id: int,
    actor_id: int | None,
    filename: str,
    now,
    calendar: WorkCalendar = OFFICIAL_CALENDAR,
):
    """The mediation_case row of a ledger record, totals included (they are known); its
    mediation deadline by the period rule on `calendar` (the database's)."""
    status = _status(record)
    refused = status is CaseStatus.REFUSED
    accepted_on = None if refused else record.accepted_on  # None: withdrawn before acceptance
    extension = record.extension_days or 0
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
        "extension_days": extension,
        "extension_consent_on": record.extension_consent_on if extension else None,
        "mediation_due_on": accepted_on and mediation_due_from(accepted_on, extension, calendar),
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
    """Insert the new cases and what they own, a batch at a time, one statement per table
    (building ORM objects one by one is ten times slower: 100,000 rows make some 600,000), then
    add their contribution to the statistics rollup, which the before-flush hook does not see
    for these inserts."""
    session.flush()
    records = report.new
    _raise_counters(session, records)  # first: it also takes SQLite's write lock
    employer_ids = _employer_ids(session, records)
    calendar = load_calendar(session)  # as the cases' own deadlines use it, admins' entries too
    actor_id = actor.id if actor else None
    now = utcnow()
    terms = f"（从台账「{report.filename}」导入，协议全文未录入）"
    summary = f"{actor_name}从台账「{report.filename}」导入案件"
    # The ids of every table at once: one round trip each, not one per table and batch.
    workers_count = sum(max(r.worker_count, len(r.names)) for r in records)
    succeeded_count = sum(1 for r in records if r.outcome == SUCCEEDED)
    reserved = {
        model: iter(reserve_ids(session, model, count))
        for model, count in (
            (Case, len(records)),
            (Worker, workers_count),
            (ClaimLine, len(records)),
            (Agreement, succeeded_count),
        )
    }
    deltas = new_deltas()
    # The agreement lines go in last, when all the agreements are in: PostgreSQL plans a
    # connection's foreign key check once, and planned against the few agreements of a first
    # batch (an import into a new database), the check scans the agreements whole for every
    # line (50,000 rows imported: 3.5 s for 10,000 lines, growing with the square of the rows).
    agreement_lines: list[dict] = []
    for batch in chunks(records, BATCH_SIZE):
        cases = [
            _case_row(r, employer_ids[r.employer_key], actor_id, report.filename, now, calendar)
            for r in batch
        ]
        case_ids = give_ids(cases, reserved[Case])
        add_to_deltas(deltas, cases)
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
        worker_ids = give_ids(workers, reserved[Worker])
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
        line_ids = give_ids(lines, reserved[ClaimLine])
        succeeded = [
            (record, case_id, worker_id, line_id)
            for record, case_id, worker_id, line_id in zip(
                batch, case_ids, first_workers, line_ids, strict=True
            )
            if record.outcome == SUCCEEDED
        ]
        # A paper agreement: signed on the ledger's 协议签署日期 if it gives one, else on a day
        # not known (no date is invented); effective as the ledger says 调解成功.
        agreements = [
            {
                "case_id": case_id,
                "terms": terms,
                "parties_signed_on": record.signed_on,
                "mediator_signed_on": record.signed_on,
                "centre_sealed_on": record.signed_on,
                "effective_on": record.signed_on or record.closed_on,
                "imported": True,
                "created_at": now,
            }
            for record, case_id, _, _ in succeeded
        ]
        agreement_ids = give_ids(agreements, reserved[Agreement])
        agreement_lines += [
            {"agreement_id": agreement_id, "claim_line_id": line_id, "agreed_fen": r.agreed_fen}
            for (r, _, _, line_id), agreement_id in zip(succeeded, agreement_ids, strict=True)
        ]
        # 实际到位金额 on any row (a reopened case keeps its payments), on the first worker;
        # the ledger gives no payment date, so the note says the day stands for the case's.
        payments = [
            {
                "case_id": case_id,
                "worker_id": worker_id,
                "amount_fen": record.paid_fen,
                "paid_on": record.closed_on or record.accepted_on or record.received_on,
                "note": "台账导入（台账未载付款日期）",
                "recorded_by_id": actor_id,
                "created_at": now,
            }
            for record, case_id, worker_id in zip(batch, case_ids, first_workers, strict=True)
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
            (Payment, payments),
            (AuditEvent, events),
        ):
            insert_all(session, model, rows)
    for chunk in chunks(agreement_lines, BATCH_SIZE):
        insert_all(session, AgreementLine, chunk)
    # The rollup needs only the cases' states, added up batch by batch as the rows were built.
    apply_deltas(session, deltas)


def _raise_counters(session: Session, records: list[LedgerRecord]) -> None:
    """Numbers issued later continue after the imported ones, per centre and year."""
    highest: dict[tuple[int, int], int] = {}
    for record in records:
        key = (record.centre_id, record.year)
        highest[key] = max(highest.get(key, 0), record.seq)
    for (centre_id, year), seq in sorted(highest.items()):
        raise_counter(session, centre_id, year, seq)
