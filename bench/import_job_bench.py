"""A 100,000-row ledger imported through the web and its jobs, with the case list's latency
measured meanwhile.

    .venv/bin/python bench/import_job_bench.py [--rows 100000] [--cases 10000]
        [--backend sqlite|postgresql|both]

On a fresh database with --cases cases (bench.common), an admin uploads a generated ledger CSV
(bench.ledger_bench) through POST /ledger/; being above JOB_IMPORT_ROWS, its preview is a job;
the confirmation starts the import job. A worker in a child process (as `flask --app app
worker` beside gunicorn) works the queue (Huey's SQLite storage, shared through a file), while
this process asks for the case list (/cases/) every 50 ms. Prints the rows per second of the
preview job, of the import job (from the confirmation to done: target at least 1,667, i.e.
100,000 rows in a minute) and of the whole (upload to imported), the worker's CPU seconds per
job (on a loaded machine the wall-clock rate says more about the neighbours), and the case
list's median and p99 before and during the import. Asserts nothing but that every row was imported.
"""

import argparse
import multiprocessing
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, func, select  # noqa: E402

from bench.common import fresh_database, generate_cases  # noqa: E402
from bench.ledger_bench import generate_rows, write_csv  # noqa: E402
from mediation.reference.accounts import create_user  # noqa: E402
from models import Case, Centre, Job  # noqa: E402
from models.db import make_engine  # noqa: E402

PASSWORD = "bench-2026-import-x"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _app(url: str, queue_file: str):
    from app import create_app

    return create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "JOBS_QUEUE_FILE": queue_file})


def _worker(url: str, queue_file: str, stop, spent) -> None:
    """The worker process: works the queue until told to stop; the CPU seconds of each job it
    worked go on `spent`."""
    from jobs import queue

    app = _app(url, queue_file)
    while not stop.is_set():
        cpu = time.process_time()
        if queue.drain(app):
            spent.put(time.process_time() - cpu)
        else:
            time.sleep(0.1)


def _client(app):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    return client


def _job_id(response) -> str:
    location = response.headers.get("Location", "")
    assert "/jobs/" in location, (response.status_code, response.get_data(as_text=True)[:2000])
    return location.rsplit("/", 1)[1]


def _wait(engine, job_id: str) -> Job:
    while True:
        with Session(engine) as session:
            job = session.get(Job, job_id)
            if job.finished:
                assert job.state == "done", job.error
                return job
        time.sleep(0.1)


def _percentiles(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    median = statistics.median(ordered)
    return f"{len(ordered)} requests, median {median * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"


def run(backend: str, rows: int, cases: int) -> None:
    with fresh_database(backend) as url, tempfile.TemporaryDirectory() as folder:
        generate_cases(url, cases)
        engine = make_engine(url)
        with Session(engine) as session:
            create_user(session, "bench", PASSWORD, "admin")
            centres = {c.code: c.short_name for c in session.exec(select(Centre))}
            session.commit()
        path = write_csv(
            Path(folder) / "十万件台账.csv",
            generate_rows(
                rows, centres, [], seed=100, first_day=date(2010, 1, 4), last_day=date(2014, 12, 30)
            ),
        )  # fmt: skip  (years the generated cases do not reach)
        queue_file = str(Path(folder) / "queue.sqlite3")
        app = _app(url, queue_file)
        assert rows > app.config["JOB_IMPORT_ROWS"]
        client, lister = _client(app), _client(app)
        baseline = []
        for _ in range(40):
            started = time.perf_counter()
            assert lister.get("/cases/").status_code == 200
            baseline.append(time.perf_counter() - started)
        print(f"[{backend}] case list before: {_percentiles(baseline)}")

        stop, spent = multiprocessing.Event(), multiprocessing.Queue()
        worker = multiprocessing.Process(target=_worker, args=(url, queue_file, stop, spent))
        worker.start()
        try:
            began = time.perf_counter()
            token = CSRF.search(client.get("/ledger/").get_data(as_text=True)).group(1)
            with open(path, "rb") as handle:
                uploaded = client.post(
                    "/ledger/",
                    data={"csrf_token": token, "file": (handle, path.name)},
                    content_type="multipart/form-data",
                )
            preview = _wait(engine, _job_id(uploaded))
            preview_s = (preview.finished_at - preview.started_at).total_seconds()
            print(f"[{backend}] preview job: {rows:,} rows in {preview_s:.1f} s "
                  f"({rows / preview_s:,.0f} rows/s)")  # fmt: skip
            page = client.get(preview.result_url).get_data(as_text=True)
            token = CSRF.search(page).group(1)
            latencies: list[float] = []
            done = threading.Event()

            def list_cases() -> None:
                while not done.is_set():
                    started = time.perf_counter()
                    assert lister.get("/cases/").status_code == 200
                    latencies.append(time.perf_counter() - started)
                    time.sleep(0.05)

            poller = threading.Thread(target=list_cases)
            poller.start()
            confirmed = time.perf_counter()
            confirm = client.post(f"{preview.result_url}/confirm", data={"csrf_token": token})
            job = _wait(engine, _job_id(confirm))
            import_s = time.perf_counter() - confirmed
            total_s = time.perf_counter() - began
            done.set()
            poller.join()
        finally:
            stop.set()
            worker.join(timeout=120)
        with Session(engine) as session:
            imported = session.exec(
                select(func.count()).select_from(Case).where(Case.imported_from == path.name)
            ).one()
        assert imported == rows, imported
        print(f"[{backend}] import job: {rows:,} rows in {import_s:.1f} s "
              f"({rows / import_s:,.0f} rows/s; target 1,667); the job's own time "
              f"{(job.finished_at - job.started_at).total_seconds():.1f} s")  # fmt: skip
        cpu = [spent.get(timeout=10) for _ in range(2)]
        print(f"[{backend}] worker CPU: preview {cpu[0]:.1f} s, import {cpu[1]:.1f} s "
              f"({rows / cpu[1]:,.0f} rows per worker CPU second)")  # fmt: skip
        print(f"[{backend}] upload to imported: {total_s:.1f} s ({rows / total_s:,.0f} rows/s)")
        print(f"[{backend}] case list during the import: {_percentiles(latencies)}")
        app.extensions["database"].engine.dispose()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.rows, args.cases)


if __name__ == "__main__":
    main()
