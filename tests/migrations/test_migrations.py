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

    import sqlalchemy as sa
    from sqlmodel import Session, select

    from mediation.cases import lifecycle
    from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
    from mediation.reference.accounts import create_user
    from mediation.reference.districts import load_reference_data
    from models import CalendarDay, Centre

    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                load_reference_data(session)
                centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
                actor = create_user(session, "m1", "pass-2026-m1x", "mediator", "NH-LS", None, "")
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

            def stored() -> list[date]:  # plain SQL: the model may have columns added later
                due = sa.table("mediation_case", sa.column("id"), sa.column("mediation_due_on"))
                with engine.connect() as connection:
                    rows = dict(
                        connection.execute(sa.select(due.c.id, due.c.mediation_due_on)).all()
                    )
                return [date.fromisoformat(str(rows[case_id])) for case_id in ids]

            downgrade(url, "0005")
            assert stored() == [date(2024, 10, 1), date(2024, 5, 23), date(2024, 10, 1)]
            upgrade(url)
            assert stored() == [date(2024, 10, 8), date(2024, 5, 23), date(2024, 10, 8)]
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_0008_clears_invented_dates_and_supersedes_agreements_of_reopened_cases(backend, tmp_path):
    """Before 0008 an imported agreement had all three signature dates set to the closing day,
    and a reopened case kept its agreement in force. 0008 clears the one and supersedes the
    other (on the day of the reopening, in Shanghai); its downgrade restores what the old
    schema can hold."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa
    from sqlmodel import Session, select

    from mediation.reference.districts import load_reference_data
    from models import Centre

    day, now = date(2024, 5, 20), datetime.now(UTC)
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                load_reference_data(session)
                centre_id = session.exec(select(Centre.id)).first()
                session.commit()
            downgrade(url, "0006")
            with engine.begin() as connection:

                def insert(table: str, **values) -> int:
                    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
                    statement = sa.insert(reflected).values(**values)
                    return connection.execute(statement.returning(reflected.c.id)).scalar_one()

                employer = insert("employer", name="甲公司", legal_rep="", address="", phone="",
                                  created_at=now)  # fmt: skip
                blank = dict.fromkeys(
                    ("oral_record", "facts", "requests", "refusal_reason", "void_reason",
                     "failure_reason", "outcome_note", "imported_from", "note"), ""
                )  # fmt: skip
                ids = [
                    insert(
                        "mediation_case",
                        centre_id=centre_id,
                        year=2024,
                        seq=seq,
                        number=f"第{seq}号",
                        channel="电话",
                        application_form="written",
                        received_on=day,
                        accepted_on=day,
                        category="其他",
                        collective=False,
                        new_employment=False,
                        migrant_workers=False,
                        employer_id=employer,
                        status=status,
                        closed_on=day if status == "succeeded" else None,
                        extension_days=0,
                        worker_count=1,
                        claimed_fen=100,
                        agreed_fen=80,
                        paid_fen=0,
                        created_at=now,
                        updated_at=now,
                        version=1,
                        **blank,
                    )  # fmt: skip
                    for seq, status in ((1, "succeeded"), (2, "in_mediation"))
                ]
                for case_id, imported in zip(ids, (True, False), strict=True):
                    insert(
                        "agreement", case_id=case_id, terms="", payment_method="", copies=3,
                        parties_signed_on=day, mediator_signed_on=day, centre_sealed_on=day,
                        effective_on=day, imported=imported, review_result="",
                        confirmation_result="", payment_order_result="", created_at=now,
                    )  # fmt: skip
                insert("audit_event", case_id=ids[1], actor="主任", action="reopen",
                       at=datetime(2024, 6, 2, 17, 0, tzinfo=UTC), summary="重新打开",
                       changes={})  # fmt: skip

            def rows(columns: str) -> list[tuple]:
                with engine.connect() as connection:
                    found = connection.execute(
                        sa.text(f"SELECT {columns} FROM agreement ORDER BY case_id")
                    ).all()
                return [tuple(_day(value) for value in row) for row in found]

            upgrade(url)
            # The imported one loses its invented dates; 2 June 17:00 UTC is 3 June in Shanghai.
            assert rows("case_id, parties_signed_on, superseded_on") == [
                (ids[0], None, None),
                (ids[1], day, date(2024, 6, 3)),
            ]
            with engine.connect() as connection:
                agreed = connection.execute(
                    sa.text("SELECT agreed_fen FROM mediation_case WHERE id = :id"), {"id": ids[1]}
                ).scalar_one()
            assert agreed == 0  # no agreement in force
            downgrade(url, "0006")
            assert rows("case_id, parties_signed_on") == [(ids[0], day)]
        finally:
            engine.dispose()


def _day(value):
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) else value


@pytest.mark.parametrize("backend", BACKENDS)
def test_0010_keeps_past_reopenings_for_the_periodic_report_and_back(backend, tmp_path):
    """0010 reads each past reopening from its audit event (the closure it undid, the day in
    Shanghai) so that the report counts the earlier closure; its downgrade drops the flows."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa
    from sqlmodel import Session, select

    from mediation.reference.districts import load_reference_data
    from mediation.reports.periodic import period_figures
    from mediation.statistics.period import Period
    from models import CaseReopening, Centre

    day, now = date(2024, 5, 20), datetime.now(UTC)
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                load_reference_data(session)
                centre_id = session.exec(select(Centre.id)).first()
                session.commit()
            downgrade(url, "0008")
            with engine.begin() as connection:

                def insert(table: str, **values) -> int:
                    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
                    statement = sa.insert(reflected).values(**values)
                    return connection.execute(statement.returning(reflected.c.id)).scalar_one()

                employer = insert("employer", name="甲公司", legal_rep="", address="", phone="",
                                  created_at=now)  # fmt: skip
                blank = dict.fromkeys(
                    ("oral_record", "facts", "requests", "refusal_reason", "void_reason",
                     "failure_reason", "outcome_note", "imported_from", "note"), ""
                )  # fmt: skip
                case_id = insert(
                    "mediation_case", centre_id=centre_id, year=2024, seq=1, number="第1号",
                    channel="电话", application_form="written", received_on=day,
                    accepted_on=day, category="其他", collective=False, new_employment=False,
                    migrant_workers=False, employer_id=employer, status="in_mediation",
                    closed_on=None, extension_days=0, worker_count=1, claimed_fen=100,
                    agreed_fen=0, paid_fen=0, created_at=now, updated_at=now, version=1,
                    number_key="1", **blank,
                )  # fmt: skip
                insert("audit_event", case_id=case_id, actor="主任", action="reopen",
                       at=datetime(2024, 6, 2, 17, 0, tzinfo=UTC), summary="重新打开",
                       changes={"status": ["failed", "in_mediation"],
                                "closed_on": ["2024-05-25", None]})  # fmt: skip
            upgrade(url)
            with Session(engine) as session:
                [kept] = session.exec(select(CaseReopening)).all()
                assert (kept.reopened_on, kept.closed_on, kept.outcome, kept.counted) == (
                    date(2024, 6, 3),
                    date(2024, 5, 25),
                    "failed",
                    True,
                )
                may = period_figures(session, Period(date(2024, 5, 1), date(2024, 5, 31)), None)
                june = period_figures(session, Period(date(2024, 6, 1), date(2024, 6, 30)), None)
                assert (may.accepted, may.failed, may.open_at_end) == (1, 1, 0)
                assert (june.carried_over, june.reopened, june.open_at_end) == (0, 1, 1)
            downgrade(url, "0008")
            assert "case_reopening" not in _tables(url)
            with engine.connect() as connection:
                flows = "SELECT count(*) FROM case_rollup WHERE kind LIKE 'flow%'"
                assert connection.execute(sa.text(flows)).scalar_one() == 0
        finally:
            engine.dispose()
