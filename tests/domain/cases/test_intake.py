"""Intake, numbering, derived totals and optimistic locking, on the real schema."""

import threading
from datetime import date

import pytest
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from conftest import BACKENDS, fresh_database, messages_at, resident_id
from mediation.cases import lifecycle
from mediation.cases.intake import (
    ClaimData,
    EmployerData,
    IntakeData,
    WorkerData,
    intake,
    repeat_claims,
)
from mediation.errors import RuleViolation, StaleEdit, check_version
from mediation.numbering import next_number, parse_number, raise_counter
from mediation.reference.districts import load_reference_data
from models import AuditEvent, Case, Centre, ClaimLine, Worker
from models.db import make_engine, upgrade

TODAY = date(2026, 11, 24)


def test_numbers_are_per_centre_and_year_and_continue(db, make_case, centres):
    first = make_case("NH-LS", received_on=date(2021, 3, 9))
    second = make_case("NH-LS", received_on=date(2021, 4, 1))
    other_centre = make_case("CC-ZC", received_on=date(2021, 4, 1))
    next_year = make_case("NH-LS", received_on=date(2022, 1, 5))
    assert first.number == "(2021)南里调字第1号"
    assert second.number == "(2021)南里调字第2号"
    assert other_centre.number == "(2021)禅张调字第1号"
    assert next_year.number == "(2022)南里调字第1号"
    raise_counter(db, centres["NH-LS"].id, 2021, 15)  # e.g. an imported ledger went up to 15
    assert make_case("NH-LS", received_on=date(2021, 5, 1)).number == "(2021)南里调字第16号"
    assert parse_number("(2021)南里调字第15号") == (2021, "南里", 15)
    assert parse_number("（2021）南里调字第15号") == (2021, "南里", 15)
    assert parse_number("南里15") is None


def test_a_rolled_back_intake_gives_its_number_back(db, make_case, centres):
    make_case("NH-LS", received_on=date(2021, 3, 9))
    savepoint = db.begin_nested()
    assert next_number(db, centres["NH-LS"], 2021)[1] == "(2021)南里调字第2号"
    savepoint.rollback()
    assert make_case("NH-LS", received_on=date(2021, 3, 10)).number == "(2021)南里调字第2号"


def test_intake_records_workers_claims_totals_and_audit(db, make_case):
    case = make_case("NH-LS", workers=10, claimed_fen=2_276_750)
    assert case.status == "received"
    assert case.worker_count == 10 and case.collective
    assert case.claimed_fen == 22_767_500
    assert len(db.exec(select(Worker).where(Worker.case_id == case.id)).all()) == 10
    assert len(db.exec(select(ClaimLine).where(ClaimLine.case_id == case.id)).all()) == 10
    events = db.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
    assert [e.action for e in events] == ["intake"]


def test_nine_workers_are_not_collective(make_case):
    assert not make_case(workers=9).collective


def test_intake_reports_each_bad_field(db, make_user, centres):
    actor = make_user("mediator", "NH-LS")
    data = IntakeData(
        channel="现场申请",
        received_on=date(2026, 12, 1),
        category="劳动报酬",
        application_form="oral",
        employer=EmployerData(name="某公司", credit_code="91110108551385082A"),
        workers=[
            WorkerData(name="甲", id_number="440605199001011235"),
            WorkerData(name="", phone="12345"),
        ],
    )
    with pytest.raises(RuleViolation) as caught:
        intake(db, actor, centres["NH-LS"], data, today=TODAY)
    fields = dict(caught.value.problems)
    assert fields["received_on"] == "收到申请日期不能晚于今天"
    assert "oral_record" in fields
    assert "校验位" in fields["employer_credit_code"]
    assert "校验位错误" in fields["workers-0-id_number"]
    assert fields["workers-1-name"] == "请填写姓名"
    assert "workers-1-phone" in fields
    assert db.exec(select(Case)).first() is None


def test_employers_are_reused(make_case):
    first = make_case(employer="佛山市某包装印刷有限公司")
    second = make_case(employer="佛山市某包装印刷有限公司")
    assert first.employer_id == second.employer_id


def test_repeat_claims_find_open_cases_of_the_same_worker(db, make_case, make_user, centres):
    existing = make_case()
    worker = db.exec(select(Worker).where(Worker.case_id == existing.id)).first()
    found = repeat_claims(db, [worker.id_number, resident_id(999)], centre_id=existing.centre_id)
    assert found == [
        (worker.name, worker.id_number, existing.number, centres["NH-LS"].name, existing.id)
    ]
    lifecycle.void(db, existing, make_user("mediator", "NH-LS"), "重复登记", today=TODAY)
    assert repeat_claims(db, [worker.id_number]) == []


def test_another_centres_repeat_claim_names_its_case_and_centre_with_the_name_masked(
    db, make_case, centres
):
    existing = make_case("CC-ZC")
    worker = db.exec(select(Worker).where(Worker.case_id == existing.id)).first()
    [found] = repeat_claims(db, [worker.id_number], centre_id=centres["NH-LS"].id)
    assert found.name == worker.name[0] + "*"
    assert found.label == f"{existing.number}（{centres['CC-ZC'].name}）"


def test_stale_version_is_refused(db, make_case):
    case = make_case()
    opened_with = case.version
    lifecycle.accept(db, case, _actor(db, case), date(2024, 5, 7), today=TODAY)
    assert case.version > opened_with
    with pytest.raises(StaleEdit):
        check_version(case, opened_with)
    check_version(case, case.version)


def _actor(db, case):
    from models import User

    return db.get(User, case.created_by_id)


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_updates_of_one_case_fail_instead_of_overwriting(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        case_id = _seed_case(engine)
        # Two people open the case (each read ends its transaction, as a page view does) ...
        with (
            Session(engine, expire_on_commit=False) as first,
            Session(engine, expire_on_commit=False) as second,
        ):
            a = first.get(Case, case_id)
            first.commit()
            b = second.get(Case, case_id)
            second.commit()
            # ... and both save: the second save matches no row of its version and fails.
            a.note = "甲的修改"
            first.commit()
            b.note = "乙的修改"
            with pytest.raises(StaleDataError):
                second.commit()
        with Session(engine) as check:
            assert check.get(Case, case_id).note == "甲的修改"
        engine.dispose()


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_twenty_parallel_intakes_get_unique_gapless_numbers_on_postgresql(tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        _seed_case(engine)  # number 1
        errors: list[BaseException] = []
        barrier = threading.Barrier(20)

        def one_intake(i: int) -> None:
            try:
                with Session(engine) as session:
                    centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
                    actor = _user(session)
                    barrier.wait(timeout=30)
                    intake(session, actor, centre, _intake_data(f"并发{i}"), today=TODAY)
                    session.commit()
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)

        threads = [threading.Thread(target=one_intake, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        with Session(engine) as session:
            numbers = session.exec(select(Case.seq).where(Case.year == 2024)).all()
        assert sorted(numbers) == list(range(1, 22))
        engine.dispose()


def _intake_data(name: str) -> IntakeData:
    return IntakeData(
        channel="现场申请",
        received_on=date(2024, 5, 6),
        category="劳动报酬",
        employer=EmployerData(name="佛山市并发测试有限公司"),
        workers=[WorkerData(name=name, claims=[ClaimData("工资", 100_00)])],
    )


def _user(session: Session):
    from mediation.reference.accounts import create_user, find_user

    return find_user(session, "seed") or create_user(session, "seed", "secret-2026-tests", "admin")


def _seed_case(engine) -> int:
    with Session(engine) as session:
        load_reference_data(session)
        centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
        case = intake(session, _user(session), centre, _intake_data("种子"), today=TODAY)
        session.commit()
        return case.id


def _with_representative(count: int) -> IntakeData:
    return IntakeData(
        channel="现场申请",
        received_on=date(2026, 11, 20),
        category="劳动报酬",
        employer=EmployerData(name="某公司"),
        workers=[
            WorkerData(name=f"职工{n}", representative=n == 1, claims=[ClaimData("工资", 100_00)])
            for n in range(1, count + 1)
        ],
    )


def test_representatives_only_from_ten_workers(db, make_user, centres):
    """Law art.7: workers elect representatives in a dispute of ten or more."""
    actor = make_user("mediator", "NH-LS")
    with pytest.raises(RuleViolation) as caught:
        intake(db, actor, centres["NH-LS"], _with_representative(9), today=TODAY)
    assert messages_at(caught.value, "workers-0-representative") == [
        "职工不足10人，不推举代表人（劳动争议调解仲裁法第七条）"
    ]
    case = intake(db, actor, centres["NH-LS"], _with_representative(10), today=TODAY)
    workers = db.exec(select(Worker).where(Worker.case_id == case.id)).all()
    assert [w.representative for w in workers].count(True) == 1
