"""Supervision letters issued at the same moment by several supervisors of one district get
unique, gapless numbers on SQLite and PostgreSQL, and a rolled-back issue gives its number back."""

import threading
from datetime import date

from sqlmodel import Session, select

from conftest import fresh_database
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.reference.accounts import create_user
from mediation.reference.districts import load_reference_data
from mediation.reports import letters
from mediation.scope import scope_of
from models import Centre, Employer, SupervisionLetter, User
from models.db import make_engine, upgrade

DAY = date(2026, 11, 20)
WRITERS = 6


def _prepare(engine) -> int:
    """A case against one employer at NH-LS, and the district's supervisors: the employer id."""
    with Session(engine) as session:
        load_reference_data(session)
        mediator = create_user(session, "m", "secret-2026-tests", "mediator", "NH-LS")
        for i in range(WRITERS):
            create_user(session, f"d{i}", "secret-2026-tests", "district_supervisor", None, "NH")
        centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
        data = IntakeData(
            channel="现场申请",
            received_on=DAY,
            category="劳动报酬",
            employer=EmployerData(name="佛山市并发监督测试公司"),
            workers=[WorkerData(name="职工甲", claims=[ClaimData("工资", 100_000)])],
        )
        case = intake(session, mediator, centre, data, today=DAY)
        session.commit()
        return case.employer_id, case.id


def _issue(session: Session, username: str, employer_id: int, case_id: int):
    user = session.exec(select(User).where(User.username == username)).one()
    data = letters.LetterData("notice", DAY, [case_id], [], "拖欠工资")
    employer = session.get(Employer, employer_id)
    return letters.issue_letter(session, user, scope_of(session, user), employer, data, DAY)


def test_parallel_issues_number_gaplessly(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        employer_id, case_id = _prepare(engine)
        with Session(engine) as session:  # an issue rolled back: its number is given back
            _issue(session, "d0", employer_id, case_id)
            session.rollback()
        barrier = threading.Barrier(WRITERS)
        failures = []

        def supervisor(i: int) -> None:
            try:
                with Session(engine) as session:
                    barrier.wait(timeout=30)
                    if backend == "sqlite":  # as a POST request begins (views/db.py)
                        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                    _issue(session, f"d{i}", employer_id, case_id)
                    session.commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                failures.append(repr(error))

        threads = [threading.Thread(target=supervisor, args=(i,)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert failures == []
        with Session(engine) as session:
            numbers = sorted(session.exec(select(SupervisionLetter.seq)))
            assert numbers == list(range(1, WRITERS + 1))
        engine.dispose()
