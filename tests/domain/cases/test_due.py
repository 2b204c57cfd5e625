"""What is due on a day: the edges of each rule (mediation.cases.due)."""

from datetime import date, datetime, timedelta

from mediation.cases import lifecycle
from mediation.cases.due import due_items, replace_due_items
from mediation.dates import TZ
from models import CaseStatus, DueItem, DueKind, MediationSession

DAY = date(2024, 5, 10)


def _accepted(db, make_case, make_user, n: int):
    actor = make_user("mediator", "NH-LS")
    cases = [make_case("NH-LS", actor=actor, received_on=date(2024, 4, 20)) for _ in range(n)]
    for case in cases:
        lifecycle.accept(db, case, actor, date(2024, 4, 22), today=DAY)
    return cases


def test_deadlines_count_from_today_to_three_days_ahead(db, make_case, make_user):
    today, edge, beyond, past = _accepted(db, make_case, make_user, 4)
    for case, days in ((today, 0), (edge, 3), (beyond, 4), (past, -1)):
        case.mediation_due_on = DAY + timedelta(days=days)
    db.flush()
    near = [i.case_id for i in due_items(db, DAY) if i.kind == DueKind.DEADLINE_NEAR.value]
    assert sorted(near) == sorted([today.id, edge.id])


def test_a_session_tomorrow_of_a_closed_case_is_not_due(db, make_case, make_user):
    open_case, withdrawn = _accepted(db, make_case, make_user, 2)
    for case in (open_case, withdrawn):
        db.add(
            MediationSession(case_id=case.id, starts_at=datetime(2024, 5, 11, 23, 30, tzinfo=TZ))
        )
        case.mediation_due_on = DAY + timedelta(days=30)
    withdrawn.status, withdrawn.closed_on = CaseStatus.WITHDRAWN.value, DAY
    db.flush()
    [item] = due_items(db, DAY)
    assert (item.kind, item.case_id, item.due_on) == (
        "session_tomorrow",
        open_case.id,
        date(2024, 5, 11),
    )


def test_a_rerun_for_the_same_day_replaces_the_earlier_run(db, make_case, make_user):
    [case] = _accepted(db, make_case, make_user, 1)
    case.mediation_due_on = DAY
    db.flush()
    replace_due_items(db, DAY, due_items(db, DAY), "first")
    replace_due_items(db, DAY, due_items(db, DAY), "second")
    rows = db.exec(DueItem.__table__.select().where(DueItem.day == DAY)).all()
    assert [(row.case_id, row.job_id) for row in rows] == [(case.id, "second")]
