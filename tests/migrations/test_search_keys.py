"""The search migration fills its keys for the rows already there, and goes down cleanly."""

from datetime import date

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from conftest import BACKENDS, fresh_database, resident_id
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.identifiers import lookup_key
from mediation.reference import accounts
from mediation.reference.districts import load_reference_data
from models import Centre
from models.db import downgrade, make_engine, upgrade


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_rows_get_their_search_keys(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        number = resident_id(42)
        with Session(engine) as session:
            load_reference_data(session)
            actor = accounts.create_user(session, "m", "secret-2026-tests", "mediator", "NH-LS")
            centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
            data = IntakeData(
                channel="现场申请",
                received_on=date(2026, 3, 2),
                category="劳动报酬",
                employer=EmployerData(name="佛山市顺达物流有限公司"),
                workers=[
                    WorkerData(
                        "梁敏", id_number=number, phone="13912345678", claims=[ClaimData("工资", 1)]
                    )
                ],
            )
            case_number = intake(session, actor, centre, data, today=date(2026, 3, 2)).number
            session.commit()
        engine.dispose()

        downgrade(url, "0005")  # rows stay, their keys go
        engine = make_engine(url)
        columns = {c["name"] for c in inspect(engine).get_columns("case_worker")}
        assert not {"id_key", "phone_key"} & columns
        engine.dispose()

        upgrade(url)
        engine = make_engine(url)
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT id_key, phone_key FROM case_worker")).one()
            number_key = connection.execute(text("SELECT number_key FROM mediation_case")).scalar()
        engine.dispose()
        assert keys == (lookup_key("id", number), lookup_key("phone", "13912345678"))
        assert number_key == case_number.replace("(", "").replace(")", "").replace("第", "")[:-1]
