"""Background jobs: the ledger export built by a job (rows/s, heartbeats written) against the
same export streamed in the request, and the progress endpoint's latency while the job runs.

    .venv/bin/python bench/jobs_bench.py [--cases 50000] [--backend sqlite|postgresql|both]

Prints its figures; asserts nothing. The job runs on a worker thread in this process, through
the same path a `flask --app app worker` takes (jobs.queue.drain)."""

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, select  # noqa: E402

from app import create_app  # noqa: E402
from bench.common import fresh_database, generate_cases  # noqa: E402
from jobs import queue, records  # noqa: E402
from mediation.reference.accounts import create_user  # noqa: E402
from models import Job, User  # noqa: E402
from models.db import make_engine  # noqa: E402

PASSWORD = "bench-2026-jobs-x"


def _login(client) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "jobs", "password": PASSWORD, "csrf_token": token})


def run(backend: str, cases: int) -> None:
    with fresh_database(backend) as url:
        started = time.perf_counter()
        generate_cases(url, cases)
        print(f"[{backend}] generated {cases:,} cases in {time.perf_counter() - started:.1f} s")
        engine = make_engine(url)
        with Session(engine) as session:
            create_user(session, "jobs", PASSWORD, "admin")
            session.commit()
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
        app.config["JOB_EXPORT_ROWS"] = 10**9
        client = app.test_client()
        _login(client)
        started = time.perf_counter()
        streamed = client.get("/ledger/export.csv").get_data()
        stream_s = time.perf_counter() - started
        rows = streamed.count(b"\n") - 1
        print(
            f"[{backend}] streamed CSV export: {rows:,} rows in {stream_s:.2f} s "
            f"({rows / stream_s:,.0f} rows/s)"
        )

        with Session(engine) as session:
            owner = session.exec(select(User).where(User.username == "jobs")).one()
            job = records.new_job(
                session, "ledger_export", "bench", owner, {"args": [], "format": "csv"}
            )
            session.commit()
            job_id = job.id
        with app.app_context():
            queue.send(job_id)
        latencies: list[float] = []
        done = threading.Event()

        def poll() -> None:
            while not done.is_set():
                t = time.perf_counter()
                client.get(f"/jobs/{job_id}/progress")
                latencies.append(time.perf_counter() - t)
                time.sleep(0.1)

        poller = threading.Thread(target=poll)
        poller.start()
        started = time.perf_counter()
        queue.drain(app)
        job_s = time.perf_counter() - started
        done.set()
        poller.join()
        with Session(engine) as session:
            job = session.get(Job, job_id)
            assert job.state == "done", job.error
        print(
            f"[{backend}] CSV export as a job: {job.rows_done:,} rows in {job_s:.2f} s "
            f"({job.rows_done / job_s:,.0f} rows/s; {job_s / stream_s:.2f}x the stream)"
        )
        if latencies:
            latencies.sort()
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            print(
                f"[{backend}] progress endpoint during the job: {len(latencies)} polls, "
                f"median {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
            )
        app.extensions["database"].engine.dispose()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.cases)


if __name__ == "__main__":
    main()
