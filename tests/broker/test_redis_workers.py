"""The job engine against the production broker: Redis (TEST_REDIS_URL, e.g. `.ci/run`'s
redis://127.0.0.1:6379/15, flushed here) and real worker processes (`flask --app app worker`)
on a database of their own. A worker killed mid-job (SIGKILL: Huey loses the task) leaves a
running job whose heartbeat stops; the reaper gives it back to the queue, a second worker runs
it, and its file is stored once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from app import create_app
from bench.common import generate_cases
from conftest import BACKENDS, fresh_database
from jobs import queue, records, runner
from mediation import storage
from mediation.reference.accounts import create_user
from mediation.reference.districts import load_reference_data
from models import Job, StoredFile, User
from models.base import utcnow
from models.db import make_engine, upgrade

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not REDIS_URL,
    reason="broker tests need Redis: set TEST_REDIS_URL=redis://127.0.0.1:6379/15 (.ci/run does)",
)
ROOT = Path(__file__).resolve().parents[2]
CASES = 10_000


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path):
    """A database with CASES generated cases and an admin; Redis emptied; an app on both."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            create_user(session, "boss", "secret-2026-tests", "admin")
            session.commit()
        generate_cases(url, CASES)
        config = {"SECRET_KEY": "x", "DATABASE_URL": url, "REDIS_URL": REDIS_URL}
        app = create_app({"TESTING": True, **config})
        env = {**os.environ, **config, "FLASK_APP": "app", "JOB_STALE_SECONDS": "2"}
        workers: list[subprocess.Popen] = []
        yield {"app": app, "engine": engine, "env": env, "workers": workers}
        for process in workers:
            process.kill()
            process.wait()
        app.extensions["database"].engine.dispose()
        engine.dispose()


def start_worker(world) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "1"],
        cwd=ROOT,
        env=world["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    world["workers"].append(process)
    return process


def start_export(world) -> str:
    with Session(world["engine"]) as session:
        owner = session.exec(select(User).where(User.username == "boss")).one()
        job = records.new_job(session, "ledger_export", "导出台账（CSV）", owner,
                              {"args": [], "format": "csv"})  # fmt: skip
        session.commit()
        job_id = job.id
    with world["app"].app_context():
        queue.send(job_id)  # through Redis
    return job_id


def job_row(world, job_id: str) -> Job:
    with Session(world["engine"]) as session:
        return session.get(Job, job_id)


def wait_for(world, job_id: str, done, seconds: float = 180) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = job_row(world, job_id)
        if done(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting: {job}")


def test_a_worker_process_runs_a_job_sent_through_redis(world):
    start_worker(world)
    job_id = start_export(world)
    job = wait_for(world, job_id, lambda j: j.finished)
    assert job.state == "done" and job.attempts == 1
    assert job.rows_done == job.rows_total > CASES // 2
    with Session(world["engine"]) as session:
        data = storage.store.get(session, storage.job_key(job_id))
    assert data.decode("utf-8-sig").count("\n") == job.rows_total + 1


def killed_mid_job(world) -> str:
    """An export whose worker is killed while it runs. On a quiet machine the export may end
    before the kill lands: then that one proves nothing, and another is started."""
    for _ in range(5):
        worker = start_worker(world)
        job_id = start_export(world)
        wait_for(world, job_id, lambda j: j.state in ("running", "done"))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        if not job_row(world, job_id).finished:
            return job_id
    raise AssertionError("every export finished before its worker could be killed")


def test_a_killed_workers_job_is_run_again_by_another_and_stored_once(world):
    job_id = killed_mid_job(world)
    time.sleep(2.5)  # past JOB_STALE_SECONDS without a heartbeat
    stalled = job_row(world, job_id)
    assert stalled.state == "running" and stalled.finished_at is None
    assert utcnow() - stalled.heartbeat_at > timedelta(seconds=2)  # nobody works on it

    start_worker(world)
    app = world["app"]
    app.config["JOB_STALE_SECONDS"] = 2
    with app.app_context():  # the reaper's periodic task, run now instead of on the minute
        reaped = runner.reap(queue.engine(app).send)
    assert reaped.requeued == [job_id]
    job = wait_for(world, job_id, lambda j: j.finished)
    assert job.state == "done" and job.attempts == 2
    assert job.rows_done == job.rows_total > CASES // 2
    with Session(world["engine"]) as session:
        stored = select(func.count()).where(StoredFile.key == storage.job_key(job_id))
        assert session.exec(stored).one() == 1
