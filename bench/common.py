"""Shared pieces of the benchmarks: fresh databases and a fast synthetic case generator.

Cases are inserted with bulk core INSERTs (1M rows through the ORM would take an hour); the
rollup is then rebuilt from them in one statement, exactly as `flask rebuild-rollup` would.
"""

import os
import random
import statistics
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import insert, text
from sqlmodel import Session, select

from mediation.numbering import number_key
from mediation.periods import mediation_due_from
from mediation.reference.calendar import OFFICIAL_CALENDAR
from mediation.reference.districts import load_reference_data
from mediation.statistics.rollup import rebuild_rollup
from models import Case, Centre, Employer, Lawyer, LawyerCentre
from models.db import make_engine, upgrade

OUT = os.path.join(os.path.dirname(__file__), "out")
# The benchmarks' throwaway databases are encrypted with a fixed key unless one is given.
os.environ.setdefault("DATA_KEY", "b3" * 32)
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

CATEGORIES = (
    ["劳动报酬"] * 6 + ["解除/终止劳动合同"] * 2 + ["工伤", "社会保险", "确认劳动关系", "其他"]
)
CHANNELS = (
    ["现场申请"] * 4 + ["仲裁委托"] * 3 + ["电话", "网上申请", "法院委派", "法院委托", "其他转办"]
)
OUTCOMES = (
    ["succeeded"] * 42
    + ["failed"] * 35
    + ["withdrawn"] * 12
    + ["refused"] * 4
    + ["in_mediation"] * 3
    + ["accepted"] * 2
    + ["received"] * 1
    + ["voided"] * 1
)


@contextmanager
def fresh_database(backend: str):
    """A new, migrated database with the reference data: a file for SQLite, a schema for PG."""
    os.makedirs(OUT, exist_ok=True)
    if backend == "sqlite":
        path = os.path.join(OUT, f"bench-{uuid.uuid4().hex[:8]}.sqlite3")
        url = f"sqlite:///{path}"
        try:
            prepare_database(url)
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    try:
        prepare_database(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepare_database(url: str) -> None:
    """Migrate a new database and load the reference data into it."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference_data(session)
        session.commit()
    engine.dispose()


def generate_cases(url: str, n: int, seed: int = 20261124, years: int = 5) -> None:
    """N cases spread over the last `years` years across every centre, in every status."""
    rng = random.Random(seed)
    engine = make_engine(url)
    end = date(2026, 10, 31)
    start = end - timedelta(days=365 * years)
    span = (end - start).days
    with Session(engine) as session:
        centres = session.exec(select(Centre)).all()
        employers = [{"name": f"佛山市基准测试{i:05d}有限公司"} for i in range(max(50, n // 20))]
        session.execute(insert(Employer), employers)
        employer_ids = session.exec(select(Employer.id)).all()
        lawyers = []
        for i in range(3 * len(centres)):
            lawyers.append(
                {
                    "name": f"律师{i}",
                    "certificate_no": f"{14406202010000000 + i}",
                    "firm_name": f"广东某律师事务所{i % 7}",
                    "active": True,
                }
            )
        session.execute(insert(Lawyer), lawyers)
        lawyer_ids = session.exec(select(Lawyer.id).order_by(Lawyer.id)).all()
        stationed = {centre.id: lawyer_ids[3 * i : 3 * i + 3] for i, centre in enumerate(centres)}
        session.execute(
            insert(LawyerCentre),
            [
                {"lawyer_id": lawyer_id, "centre_id": centre_id}
                for centre_id, ids in stationed.items()
                for lawyer_id in ids
            ],
        )
        session.commit()
        counters: dict[tuple[int, int], int] = {}
        batch = []
        for _ in range(n):
            centre = rng.choice(centres)
            received = start + timedelta(days=rng.randrange(span))
            counters[(centre.id, received.year)] = seq = (
                counters.get((centre.id, received.year), 0) + 1
            )
            status = rng.choice(OUTCOMES)
            workers = 1 if rng.random() < 0.8 else rng.randint(2, 40)
            claimed = workers * rng.randint(2_000, 60_000) * 100
            accepted = received + timedelta(days=rng.randint(0, 3))
            closed = accepted + timedelta(days=rng.randint(0, 30))
            row = {
                "centre_id": centre.id,
                "year": received.year,
                "seq": seq,
                "number": (number := f"({received.year}){centre.short_name}调字第{seq}号"),
                "number_key": number_key(number),
                "channel": rng.choice(CHANNELS),
                "application_form": "written",
                "oral_record": "",
                "received_on": received,
                "category": rng.choice(CATEGORIES),
                "collective": workers >= 10,
                "new_employment": rng.random() < 0.15,
                "migrant_workers": rng.random() < 0.3,
                "employer_id": rng.choice(employer_ids),
                "facts": "",
                "requests": "",
                "status": status,
                "mediator_id": None,
                "lawyer_id": rng.choice(stationed[centre.id]) if rng.random() < 0.7 else None,
                "refusal_reason": "",
                "void_reason": "",
                "failure_reason": "",
                "outcome_note": "",
                "closed_on": None,
                "accepted_on": None,
                "extension_days": 0,
                "extension_consent_on": None,
                "mediation_due_on": None,
                "arbitration_applied_on": None,
                "imported_from": "bench",
                "note": "",
                "worker_count": workers,
                "claimed_fen": claimed,
                "agreed_fen": 0,
                "paid_fen": 0,
                "created_by_id": None,
                "version": 1,
            }
            if status == "refused":
                row.update(closed_on=accepted, refusal_reason="不属于受理范围")
            elif status == "voided":
                row.update(closed_on=received, void_reason="录入错误")
            elif status != "received":
                # The period rule (mediation/periods.py) on the official calendar init-db loads.
                due = mediation_due_from(accepted, 0, OFFICIAL_CALENDAR)
                row.update(accepted_on=accepted, mediation_due_on=due)
                if status == "succeeded":
                    agreed = int(claimed * rng.uniform(0.4, 1.0))
                    row.update(
                        closed_on=closed,
                        agreed_fen=agreed,
                        paid_fen=agreed if rng.random() < 0.85 else agreed // 2,
                    )
                elif status == "failed":
                    row.update(closed_on=closed, failure_reason="no_agreement")
                elif status == "withdrawn":
                    row.update(closed_on=closed)
            batch.append(row)
            if len(batch) == 20_000:
                session.connection().execute(Case.__table__.insert(), batch)
                batch.clear()
        if batch:
            session.connection().execute(Case.__table__.insert(), batch)
        session.commit()
        rebuild_rollup(session)
        session.commit()
    # Steady state, as autovacuum would leave it: statistics and the visibility map.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()


def median_seconds(action, runs: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)
