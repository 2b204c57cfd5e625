"""Alembic is the only source of the schema: it must go up, down and up again, and match the
models exactly (no drift) on every database."""

import pytest
from alembic import command
from sqlalchemy import inspect

from conftest import BACKENDS, fresh_database
from models.db import alembic_config, downgrade, make_engine, upgrade


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade_and_no_drift(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        assert "case" in _tables(url) or "user" in _tables(url)
        downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}
        upgrade(url)
        command.check(alembic_config(url))  # raises when models and migrations differ


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_0006_rolls_every_stored_deadline_past_rest_days_and_back(backend, tmp_path):
    """Migration 0006 recomputes Case.mediation_due_on by the period rule with the calendar table
    as it is; its downgrade restores the plain count of days."""
    from datetime import date

    from sqlmodel import Session, select

    from mediation.cases import lifecycle
    from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
    from mediation.reference.accounts import create_user
    from mediation.reference.districts import load_reference_data
    from models import CalendarDay, Case, Centre

    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                load_reference_data(session)
                centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
                actor = create_user(session, "m1", "pass2026x", "mediator", "NH-LS", None, "")
                ids = []
                for received, accepted, closed in [
                    (date(2024, 9, 14), date(2024, 9, 16), False),  # 15th day: 1 October
                    (date(2024, 5, 6), date(2024, 5, 8), False),  # 23 May, a Thursday
                    (date(2024, 9, 14), date(2024, 9, 16), True),  # closed: every case counts
                ]:
                    data = IntakeData(
                        channel="现场申请",
                        received_on=received,
                        category="劳动报酬",
                        employer=EmployerData(name="某公司"),
                        workers=[WorkerData(name="甲", claims=[ClaimData("工资", 100)])],
                    )
                    case = intake(session, actor, centre, data, today=date(2026, 11, 24))
                    lifecycle.accept(session, case, actor, accepted, today=date(2026, 11, 24))
                    if closed:
                        lifecycle.withdraw(session, case, actor, accepted, today=date(2026, 11, 24))
                    ids.append(case.id)
                for day in range(1, 8):
                    session.add(CalendarDay(day=date(2024, 10, day), kind="holiday", name="国庆节"))
                session.commit()

            def stored() -> list[date]:
                with Session(engine) as session:
                    return [session.get(Case, case_id).mediation_due_on for case_id in ids]

            downgrade(url, "0005")
            assert stored() == [date(2024, 10, 1), date(2024, 5, 23), date(2024, 10, 1)]
            upgrade(url)
            assert stored() == [date(2024, 10, 8), date(2024, 5, 23), date(2024, 10, 8)]
        finally:
            engine.dispose()
