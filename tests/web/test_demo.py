"""`flask demo-data`: a roster, employers, the holiday calendar and a few hundred cases in every
state, the article's case among them; run twice, it adds nothing the second time."""

import re
from collections import Counter
from datetime import date

from sqlalchemy import func
from sqlmodel import select

from mediation.cases.agreements import agreement_of
from mediation.cases.payments import PaymentState, payment_state
from mediation.cases.workload import workload
from mediation.dates import today
from mediation.identifiers import normalize_credit_code, normalize_id_number, normalize_phone
from mediation.reference.calendar import last_official_year
from mediation.scope import scope_of
from mediation.statistics.rollup import rollup_drift
from models import (
    CalendarDay,
    Case,
    CaseStatus,
    Centre,
    Employer,
    Lawyer,
    LawyerCentre,
    LegalCase,
    MediationSession,
    User,
    Worker,
)
from seed.data import ARTICLE_EMPLOYER


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_demo_data_makes_a_consistent_history_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    made = int(re.search(r"已生成演示案件 (\d+) 件", first.output).group(1))
    assert made == count(db, Case) >= 250

    # About half the failed mediations went on to arbitration with the union lawyer.
    carried = db.exec(select(LegalCase)).all()
    assert carried and all(
        db.get(Case, legal.mediation_case_id).status == CaseStatus.FAILED for legal in carried
    )

    # Every status, and every payment state of a succeeded case.
    statuses = Counter(db.exec(select(Case.status)))
    assert set(statuses) == {s.value for s in CaseStatus}, statuses
    succeeded = db.exec(select(Case).where(Case.status == CaseStatus.SUCCEEDED.value)).all()
    assert {payment_state(db, case) for case in succeeded} == set(PaymentState)
    sizes = Counter(db.exec(select(Case.worker_count)))
    assert sum(n for size, n in sizes.items() if size <= 4) > 0.8 * made
    assert any(size >= 10 for size in sizes) and all(size >= 1 for size in sizes)
    assert len(set(db.exec(select(Case.centre_id)))) == count(db, Centre)

    # The article's case: Lishui, 2021-03-09, 10 workers, 130 minutes, 227,675 yuan paid.
    article = db.exec(
        select(Case)
        .join(Employer, Employer.id == Case.employer_id)
        .where(Employer.name == ARTICLE_EMPLOYER, Case.received_on == date(2021, 3, 9))
    ).one()
    lishui = db.exec(select(Centre).where(Centre.code == "NH-LS")).one()
    assert article.centre_id == lishui.id and article.number.startswith("(2021)南里调字第")
    assert (article.accepted_on, article.status) == (date(2021, 3, 9), "succeeded")
    assert article.worker_count == 10 and article.collective
    assert article.agreed_fen == article.paid_fen == 22767500
    names = db.exec(select(Worker.name).where(Worker.case_id == article.id)).all()
    assert "阿永" in names
    # Display names are names, not job titles: 「调解员：梁敏」, never 「调解员：调解员 梁敏」.
    shown = db.exec(select(User.display_name).where(User.username.like("%mediator%"))).all()
    assert "梁敏" in shown and not [name for name in shown if "调解员" in name]
    (held,) = db.exec(select(MediationSession).where(MediationSession.case_id == article.id))
    assert held.duration_minutes == 130
    assert agreement_of(db, article).effective_on == date(2021, 3, 9)

    # Identifiers pass their checks.
    for kind, number, phone in db.exec(select(Worker.id_type, Worker.id_number, Worker.phone)):
        assert normalize_id_number(kind, number) == number
        assert not phone or normalize_phone(phone) == phone
    codes = [c for c in db.exec(select(Employer.credit_code)) if c]
    assert len(codes) >= 0.75 * count(db, Employer) >= 30
    codes += db.exec(select(Lawyer.firm_credit_code)).all()
    assert all(normalize_credit_code(code) == code for code in codes)

    # Lawyers at every centre; the demo lawyer is one of Lishui's.
    for centre in db.exec(select(Centre)):
        stationed = db.exec(
            select(func.count())
            .select_from(LawyerCentre)
            .join(Lawyer, Lawyer.id == LawyerCentre.lawyer_id)
            .where(LawyerCentre.centre_id == centre.id, Lawyer.active)
        ).one()
        assert stationed >= 2, centre.code
    demo_lawyer = db.exec(select(User).where(User.username == "lawyer")).one()
    linked = db.exec(select(Lawyer).where(Lawyer.user_id == demo_lawyer.id)).one()
    assert db.get(LawyerCentre, (linked.id, lishui.id)) is not None

    # Holidays and make-up days from 2008 to the latest year published.
    assert db.get(CalendarDay, date(2025, 10, 1)).kind == "holiday"
    assert db.get(CalendarDay, date(2025, 9, 28)).kind == "workday"
    years = {d.year for d in db.exec(select(CalendarDay.day))}
    assert years == set(range(2008, last_official_year() + 1))

    # The demo mediator has today's work waiting.
    mediator = db.exec(select(User).where(User.username == "mediator")).one()
    work = workload(db, scope_of(db, mediator), today())
    assert work.sessions_today and work.awaiting_acceptance and work.deadlines
    assert work.overdue_instalments and work.overdue_count
    assert rollup_drift(db) == {}

    before = {model: count(db, model) for model in (Case, Lawyer, Employer, CalendarDay, User)}
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    assert "未生成演示案件" in second.output
    assert {model: count(db, model) for model in before} == before


def test_demo_users_of_an_earlier_load_lose_their_job_titles(db, make_user):
    from seed.people import create_demo_users

    make_user("mediator", "NH-LS", username="mediator", display_name="调解员 梁敏")
    make_user("mediator", "CC-ZC", username="mediator.cc", display_name="何静（组长）")  # renamed
    create_demo_users(db)
    names = dict(db.exec(select(User.username, User.display_name)).all())
    assert names["mediator"] == "梁敏"
    assert names["mediator.cc"] == "何静（组长）"  # a name someone chose stays
