"""Migration 0015 encrypts the ID numbers and phones already stored, turns their search keys into
keyed hashes, and goes back down to plain values; without a key it changes nothing."""

from datetime import date

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import Session, select

from conftest import BACKENDS, DATA_KEY, PASSWORD, fresh_database, resident_id
from mediation import audit
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.cases.listing import CaseFilter, list_cases
from mediation.identifiers import lookup_key
from mediation.reference import accounts
from mediation.reference.districts import load_reference_data
from mediation.scope import scope_of
from models import Case, Centre, crypto
from models.db import alembic_config, downgrade, make_engine, upgrade

NUMBER, PHONE, EMPLOYER_PHONE = resident_id(58), "13912345678", "0757-86281234"
# The revision the encryption migration follows (the chain is re-linked as branches land).
BEFORE = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision("0015").down_revision

STORED = (
    "SELECT w.id_number, w.phone, w.id_key, w.phone_key, e.phone AS employer_phone"
    " FROM case_worker w JOIN mediation_case c ON c.id = w.case_id"
    " JOIN employer e ON e.id = c.employer_id"
)


def _register(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference_data(session)
        actor = accounts.create_user(session, "m", PASSWORD, "mediator", "NH-LS")
        centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
        data = IntakeData(
            channel="现场申请",
            received_on=date(2026, 3, 2),
            category="劳动报酬",
            employer=EmployerData(name="佛山市顺达物流有限公司", phone=EMPLOYER_PHONE),
            workers=[
                WorkerData("梁敏", id_number=NUMBER, phone=PHONE, claims=[ClaimData("工资", 1)])
            ],
        )
        number = intake(session, actor, centre, data, today=date(2026, 3, 2)).number
        session.commit()
    engine.dispose()
    return number


def _record_correction(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        case = session.exec(select(Case)).one()
        changes = {"id_number": [NUMBER, None], "employer_phone": ["13800138000", ""]}
        audit.record_event(session, case, None, "remove_worker", "删除申请人", changes)
        session.commit()
    engine.dispose()


def _changes(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT CAST(changes AS TEXT) FROM audit_event")).scalars()
        joined = " ".join(stored)
    engine.dispose()
    return joined


def _stored(url: str):
    engine = make_engine(url)
    with engine.connect() as connection:
        row = connection.execute(text(STORED)).one()
    engine.dispose()
    return row


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_rows_are_encrypted_and_found_again(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        case_number = _register(url)
        _record_correction(url)
        downgrade(url, BEFORE)  # the values as they were before: in clear, plain keys
        assert NUMBER in _changes(url)
        assert tuple(_stored(url)) == (
            NUMBER,
            PHONE,
            f"id:{NUMBER}",
            f"phone:{PHONE}",
            EMPLOYER_PHONE,
        )

        upgrade(url)
        row = _stored(url)
        key_id = crypto.DataKey(DATA_KEY).id
        for value in (row.id_number, row.phone, row.employer_phone):
            assert value.startswith(f"{key_id}$")
        assert NUMBER not in row.id_number and PHONE not in row.phone
        assert NUMBER not in _changes(url) and "13800138000" not in _changes(url)
        assert (row.id_key, row.phone_key) == (lookup_key("id", NUMBER), lookup_key("phone", PHONE))
        engine = make_engine(url)
        with Session(engine) as session:
            city = scope_of(
                session, accounts.create_user(session, "c", PASSWORD, "city_supervisor")
            )
            for query in (NUMBER, PHONE):
                found = list_cases(session, city, CaseFilter(text=query), date(2026, 11, 24)).rows
                assert [case.number for case in found] == [case_number]
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_without_a_key_the_migration_changes_nothing(backend, tmp_path, monkeypatch):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url, BEFORE)
        monkeypatch.delenv("DATA_KEY")
        monkeypatch.setattr(crypto, "ROOT", tmp_path)  # no instance/data_key there either
        monkeypatch.setattr(crypto, "_ring", None)
        with pytest.raises(crypto.DataKeyError, match="DATA_KEY"):
            upgrade(url)
        engine = make_engine(url)
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        engine.dispose()
        assert version == BEFORE
