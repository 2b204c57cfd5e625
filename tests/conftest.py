"""Test fixtures: the schema comes from `alembic upgrade head`; each test runs inside a
transaction that is rolled back (Warehouse's pattern). SQLite always; PostgreSQL too when
TEST_DATABASE_URL is set, each run in a fresh schema so runs never collide."""

import io
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from app import create_app
from config import Config
from mediation.cases import lifecycle
from mediation.cases.agreements import claim_lines, save_agreement
from mediation.cases.payments import pay_outstanding
from mediation.reference import accounts
from mediation.reference.districts import load_reference_data
from models import Centre, District, User  # noqa: F401
from models.db import make_engine, upgrade

PASSWORD = "secret-2026-tests"
# The data key of every database the tests make (models.crypto reads DATA_KEY), fixed so that a
# failure can be reproduced by hand; never a production key.
DATA_KEY = "5e" * 32
os.environ["DATA_KEY"] = DATA_KEY
# Config read the shell's environment when app was imported: a key exported there (a bench's, a
# developer's) would become every test app's default and open no test database. None, as on a
# machine without one: an app then takes the environment's key, the one above.
Config.DATA_KEY = None
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def pytest_report_header(config):
    if "postgresql" in BACKENDS:
        return "databases: SQLite and PostgreSQL (TEST_DATABASE_URL)"
    return "databases: SQLite only (set TEST_DATABASE_URL to test PostgreSQL too)"


@contextmanager
def fresh_database(backend: str, tmp_dir) -> Iterator[str]:
    """Yield the URL of a new, empty database (a file for SQLite, a schema for PostgreSQL)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir}/test-{uuid.uuid4().hex[:8]}.sqlite3"
        return
    base = os.environ["TEST_DATABASE_URL"]
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Argon2 at production cost takes ~0.1 s a hash; tests create thousands of users."""
    from argon2 import PasswordHasher

    production = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = production


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory) -> Iterator[str]:
    with fresh_database(backend, tmp_path_factory.mktemp("db")) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            session.commit()
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test", "DATA_KEY": DATA_KEY}
    )
    yield app
    app.extensions["database"].engine.dispose()


@pytest.fixture
def db(app) -> Iterator[Session]:
    """A session inside a transaction rolled back after the test; the app's requests share it,
    and their commits only release savepoints."""
    database = app.extensions["database"]
    connection = database.engine.connect()
    outer = connection.begin()

    def session_factory() -> Session:
        return Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

    database.session_factory = session_factory
    session = session_factory()
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
        database.session_factory = database._new_session


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def centres(db) -> dict[str, Centre]:
    return {c.code: c for c in db.exec(select(Centre))}


@pytest.fixture
def districts(db) -> dict[str, District]:
    return {d.code: d for d in db.exec(select(District))}


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(role: str, centre: str | None = None, district: str | None = None, **kw):
        username = kw.pop("username", None) or f"{role}{next(counter)}"
        return accounts.create_user(db, username, PASSWORD, role, centre, district, **kw)

    return make


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(client, url: str) -> str:
    """The CSRF token a real browser would submit, read from the page's form."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


# The smallest file the attachment upload takes for a PDF.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(client, case, content: bytes, filename: str, kind="signed_agreement", note=""):
    """Attach a scan to the case through its page's upload form."""
    token = csrf_from(client, f"/cases/{case.id}")
    return client.post(
        f"/cases/{case.id}/attachments/new",
        data={
            "kind": kind,
            "note": note,
            "file": (io.BytesIO(content), filename),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )


def login(client, username: str, password: str = PASSWORD):
    token = csrf_from(client, "/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


@pytest.fixture
def login_as(client, make_user):
    """Create a user with the role and scope given and log the test client in as them."""

    def as_(role: str, centre: str | None = None, district: str | None = None, **kw):
        user = make_user(role, centre, district, **kw)
        response = login(client, user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return as_


def resident_id(serial: int, birth: str = "19900101", region: str = "440605") -> str:
    """A valid resident ID number (GB 11643) for tests: region + birth date + serial + check."""
    from mediation.identifiers import resident_id_check_char

    first17 = f"{region}{birth}{serial % 1000:03d}"
    return first17 + resident_id_check_char(first17)


@pytest.fixture
def make_case(db, make_user, centres):
    """Register a case through the domain's intake, as a mediator of the centre would."""
    from datetime import date

    from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake

    counter = iter(range(1, 100_000))

    def make(
        centre: str = "NH-LS",
        workers: int = 2,
        received_on: date | None = None,
        claimed_fen: int = 1_000_000,
        employer: str = "佛山市测试制造有限公司",
        actor=None,
        **fields,
    ):
        actor = actor or make_user("mediator", centre)
        data = IntakeData(
            channel=fields.pop("channel", "现场申请"),
            received_on=received_on or date(2024, 5, 6),
            category=fields.pop("category", "劳动报酬"),
            employer=EmployerData(name=employer),
            workers=[
                WorkerData(
                    name=f"职工{i + 1}",
                    id_number=resident_id(next(counter)),
                    phone=f"1380000{next(counter):04d}",
                    claims=[ClaimData("工资", claimed_fen)],
                )
                for i in range(workers)
            ],
            **fields,
        )
        return intake(db, actor, centres[centre], data, today=date(2026, 11, 24))

    return make


TODAY = date(2026, 11, 24)


def succeed(db, case, actor, on: date, pay: bool = True, share: float = 1.0) -> int:
    lines = {line.id: int(line.claimed_fen * share) for _, line, _ in claim_lines(db, case)}
    total = sum(lines.values())
    lifecycle.accept(db, case, actor, on, today=TODAY)
    case.status = "in_mediation"
    db.flush()
    save_agreement(
        db,
        case,
        actor,
        terms="一次性支付",
        payment_method="银行转账",
        copies=3,
        lines=lines,
        instalments=[(on, total)] if total else [],
        parties_signed_on=on,
        mediator_signed_on=on,
        centre_sealed_on=on,
        today=TODAY,
    )
    if pay and total:
        pay_outstanding(db, case, actor, paid_on=on, today=TODAY)
    return total


@pytest.fixture
def stats_dataset(db, make_case, make_user):
    """March 2021 at NH-LS and CC-ZC: the figures are counted by hand in `expected`."""
    actor = make_user("mediator", "NH-LS")
    other = make_user("mediator", "CC-ZC")

    def new(centre="NH-LS", workers=1, day=date(2021, 3, 9), **kw):
        return make_case(
            centre,
            workers=workers,
            received_on=day,
            actor=actor if centre == "NH-LS" else other,
            claimed_fen=1_000_00,
            **kw,
        )

    article = new(workers=10, day=date(2021, 3, 9))
    recovered = succeed(db, article, actor, date(2021, 3, 9))  # 10 workers x 1,000 yuan
    unpaid = new(workers=2, day=date(2021, 3, 20), category="工伤")
    recovered += succeed(db, unpaid, actor, date(2021, 3, 25), pay=False, share=0.5)
    failed = new(workers=3, day=date(2021, 3, 1))
    lifecycle.accept(db, failed, actor, date(2021, 3, 2), today=TODAY)
    lifecycle.fail(db, failed, actor, date(2021, 3, 12), "employer_refuses", today=TODAY)
    withdrawn = new(centre="CC-ZC", day=date(2021, 3, 30), channel="仲裁委托")
    lifecycle.accept(db, withdrawn, other, date(2021, 3, 31), today=TODAY)
    lifecycle.withdraw(db, withdrawn, other, date(2021, 4, 2), today=TODAY)
    open_case = new(day=date(2021, 3, 15))
    lifecycle.accept(db, open_case, actor, date(2021, 3, 15), today=TODAY)
    refused = new(day=date(2021, 3, 16))
    lifecycle.refuse(db, refused, actor, date(2021, 3, 17), "不存在劳动关系", today=TODAY)
    voided = new(day=date(2021, 3, 16))
    lifecycle.accept(db, voided, actor, date(2021, 3, 16), today=TODAY)
    lifecycle.void(db, voided, actor, "重复登记", today=TODAY)
    new(day=date(2021, 3, 18))  # received, never accepted: counts nowhere
    outside = new(day=date(2021, 4, 10))
    lifecycle.accept(db, outside, actor, date(2021, 4, 10), today=TODAY)
    db.flush()
    return {
        "handled": 5,
        "succeeded": 2,
        "failed": 1,
        "withdrawn": 1,
        "open": 1,
        "refused": 1,
        "recovered_fen": recovered,
        "paid_fen": 10 * 1_000_00,
        "workers_served": 10 + 2 + 3 + 1 + 1,
        "workers_benefited": 12,
        # days to close: article 0, unpaid 0, failed 10, withdrawn 2 → 12 / 4
        "avg_days_to_close": 3.0,
        "overdue_open": 1,
    }


class _TextOf(HTMLParser):
    VOID = {"br", "input", "img", "meta", "link", "hr", "col"}

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.parts = element_id, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(page: str, element_id: str) -> str:
    """The visible text of the element with this id, spaces collapsed."""
    parser = _TextOf(element_id)
    parser.feed(page)
    assert parser.parts, f"no #{element_id}"
    return " ".join("".join(parser.parts).split())


def messages_at(violation, field: str | None) -> list[str]:
    """The messages a RuleViolation puts at one form field (None: the form as a whole)."""
    return [message for name, message in violation.problems if name == field]
