"""Legal-service figures (法律服务): the arbitration and litigation cases union lawyers took on in
a period, the workers they represented (worker-times) and what was recovered for them, by outcome
and by lawyer; advice and drafting are counted apart. Definitions in docs/statistics.md."""

from sqlalchemy import func, select
from sqlmodel import Session

from mediation.statistics.period import Period
from models import COUNTED_SERVICES, Lawyer, LegalCase, LegalOutcome, LegalWorker, ServiceType
from models.base import sql_total


def _accepted_in(period: Period, centre_ids: list[int] | None) -> list:
    """Legal-service records accepted in the period, at the centres given (None: every one)."""
    conditions = [LegalCase.accepted_on >= period.start, LegalCase.accepted_on <= period.end]
    if centre_ids is not None:
        conditions.append(LegalCase.centre_id.in_(centre_ids))
    return conditions


def counted_per_case(period: Period, centre_ids: list[int] | None, *columns):
    """A subquery with one row per legal-service case the statistics count (arbitration and
    litigation accepted in the period): its id, the `columns` asked for, the workers it
    represents (`workers`) and what was recovered for them (`recovered_fen`)."""
    return (
        select(
            LegalCase.id.label("id"),
            *columns,
            func.count(LegalWorker.id).label("workers"),
            sql_total(LegalWorker.recovered_fen).label("recovered_fen"),
        )
        .select_from(LegalCase)
        .join(LegalWorker, LegalWorker.legal_case_id == LegalCase.id, isouter=True)
        .where(
            LegalCase.service_type.in_([s.value for s in COUNTED_SERVICES]),
            *_accepted_in(period, centre_ids),
        )
        .group_by(LegalCase.id, *columns)
        .subquery()
    )


def legal_statistics(session: Session, period: Period, centre_ids: list[int] | None) -> dict:
    """Arbitration and litigation cases accepted in the period (advice and drafting are not
    legal-service cases), the workers represented in them (worker-times) and the amounts
    recovered, with breakdowns by outcome and by lawyer; advice and drafting records accepted in
    the period are counted apart under "other_services". SQL aggregates only."""
    per_case = counted_per_case(period, centre_ids, LegalCase.outcome, LegalCase.lawyer_id)
    measures = (
        func.count(per_case.c.id),
        sql_total(per_case.c.workers),
        sql_total(per_case.c.recovered_fen),
    )
    cases, worker_times, recovered = session.execute(select(*measures)).one()
    by_outcome = {
        outcome: (n, w, r)
        for outcome, n, w, r in session.execute(
            select(per_case.c.outcome, *measures).group_by(per_case.c.outcome)
        ).all()
    }
    lawyer_rows = session.execute(
        select(per_case.c.lawyer_id, Lawyer.name, *measures)
        .select_from(per_case)
        .join(Lawyer, Lawyer.id == per_case.c.lawyer_id, isouter=True)
        .group_by(per_case.c.lawyer_id, Lawyer.name)
        .order_by(func.count(per_case.c.id).desc(), Lawyer.name)
    ).all()
    other = dict(
        session.execute(
            select(LegalCase.service_type, func.count(LegalCase.id))
            .where(
                LegalCase.service_type.in_([ServiceType.ADVICE.value, ServiceType.DRAFTING.value]),
                *_accepted_in(period, centre_ids),
            )
            .group_by(LegalCase.service_type)
        ).all()
    )
    return {
        "cases": int(cases),
        "worker_times": int(worker_times),
        "recovered_fen": int(recovered),
        "by_outcome": [
            {
                "outcome": o.value,
                "cases": int(by_outcome[o.value][0]),
                "worker_times": int(by_outcome[o.value][1]),
                "recovered_fen": int(by_outcome[o.value][2]),
            }
            for o in LegalOutcome
            if o.value in by_outcome
        ],
        "by_lawyer": [
            {
                "lawyer_id": lawyer_id,
                "name": name or "未指派",
                "cases": int(n),
                "worker_times": int(w),
                "recovered_fen": int(r),
            }
            for lawyer_id, name, n, w, r in lawyer_rows
        ],
        # Advice and drafting are counted apart: not legal-service cases, but still reported.
        "other_services": {
            "consultations": int(other.get(ServiceType.ADVICE.value, 0)),
            "documents": int(other.get(ServiceType.DRAFTING.value, 0)),
        },
    }
