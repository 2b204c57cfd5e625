"""Migration 0011 splits each agreement-level instalment across the workers by their agreed
amounts in whole fen (every date's total and every worker's agreed amount unchanged) and adds
them back up on the way down."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from conftest import BACKENDS, fresh_database
from mediation.cases import lifecycle
from mediation.cases.agreements import claim_lines, save_agreement
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.dates import TZ
from mediation.reference import accounts
from mediation.reference.districts import load_reference_data
from models import Centre
from models.db import downgrade, make_engine, upgrade

DAY = date(2026, 3, 2)
AGREED = {"梁敏": 100_001, "何志强": 200_000, "陈小芳": 33_333}  # 3,333.34 yuan in all
OLD_SCHEDULE = [
    (date(2026, 4, 1), 111_111),
    (date(2026, 5, 1), 111_111),
    (date(2026, 6, 1), 111_112),
]


def _agreed_case(session: Session) -> int:
    load_reference_data(session)
    actor = accounts.create_user(session, "m", "mediator-pass-2026", "mediator", "NH-LS")
    centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
    data = IntakeData(
        channel="现场申请",
        received_on=DAY,
        category="劳动报酬",
        employer=EmployerData(name="佛山市顺达物流有限公司"),
        workers=[WorkerData(name, claims=[ClaimData("工资", fen)]) for name, fen in AGREED.items()],
    )
    case = intake(session, actor, centre, data, today=DAY)
    lifecycle.accept(session, case, actor, DAY, today=DAY)
    starts = datetime(2026, 3, 2, 9, tzinfo=TZ)
    lifecycle.record_session(session, case, actor, starts, 60, "调解室", "", "笔录")
    lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(session, case)}
    save_agreement(
        session,
        case,
        actor,
        terms="分期支付",
        payment_method="银行转账",
        copies=3,
        lines=lines,
        instalments=[(date(2026, 4, 1), sum(lines.values()))],
    )
    session.commit()
    return case.id


@pytest.mark.parametrize("backend", BACKENDS)
def test_0011_splits_every_instalment_by_agreed_amounts_and_adds_them_back(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                _agreed_case(session)
            downgrade(url, "0010")
            with engine.begin() as connection:  # the old schema: one schedule per agreement
                agreement_id = connection.execute(sa.text("SELECT id FROM agreement")).scalar_one()
                assert connection.execute(
                    sa.text("SELECT due_on, amount_fen FROM instalment")
                ).all() == [(_stored(date(2026, 4, 1), backend), 333_334)]
                connection.execute(sa.text("DELETE FROM instalment"))
                for due_on, fen in OLD_SCHEDULE:
                    connection.execute(
                        sa.text(
                            "INSERT INTO instalment (agreement_id, due_on, amount_fen)"
                            " VALUES (:a, :d, :f)"
                        ),
                        {"a": agreement_id, "d": due_on, "f": fen},
                    )

            upgrade(url)
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text(
                        "SELECT w.name, i.due_on, i.amount_fen FROM instalment i"
                        " JOIN case_worker w ON w.id = i.worker_id ORDER BY w.position, i.due_on"
                    )
                ).all()
            by_worker: dict[str, list[int]] = {}
            by_date: dict[date, int] = {}
            for name, due_on, fen in rows:
                by_worker.setdefault(name, []).append(fen)
                by_date[_day(due_on)] = by_date.get(_day(due_on), 0) + fen
            assert {name: sum(fens) for name, fens in by_worker.items()} == AGREED
            assert sorted(by_date.items()) == OLD_SCHEDULE
            # Each share is the proportional amount rounded down or up, never further: on the
            # first two dates (33,333.567 / 66,666.467 / 11,110.967) the fen left over go to the
            # largest remainders; 梁敏 has then had both of his, so the last goes to 何志强.
            assert by_worker == {
                "梁敏": [33_334, 33_334, 33_333],
                "何志强": [66_666, 66_666, 66_668],
                "陈小芳": [11_111, 11_111, 11_111],
            }

            downgrade(url, "0010")
            with engine.connect() as connection:
                back = connection.execute(
                    sa.text("SELECT due_on, amount_fen FROM instalment ORDER BY due_on")
                ).all()
            assert [(_day(d), fen) for d, fen in back] == OLD_SCHEDULE
            upgrade(url)
        finally:
            engine.dispose()


def _stored(day: date, backend: str):
    return day.isoformat() if backend == "sqlite" else day


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value
