"""The statistics rollup never drifts from a full recount of the cases."""

import random
from datetime import date, timedelta

from sqlmodel import select

from mediation.cases import lifecycle
from mediation.cases.agreements import claim_lines as lines_of
from mediation.cases.agreements import save_agreement
from mediation.cases.assignment import assign
from mediation.cases.payments import pay_outstanding
from mediation.errors import RuleViolation
from mediation.statistics.rollup import rebuild_rollup, rollup_drift
from models import CaseRollup, User

TODAY = date(2026, 11, 24)


def _advance(db, case, actor, rng: random.Random) -> None:
    """One random legal (or refused) move of the case, as mediators make them."""
    day = case.received_on + timedelta(days=rng.randint(0, 20))
    move = rng.choice(
        ["accept", "refuse", "withdraw", "void", "mediate", "fail", "agree", "reopen"]
    )
    try:
        if move == "accept":
            lifecycle.accept(db, case, actor, day, today=TODAY)
        elif move == "refuse":
            lifecycle.refuse(db, case, actor, day, "不属于劳动争议", today=TODAY)
        elif move == "withdraw":
            lifecycle.withdraw(db, case, actor, max(day, case.accepted_on or day), today=TODAY)
        elif move == "void":
            lifecycle.void(db, case, actor, "录入错误", today=TODAY)
        elif move == "mediate":
            assign(db, case, actor, actor.id, None)
            case.status = "in_mediation" if case.status == "accepted" else case.status
            db.flush()
        elif move == "fail":
            lifecycle.fail(
                db, case, actor, max(day, case.accepted_on or day), "no_agreement", today=TODAY
            )
        elif move == "agree":
            signed = max(day, case.accepted_on or day)
            lines = {line.id: line.claimed_fen // 2 for _, line, _ in lines_of(db, case)}
            save_agreement(
                db,
                case,
                actor,
                terms="分期支付",
                payment_method="银行转账",
                copies=3,
                lines=lines,
                instalments=[(signed, sum(lines.values()))],
                parties_signed_on=signed,
                mediator_signed_on=signed,
                centre_sealed_on=signed,
                today=TODAY,
            )
            if rng.random() < 0.5:
                pay_outstanding(db, case, actor, paid_on=signed, today=TODAY)
        elif move == "reopen":
            lifecycle.reopen(db, case, actor, "更正")
    except RuleViolation:
        pass


def test_rollup_matches_a_full_recount_after_random_edits(db, make_case, make_user):
    rng = random.Random(20261124)
    cases = []
    for _ in range(25):
        centre = rng.choice(["NH-LS", "CC-ZC", "SD", "FS"])
        cases.append(
            make_case(
                centre,
                workers=rng.randint(1, 12),
                received_on=date(2024, 1, 1) + timedelta(days=rng.randint(0, 600)),
                category=rng.choice(["劳动报酬", "工伤", "社会保险"]),
                channel=rng.choice(["现场申请", "仲裁委托", "电话"]),
            )
        )
    for _ in range(150):
        case = rng.choice(cases)
        _advance(db, case, db.get(User, case.created_by_id), rng)
    db.flush()
    assert db.exec(select(CaseRollup)).first() is not None
    assert rollup_drift(db) == {}


def test_rebuild_repairs_a_damaged_rollup(db, make_case):
    case = make_case("NH-LS")
    lifecycle.accept(db, case, db.get(User, case.created_by_id), date(2024, 5, 7), today=TODAY)
    db.flush()
    row = db.exec(select(CaseRollup).where(CaseRollup.kind == "all")).first()
    row.cases += 5
    db.flush()
    assert rollup_drift(db)
    rebuild_rollup(db)
    db.expire_all()
    assert rollup_drift(db) == {}
