"""Moving a caseload in one step: every case checked on its own, the clear ones moved together
with one audit event each, a conflicting one kept and reported with its reason."""

from datetime import date

import pytest
from sqlmodel import select

from mediation.cases import caseload, lifecycle
from mediation.cases.caseload import Target
from mediation.errors import RuleViolation
from models import AuditEvent, EmployerCounsel, Lawyer, LawyerCentre

TODAY = date(2026, 11, 24)


def lawyer_at(db, centre, name="王律师", firm="广东某某律师事务所") -> Lawyer:
    lawyer = Lawyer(name=name, certificate_no=f"1440620211{len(name):07d}", firm_name=firm)
    db.add(lawyer)
    db.flush()
    db.add(LawyerCentre(lawyer_id=lawyer.id, centre_id=centre.id))
    db.flush()
    return lawyer


@pytest.fixture
def leaving(db, make_case, make_user):
    """Thirty open cases of a mediator who leaves, one of them against an employer whose
    counsel is the firm of the lawyer taking over."""
    mediator = make_user("mediator", "NH-LS", display_name="离职调解员")
    supervisor = make_user("centre_supervisor", "NH-LS")
    cases = []
    for i in range(30):
        case = make_case(
            actor=mediator,
            workers=1,
            received_on=date(2026, 11, 2),
            employer="律所代理公司" if i == 17 else "普通公司",
        )
        lifecycle.accept(db, case, mediator, date(2026, 11, 3), today=TODAY)
        case.mediator_id = mediator.id
        cases.append(case)
    db.flush()
    return mediator, supervisor, cases


def events(db, case, action="reassign"):
    return db.exec(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == action)
    ).all()


def test_thirty_cases_move_to_a_lawyer_but_the_conflicting_one_stays(db, leaving, centres):
    mediator, supervisor, cases = leaving
    lawyer = lawyer_at(db, centres["NH-LS"])
    conflicted = cases[17]
    db.add(EmployerCounsel(employer_id=conflicted.employer_id, firm_name=lawyer.firm_name))
    db.flush()
    ids = [c.id for c in caseload.open_cases(db, centres["NH-LS"].id, mediator.id)]
    assert sorted(ids) == sorted(c.id for c in cases)

    planned = caseload.plan(db, centres["NH-LS"].id, ids, Target("lawyer", lawyer.id))
    expected = "广东某某律师事务所登记为律所代理公司的代理律所，存在利益冲突，应当回避"
    assert [p.case.id for p in planned if p.problem] == [conflicted.id]
    assert next(p.problem for p in planned if p.problem) == expected

    result = caseload.move(db, supervisor, centres["NH-LS"].id, ids, Target("lawyer", lawyer.id))

    assert len(result.moved) == 29
    assert [(k.case.id, k.problem) for k in result.kept] == [(conflicted.id, expected)]
    for case in cases:
        db.refresh(case)
        if case is conflicted:
            assert case.lawyer_id is None and events(db, case) == []
        else:
            assert case.lawyer_id == lawyer.id
            (event,) = events(db, case)
            assert event.summary == "批量移交：改由特约律师王律师承办"
            assert event.changes == {"lawyer_id": [None, lawyer.id]}
            assert event.user_id == supervisor.id


def test_a_mediators_cases_move_to_another_mediator(db, leaving, make_user, centres):
    mediator, supervisor, cases = leaving
    successor = make_user("mediator", "NH-LS", display_name="接手调解员")
    closed = cases[0]
    lifecycle.withdraw(db, closed, mediator, date(2026, 11, 5), today=TODAY)
    ids = [c.id for c in cases]

    result = caseload.move(
        db, supervisor, centres["NH-LS"].id, ids, Target("mediator", successor.id)
    )

    assert len(result.moved) == 29
    assert [(k.case.id, k.problem) for k in result.kept] == [
        (closed.id, "案件状态为「已撤回」，不能再指派")
    ]
    assert all(c.mediator_id == successor.id for c in result.moved)
    assert caseload.open_cases(db, centres["NH-LS"].id, mediator.id) == []


def test_targets_and_cases_must_belong_to_the_centre(db, leaving, make_user, make_case, centres):
    mediator, supervisor, cases = leaving
    elsewhere = make_user("mediator", "CC-ZC")
    other_case = make_case("CC-ZC")
    centre_id = centres["NH-LS"].id
    with pytest.raises(RuleViolation) as refused:
        caseload.move(db, supervisor, centre_id, [cases[0].id], Target("mediator", elsewhere.id))
    assert refused.value.problems == [("target", "接手的调解员须为本中心在职调解员")]
    successor = make_user("mediator", "NH-LS")
    with pytest.raises(RuleViolation) as refused:
        caseload.move(
            db,
            supervisor,
            centre_id,
            [cases[0].id, other_case.id],
            Target("mediator", successor.id),
        )
    assert refused.value.problems == [("case_ids", "所选案件须为本中心的案件")]
    db.refresh(cases[0])
    assert cases[0].mediator_id == mediator.id
