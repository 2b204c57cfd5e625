"""What the case's records say about its papers: the documents printed before the latest
correction (the paper shows what was corrected: 「已更正，需重新打印」), and the documents served
electronically, with their recipient, for the 送达回证 and the case page."""

from sqlalchemy import func
from sqlmodel import Session, select

from mediation.dates import as_utc
from models import AccessKind, AccessRecord, AuditEvent, Case, DocumentService, Worker

# The audit actions of a correction (each changes what a printed document shows).
CORRECTION_ACTIONS = (
    "correct",
    "correct_totals",
    "correct_employer",
    "add_worker",
    "remove_worker",
    "correct_worker",
)


def outdated_prints(session: Session, case: Case) -> set[str]:
    """The documents (keys as recorded with each print, e.g. "sheet" or "minutes:12") printed
    before the case's latest correction and not printed again since: the paper copies show what
    was corrected. Printing again shows the current data."""
    corrected = session.exec(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.case_id == case.id, AuditEvent.action.in_(CORRECTION_ACTIONS)
        )
    ).one()
    if corrected is None:
        return set()
    printed = session.exec(
        select(AccessRecord.document, func.max(AccessRecord.at))
        .where(
            AccessRecord.case_id == case.id,
            AccessRecord.kind.in_([AccessKind.DOCUMENT.value, AccessKind.DOCUMENT_PDF.value]),
            AccessRecord.document.is_not(None),
        )
        .group_by(AccessRecord.document)
    ).all()
    return {key for key, at in printed if as_utc(at) < as_utc(corrected)}


def electronic_services(session: Session, case: Case) -> list[tuple[DocumentService, str]]:
    """Every electronic service of the case with the recipient's name, oldest first."""
    rows = session.exec(
        select(DocumentService, Worker.name)
        .join(Worker, Worker.id == DocumentService.worker_id)
        .where(DocumentService.case_id == case.id)
        .order_by(DocumentService.sent_at, DocumentService.id)
    ).all()
    return [tuple(row) for row in rows]
