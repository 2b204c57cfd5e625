"""The ledger round trip is exact: a centre's, a district's or the city's cases exported and
imported into a database holding only what init-db loads plus the same lawyer roster give, on
the same day, the same /api/stats answer field for field, for any period and every scope inside
the export. On SQLite and PostgreSQL (the `backend` of the session's database)."""

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import create_app
from conftest import PASSWORD, TODAY, fresh_database, login, succeed
from mediation.cases import agreements, lifecycle, payments
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.dates import TZ
from mediation.dates import today as local_today
from mediation.ledger.importing import import_ledger
from mediation.legal.cases import LegalWorkerData, create_legal_case, record_result, workers_of
from mediation.reference import accounts
from mediation.reference.calendar import load_official_days
from mediation.reference.districts import load_reference_data
from mediation.reference.roster import LawyerData, save_lawyer
from mediation.scope import Scope
from models import Centre, Lawyer
from models.db import make_engine, upgrade

ROSTER = [(f"特约律师{n}", f"14406201020{n:06d}") for n in range(1, 4)]


def _pay_first(db, case, actor, on):
    first = payments.worker_amounts(db, case)[0]
    payments.record_payment(
        db, case, actor, worker_id=first.worker.id, amount_fen=first.agreed_fen // 2, paid_on=on,
        today=TODAY,
    )  # fmt: skip


def _mediating(db, make_case, actor, centre, on, workers=2, **kw):
    case = make_case(centre, workers=workers, received_on=on, actor=actor, **kw)
    lifecycle.accept(db, case, actor, on, today=TODAY)
    lifecycle.record_session(
        db, case, actor, datetime(on.year, on.month, on.day, 10, tzinfo=TZ), 60, "调解室", "", ""
    )
    return case


def _sign_again(db, case, actor, on):
    lines = {line.id: line.claimed_fen // 2 for _, line, _ in agreements.claim_lines(db, case)}
    paid = agreements.paid_by_worker(db, case)
    for worker, line, _ in agreements.claim_lines(db, case):
        lines[line.id] = max(lines[line.id], paid.get(worker.id, 0))
    agreements.save_agreement(
        db, case, actor, terms="重新达成协议", payment_method="银行转账", copies=3, lines=lines,
        instalments=[(on, sum(lines.values()))], parties_signed_on=on, mediator_signed_on=on,
        centre_sealed_on=on, today=TODAY,
    )  # fmt: skip


@pytest.fixture
def varied(db, make_case, make_user):
    """Every status, reopened cases, withdrawals before and after acceptance, partial payments,
    extensions, legal cases of every service type, at three centres in three districts."""
    load_official_days(db)  # as init-db does
    by_code = {c.code: c for c in db.exec(select(Centre))}
    stationed = tuple(by_code[code].id for code in ("NH-LS", "CC-ZC", "SD-RG"))
    roster = [
        save_lawyer(
            db,
            None,
            LawyerData(name, certificate, "广东南天律师事务所", centre_ids=stationed),
            None,
        )
        for name, certificate in ROSTER
    ]
    nh = make_user("mediator", "NH-LS")
    cc = make_user("mediator", "CC-ZC")
    sd = make_user("mediator", "SD-RG")
    supervisor = make_user("admin")
    now = local_today()

    full = make_case("NH-LS", workers=3, received_on=date(2024, 5, 6), actor=nh)
    succeed(db, full, nh, date(2024, 5, 6))
    partial = make_case("NH-LS", workers=2, received_on=date(2024, 5, 20), actor=nh)
    succeed(db, partial, nh, date(2024, 5, 20), pay=False, share=0.8)
    _pay_first(db, partial, nh, date(2024, 5, 31))
    extended = _mediating(db, make_case, nh, "NH-LS", date(2024, 6, 3), category="工伤")
    lifecycle.extend(db, extended, nh, date(2024, 6, 10), 10, today=TODAY)
    _sign_again(db, extended, nh, date(2024, 6, 25))
    failed = _mediating(db, make_case, nh, "NH-LS", date(2024, 5, 8), workers=4)
    lifecycle.fail(db, failed, nh, date(2024, 5, 21), "employer_refuses", today=TODAY)
    after = make_case("NH-LS", workers=1, received_on=date(2024, 5, 9), actor=nh)
    lifecycle.accept(db, after, nh, date(2024, 5, 9), today=TODAY)
    lifecycle.withdraw(db, after, nh, date(2024, 5, 15), "已自行和解", today=TODAY)
    before = make_case("NH-LS", workers=2, received_on=date(2024, 5, 10), actor=nh)
    lifecycle.withdraw(db, before, nh, date(2024, 5, 12), today=TODAY)
    refused = make_case("NH-LS", received_on=date(2024, 5, 13), actor=nh)
    lifecycle.refuse(db, refused, nh, date(2024, 5, 14), "不属于劳动争议", today=TODAY)
    voided = make_case("NH-LS", received_on=date(2024, 5, 13), actor=nh)
    lifecycle.accept(db, voided, nh, date(2024, 5, 14), today=TODAY)
    lifecycle.void(db, voided, nh, "重复登记", today=TODAY)
    make_case("NH-LS", received_on=date(2024, 6, 17), actor=nh)  # received only
    overdue = make_case("NH-LS", received_on=date(2024, 6, 10), actor=nh, channel="仲裁委托")
    lifecycle.accept(db, overdue, nh, date(2024, 6, 11), today=TODAY)
    late_consent = make_case("NH-LS", received_on=date(2024, 6, 12), actor=nh)
    lifecycle.accept(db, late_consent, nh, date(2024, 6, 12), today=TODAY)
    lifecycle.extend(db, late_consent, nh, date(2024, 7, 1), 15, today=TODAY, after_expiry=True)
    data = IntakeData(
        channel="电话",
        received_on=now,
        category="其他",
        employer=EmployerData(name="佛山市新开业有限公司"),
        workers=[WorkerData(name="新职工", claims=[ClaimData("其他", 50_000)])],
    )
    fresh = intake(db, nh, by_code["NH-LS"], data, today=now)
    lifecycle.accept(db, fresh, nh, now, today=now)  # open, not yet overdue
    # Open and overdue but for the extension both parties consented to (延长天数 carries it).
    data.received_on = now - timedelta(days=20)
    stretched = intake(db, nh, by_code["NH-LS"], data, today=now)
    lifecycle.accept(db, stretched, nh, data.received_on, today=now)
    lifecycle.extend(db, stretched, nh, now - timedelta(days=18), 15, today=now)
    reopened = make_case("NH-LS", workers=3, received_on=date(2024, 7, 1), actor=nh)
    succeed(db, reopened, nh, date(2024, 7, 1), pay=False)
    _pay_first(db, reopened, nh, date(2024, 7, 5))
    lifecycle.reopen(db, reopened, supervisor, "协议有误", today=TODAY)
    resigned = make_case("NH-LS", workers=2, received_on=date(2024, 7, 2), actor=nh)
    succeed(db, resigned, nh, date(2024, 7, 2), pay=False)
    _pay_first(db, resigned, nh, date(2024, 7, 3))
    lifecycle.reopen(db, resigned, supervisor, "金额有误", today=TODAY)
    lifecycle.record_session(
        db, resigned, nh, datetime(2026, 11, 20, 10, tzinfo=TZ), 60, "调解室", "", "重新调解"
    )
    _sign_again(db, resigned, nh, TODAY)

    article = make_case("CC-ZC", workers=10, received_on=date(2021, 3, 9), actor=cc)
    succeed(db, article, cc, date(2021, 3, 9))
    cc_failed = _mediating(db, make_case, cc, "CC-ZC", date(2024, 5, 22), channel="法院委派")
    lifecycle.fail(db, cc_failed, cc, date(2024, 6, 5), "other", "被申请人失联", today=TODAY)
    cc_open = make_case("CC-ZC", received_on=date(2024, 6, 28), actor=cc)
    lifecycle.accept(db, cc_open, cc, date(2024, 7, 1), today=TODAY)
    sd_case = make_case("SD-RG", workers=5, received_on=date(2024, 5, 27), actor=sd)
    succeed(db, sd_case, sd, date(2024, 5, 27), share=0.6)

    for centre, service, day, lawyer, outcome, recovered in [
        ("NH-LS", "仲裁代理", date(2024, 5, 7), roster[0], "胜诉", 1_234_500),
        ("NH-LS", "诉讼代理", date(2024, 6, 18), roster[1], None, 0),
        ("NH-LS", "法律咨询", date(2024, 5, 8), None, None, 0),
        ("CC-ZC", "代写文书", date(2024, 6, 2), None, None, 0),
        ("CC-ZC", "仲裁代理", date(2021, 4, 1), roster[2], "调解结案", 300_000),
        ("SD-RG", "诉讼代理", date(2024, 7, 3), None, "败诉", 0),
    ]:
        legal = create_legal_case(
            db, None, by_code[centre], service, day,
            [LegalWorkerData("甲"), LegalWorkerData("乙")],
            lawyer_id=lawyer.id if lawyer else None, today=TODAY,
        )  # fmt: skip
        if outcome:
            first, second = workers_of(db, legal)
            record_result(
                db, legal, None, outcome, day + timedelta(days=40),
                {first.id: (recovered, recovered), second.id: (0, 0)}, today=TODAY,
            )  # fmt: skip
    db.flush()
    return roster


def _target(url: str, roster: list[Lawyer]):
    """A new database as init-db leaves it, with the same lawyer roster (ids included, as a
    copy of the roster table would have them) and a city supervisor to ask /api/stats."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference_data(session)
        load_official_days(session)
        for lawyer in roster:
            session.add(
                Lawyer(
                    id=lawyer.id,
                    name=lawyer.name,
                    certificate_no=lawyer.certificate_no,
                    firm_name=lawyer.firm_name,
                )
            )
        accounts.create_user(session, "city", PASSWORD, "city_supervisor", None, None)
        session.commit()
    engine.dispose()


PERIODS = [
    ("2024-01-01", "2024-12-31"),  # a year
    ("2024-05-07", "2024-06-20"),  # a custom range of partial months
    ("2024-05-01", "2024-05-31"),  # a month
    ("2021-01-01", None),  # to today: every whole year read from the rollup
]


@pytest.mark.parametrize(
    ("export_args", "scopes"),
    [
        ("centre=NH-LS", ["centre=NH-LS"]),
        ("district=NH", ["district=NH", "centre=NH-LS"]),
        ("", ["", "district=NH", "district=CC", "district=SD", "centre=CC-ZC", "centre=SD-RG"]),
    ],
    ids=["centre", "district", "city"],
)
def test_export_then_import_into_an_empty_database_keeps_every_figure(
    backend, client, db, login_as, varied, tmp_path, export_args, scopes
):
    login_as("city_supervisor")
    path = tmp_path / "导出.xlsx"
    with client.get(f"/ledger/export.xlsx?{export_args}") as exported:
        assert exported.status_code == 200
        path.write_bytes(exported.data)
    now = local_today()

    def ask(http, scope: str) -> list[dict]:
        answers = []
        for start, end in PERIODS:
            query = f"from={start}&to={end or now.isoformat()}" + (f"&{scope}" if scope else "")
            response = http.get(f"/api/stats?{query}")
            assert response.status_code == 200, response.get_data(as_text=True)
            answers.append(response.get_json())
        return answers

    expected = {scope: ask(client, scope) for scope in scopes}
    assert expected[scopes[0]][0]["mediation"]["handled"] > 0

    with fresh_database(backend, tmp_path) as url:
        _target(url, varied)
        other = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
        try:
            with Session(other.extensions["database"].engine) as session:
                report = import_ledger(
                    session, path, path.name, actor=None, scope=Scope(None), today=now
                )
                assert report.ok, [str(p) for p in report.problems]
                session.commit()
            http = other.test_client()
            assert login(http, "city").status_code == 302
            for scope in scopes:
                got = ask(http, scope)
                for (start, end), want, have in zip(PERIODS, expected[scope], got, strict=True):
                    assert have == want, (scope, start, end)
        finally:
            other.extensions["database"].engine.dispose()
