"""Everything the case page shows, gathered in a handful of queries."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from mediation.cases import actions, agreements, deadlines
from mediation.cases.agreements import ReviewWindow
from mediation.cases.intake import repeat_claims
from mediation.cases.payments import (
    PAYMENT_ORDER_NOTICE,
    PaymentState,
    WorkerAmounts,
    payment_order_possible,
    payment_state,
    worker_amounts,
)
from mediation.privacy import shows_personal_data
from mediation.reference.calendar import load_calendar
from mediation.retirement import past_retirement_age
from models import (
    Agreement,
    AuditEvent,
    Case,
    Centre,
    ClaimLine,
    Employer,
    Instalment,
    Lawyer,
    MediationSession,
    Payment,
    User,
    Worker,
)


@dataclass(frozen=True)
class CaseOverview:
    case: Case
    centre: Centre
    employer: Employer
    mediator: User | None
    lawyer: Lawyer | None
    workers: list[WorkerAmounts]
    claims: list[tuple[Worker, ClaimLine, int | None]]
    sessions: list[MediationSession]
    agreement: Agreement | None
    superseded: list[agreements.SupersededAgreement]  # history: superseded by reopenings
    instalments: list[Instalment]
    payments: list[tuple[Payment, str]]
    payment_state: PaymentState | None
    payment_order_possible: bool
    windows: list[ReviewWindow]
    deadlines: list[deadlines.Deadline]
    next_step: str
    actions: list[actions.Action]
    timeline: list[AuditEvent]
    repeats: list[tuple[str, str, str]]
    personal_data: bool
    retired: frozenset[int]  # workers past the statutory retirement age on receipt (flag only)

    @property
    def payment_order_notice(self) -> str:
        return PAYMENT_ORDER_NOTICE if self.payment_order_possible else ""


def overview(session: Session, case: Case, user: User, today: date) -> CaseOverview:
    agreement = agreements.agreement_of(session, case)
    calendar = load_calendar(session, since=case.received_on)
    workers = worker_amounts(session, case)
    names = {row.worker.id: row.worker.name for row in workers}
    payments = session.exec(
        select(Payment).where(Payment.case_id == case.id).order_by(Payment.paid_on, Payment.id)
    ).all()
    return CaseOverview(
        case=case,
        centre=session.get(Centre, case.centre_id),
        employer=session.get(Employer, case.employer_id),
        mediator=session.get(User, case.mediator_id) if case.mediator_id else None,
        lawyer=session.get(Lawyer, case.lawyer_id) if case.lawyer_id else None,
        workers=workers,
        claims=agreements.claim_lines(session, case),
        sessions=list(
            session.exec(
                select(MediationSession)
                .where(MediationSession.case_id == case.id)
                .order_by(MediationSession.starts_at)
            )
        ),
        agreement=agreement,
        superseded=agreements.superseded_agreements(session, case),
        instalments=agreements.instalments_of(session, agreement),
        payments=[(p, names.get(p.worker_id, "")) for p in payments],
        payment_state=payment_state(session, case, today),
        payment_order_possible=payment_order_possible(session, case, today),
        windows=agreements.review_windows(agreement),
        deadlines=deadlines.deadlines(case, calendar, today),
        next_step=deadlines.next_step(case, calendar, today, agreement is not None),
        actions=actions.available(session, user, case),
        timeline=list(
            session.exec(
                select(AuditEvent)
                .where(AuditEvent.case_id == case.id)
                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            )
        ),
        repeats=repeat_claims(
            session,
            [row.worker.id_number for row in workers],
            exclude_case_id=case.id,
            centre_id=case.centre_id,
        ),
        personal_data=shows_personal_data(session, user, case),
        retired=frozenset(
            row.worker.id
            for row in workers
            if past_retirement_age(row.worker.id_number, case.received_on)
        ),
    )
