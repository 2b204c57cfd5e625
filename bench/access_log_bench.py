"""What the access log costs: a case page and a search by ID number with and without writing
the log, the statements a search that finds a full page of cases writes, and the admin's
filtered page and CSV export over many records.

    .venv/bin/python bench/access_log_bench.py [--cases 20000] [--records 200000] [--backend both]

Measured (20,000 cases, 200,000 records; SQLite / PostgreSQL): the case page costs the same
within noise; a search finding 50 cases writes one INSERT, +13 / +31 ms; the admin's filtered
pages 18-43 ms; the CSV of every record streams in 11-21 s (20.7 MB).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, select, update  # noqa: E402
from sqlmodel import Session  # noqa: E402

import views.helpers  # noqa: E402
from bench.common import fresh_database, generate_cases, median_seconds  # noqa: E402
from bench.search_bench import generate_workers  # noqa: E402
from bench.stats_bench import logged_in_client  # noqa: E402
from mediation.identifiers import lookup_key  # noqa: E402
from models import AccessRecord, Case, Worker, utcnow  # noqa: E402

SHARED_ID = "440604199001011234"
FOUND = 50  # one page of the case list


def share_one_id_number(engine) -> int:
    """Give the first worker of FOUND cases the same ID number (one person, many cases)."""
    with Session(engine) as session:
        case_ids = session.exec(select(Case.id).order_by(Case.id).limit(FOUND)).scalars().all()
        session.execute(
            update(Worker)
            .where(Worker.case_id.in_(case_ids), Worker.position == 0)
            .values(id_number=SHARED_ID, id_key=lookup_key("id", SHARED_ID))
        )
        session.commit()
        return case_ids[0]


def fill_log(engine, records: int) -> None:
    """Many records by 100 users over many cases, in bulk."""
    batch = []
    with Session(engine) as session:
        for n in range(records):
            batch.append(
                {"at": utcnow(), "user_id": n % 100, "username": f"user{n % 100}",
                 "kind": "case_page", "case_id": n % 5000 + 1, "legal_case_id": None,
                 "case_number": f"(2026)南里调字第{n % 5000 + 1}号", "detail": "",
                 "ip": f"10.0.{n % 250}.{n % 200}", "user_agent": "Mozilla/5.0"}
            )  # fmt: skip
            if len(batch) == 5_000:
                session.execute(insert(AccessRecord), batch)
                batch.clear()
        if batch:
            session.execute(insert(AccessRecord), batch)
        session.commit()


def without_log(action):
    """The same request with the log write left out (to measure what it adds)."""
    kept = views.helpers.log_access
    views.helpers.log_access = lambda rows: None
    try:
        return action()
    finally:
        views.helpers.log_access = kept


def measure(backend: str, cases: int, records: int) -> None:
    print(f"\n== {backend}: {cases:,} cases, {records:,} log records")
    with fresh_database(backend) as url:
        generate_cases(url, cases)
        generate_workers(url)
        app, client = logged_in_client(url)
        engine = app.extensions["database"].engine
        case_id = share_one_id_number(engine)

        page = median_seconds(lambda: client.get(f"/cases/{case_id}"), runs=15)
        bare = without_log(lambda: median_seconds(lambda: client.get(f"/cases/{case_id}"), 15))
        print(f"case page: {page * 1000:.1f} ms with the log, {bare * 1000:.1f} ms without")

        inserts = []

        def count(_conn, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith("INSERT INTO ACCESS_LOG"):
                inserts.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        response = client.get("/cases/", query_string={"q": SHARED_ID})
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        search = median_seconds(lambda: client.get("/cases/", query_string={"q": SHARED_ID}), 9)
        plain = without_log(
            lambda: median_seconds(lambda: client.get("/cases/", query_string={"q": SHARED_ID}), 9)
        )
        print(
            f"search by ID number finding {FOUND} cases: {len(inserts)} INSERT statement(s); "
            f"{search * 1000:.1f} ms with the log, {plain * 1000:.1f} ms without"
        )

        started = time.perf_counter()
        fill_log(engine, records)
        print(f"filled the log with {records:,} records in {time.perf_counter() - started:.1f} s")
        for label, query in (
            ("newest page", {}),
            ("one user", {"user": "user7"}),
            ("one case", {"case": "(2026)南里调字第17号"}),
            ("one IP, a date range", {"ip": "10.0.3.3", "from": "2020-01-01", "to": "2099-12-31"}),
        ):
            seconds = median_seconds(
                lambda q=query: client.get("/admin/access-log", query_string=q)
            )
            print(f"admin page, {label}: {seconds * 1000:.1f} ms")
        started = time.perf_counter()
        with client.get("/admin/access-log.csv") as response:
            size = len(response.get_data())
        print(
            f"CSV export of every record: {time.perf_counter() - started:.1f} s, "
            f"{size / 1e6:.1f} MB"
        )
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        measure(backend, args.cases, args.records)


if __name__ == "__main__":
    main()
