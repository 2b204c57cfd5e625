"""Test fixtures: the schema comes from `alembic upgrade head`; each test runs inside a
transaction that is rolled back (Warehouse's pattern). SQLite always; PostgreSQL too when
TEST_DATABASE_URL is set, each run in a fresh schema so runs never collide."""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from app import create_app
from mediation import accounts
from mediation.reference import load_reference_data
from models import Centre, District
from models.db import make_engine, upgrade

PASSWORD = "secret123"
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
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
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

    from mediation.cases import ClaimData, EmployerData, IntakeData, WorkerData, intake

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
