"""Migration 0014 moves the case events that recorded prints and downloads into the access log
(they were reads, not changes), leaves every other event where it was, and makes both logs
append-only; its downgrade moves the reads back."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from conftest import BACKENDS, fresh_database
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.reference import accounts
from mediation.reference.districts import load_reference_data
from models import Centre
from models.db import downgrade, make_engine, upgrade

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
EVENTS = [  # action, summary: as views/sheets.py and views/attachments.py wrote them
    ("print", "打印调解协议书（草稿）"),
    ("print", "下载职工名册PDF"),
    ("download", "下载附件「已签章的调解协议书」：协议.pdf"),
    ("accept", "受理"),
]


def _case(session: Session) -> tuple[int, str, int, str]:
    load_reference_data(session)
    actor = accounts.create_user(
        session, "m", "mediator-pass-2026", "mediator", "NH-LS", display_name="梁调解"
    )
    centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
    data = IntakeData(
        channel="现场申请",
        received_on=DAY,
        category="劳动报酬",
        employer=EmployerData(name="佛山市顺达物流有限公司"),
        workers=[WorkerData("梁敏", claims=[ClaimData("工资", 100_000)])],
    )
    case = intake(session, actor, centre, data, today=DAY)
    session.commit()
    return case.id, case.number, actor.id, actor.username


@pytest.mark.parametrize("backend", BACKENDS)
def test_0014_moves_prints_and_downloads_to_the_access_log_and_back(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                case_id, number, user_id, username = _case(session)
            downgrade(url, "0011")
            events = sa.table(
                "audit_event", *(sa.column(c) for c in
                                 ("case_id", "user_id", "actor", "at", "action", "summary",
                                  "changes"))
            )  # fmt: skip
            with engine.begin() as connection:
                connection.execute(sa.delete(events))
                for action, summary in EVENTS:
                    connection.execute(
                        sa.insert(events).values(
                            case_id=case_id, user_id=user_id, actor="梁调解", at=AT,
                            action=action, summary=summary, changes=sa.literal_column("'{}'"),
                        )
                    )  # fmt: skip

            upgrade(url)
            with engine.connect() as connection:
                moved = connection.execute(
                    sa.text(
                        "SELECT user_id, username, kind, case_id, case_number, detail"
                        " FROM access_log ORDER BY id"
                    )
                ).all()
                left = connection.execute(sa.text("SELECT action FROM audit_event")).scalars()
                assert list(left) == ["accept"]
            assert [tuple(row) for row in moved] == [
                (user_id, username, "document", case_id, number, "调解协议书（草稿）"),
                (user_id, username, "document_pdf", case_id, number, "职工名册"),
                (user_id, username, "scan", case_id, number, EVENTS[2][1]),
            ]
            refused = pytest.raises(sa.exc.DatabaseError, match="append-only")
            with refused, engine.begin() as connection:
                connection.execute(sa.text("DELETE FROM access_log"))

            downgrade(url, "0011")
            with engine.connect() as connection:
                back = connection.execute(
                    sa.text("SELECT actor, action, summary FROM audit_event ORDER BY id")
                ).all()
            assert sorted(tuple(row) for row in back) == sorted(
                ("梁调解", action, summary) for action, summary in EVENTS
            )
        finally:
            engine.dispose()
