"""Demo legal services: about half of the failed mediations carried on to arbitration with the
union lawyer, the older ones with a result."""

import random
from datetime import date, timedelta

from sqlmodel import Session, select

from mediation.legal.cases import convert_failed_mediation, record_result, workers_of
from models import Case, CaseStatus, User


def demo_legal_services(session: Session, today: date, rng: random.Random) -> int:
    """Carry about half of the failed mediations on to arbitration with the union lawyer, and
    give those opened more than two months ago a result; returns how many were carried on."""
    failed = session.exec(
        select(Case).where(Case.status == CaseStatus.FAILED.value).order_by(Case.id)
    ).all()
    carried = 0
    for case in failed:
        if rng.random() < 0.5:
            continue
        actor = session.get(User, case.mediator_id) if case.mediator_id else None
        opened = min(case.closed_on + timedelta(days=rng.randint(1, 20)), today)
        legal = convert_failed_mediation(session, case, actor, accepted_on=opened, today=today)
        carried += 1
        if (today - opened).days > 60:
            outcome = rng.choice(["胜诉", "胜诉", "部分胜诉", "调解结案", "败诉", "撤回"])
            share = {"胜诉": 0.9, "部分胜诉": 0.55, "调解结案": 0.7}.get(outcome, 0.0)
            amounts = {
                worker.id: (int(worker.claimed_fen * share), int(worker.claimed_fen * share))
                for worker in workers_of(session, legal)
            }
            closed = opened + timedelta(days=rng.randint(30, 55))
            record_result(session, legal, actor, outcome, closed, amounts, today=today)
    return carried
