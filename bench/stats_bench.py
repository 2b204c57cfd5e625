"""Statistics speed at scale (issue: statistics). Prints, for SQLite and PostgreSQL:

- the median latency of /api/stats (city-wide, five years, all breakdowns),
- the median time of one plain full-scan GROUP BY month over the same cases, and their ratio
  (target ≤ 0.25),
- the case-list page at N cases against the same page at 1,000 cases (target ≤ 1.5).

    .venv/bin/python bench/stats_bench.py [--cases 1000000] [--backend sqlite|postgresql|both]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import create_app  # noqa: E402
from bench.common import fresh_database, generate_cases, median_seconds  # noqa: E402
from mediation.reference import accounts  # noqa: E402
from mediation.statistics.rollup import month_of  # noqa: E402
from models import Case  # noqa: E402
from models.db import make_engine  # noqa: E402


def logged_in_client(url: str):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    with Session(app.extensions["database"].engine) as session:
        if accounts.find_user(session, "bench") is None:
            accounts.create_user(session, "bench", "bench-2026-admin", "admin")
            session.commit()
    client = app.test_client()
    response = client.post("/login", data={"username": "bench", "password": "bench-2026-admin"})
    assert response.status_code == 302, response.status_code
    return app, client


def plain_scan_seconds(url: str) -> float:
    engine = make_engine(url)
    month = month_of(Case.accepted_on, engine.dialect.name)
    statement = select(month, func.count(), func.sum(Case.claimed_fen)).group_by(month)
    with engine.connect() as connection:
        seconds = median_seconds(lambda: connection.execute(statement).all())
    engine.dispose()
    return seconds


def measure(backend: str, cases: int) -> None:
    print(f"\n== {backend}: {cases:,} cases")
    with fresh_database(backend) as url:
        started = time.perf_counter()
        generate_cases(url, cases)
        print(f"generated in {time.perf_counter() - started:.1f} s")
        app, client = logged_in_client(url)
        stats_url = "/api/stats?from=2021-11-01&to=2026-10-31"
        body = client.get(stats_url).get_json()
        print(
            f"handled {body['mediation']['handled']:,}, succeeded "
            f"{body['mediation']['succeeded']:,}, rate {body['mediation']['success_rate_handled']}"
        )
        stats = median_seconds(lambda: client.get(stats_url))
        scan = plain_scan_seconds(url)
        print(
            f"/api/stats median: {stats * 1000:.1f} ms; plain GROUP BY month scan: "
            f"{scan * 1000:.1f} ms; ratio {stats / scan:.3f} (target ≤ 0.25)"
        )
        big_list = median_seconds(lambda: client.get("/cases/"), runs=9)
        app.extensions["database"].engine.dispose()
    with fresh_database(backend) as url:
        generate_cases(url, 1000)
        app, client = logged_in_client(url)
        small_list = median_seconds(lambda: client.get("/cases/"), runs=9)
        app.extensions["database"].engine.dispose()
    print(
        f"case list page: {big_list * 1000:.1f} ms at {cases:,}, {small_list * 1000:.1f} ms at "
        f"1,000; ratio {big_list / small_list:.2f} (target ≤ 1.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        measure(backend, args.cases)


if __name__ == "__main__":
    main()
