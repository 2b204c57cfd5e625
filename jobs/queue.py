"""The job engine's wiring: one Huey instance per app, its broker, its tasks and schedules.

Huey carries only job ids. The broker is Redis when REDIS_URL is set (production: every node
and worker share it), an SQLite file under instance/ otherwise (`make run`: nothing to install),
and memory under tests. Tasks:

- run_job(job_id): one attempt (jobs.runner.run); retried by Huey with a limit.
- reap, every minute: jobs whose worker died go back to the queue (Huey itself drops a task
  whose worker is killed; the job table and this reaper make it at-least-once).
- schedule_due, every ten minutes: from JOB_DUE_HOUR (local time) on, the day's due job is
  created once (its id is the day's, so many nodes' schedulers make one) and sent.
- pull_receipts, every five minutes: the providers' delivery reports (mediation.notices.
  receipts) mark the messages they name delivered or failed.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from jobs import records, runner
from mediation.dates import TZ
from mediation.notices import outbox, receipts
from views.db import database

QUEUE_NAME = "mediation-jobs"


@dataclass
class Engine:
    huey: Huey
    send: object  # the run_job task: send(job_id) puts a message on the broker


def _storage(app: Flask) -> tuple[type, dict]:
    if app.config.get("REDIS_URL"):
        return RedisStorage, {"url": app.config["REDIS_URL"]}
    if app.testing:
        return MemoryStorage, {}
    path = app.config.get("JOBS_QUEUE_FILE") or str(Path(app.instance_path) / "jobs-queue.sqlite3")
    return SqliteStorage, {"filename": path}


def init_app(app: Flask) -> None:
    storage_class, options = _storage(app)
    huey = Huey(QUEUE_NAME, results=False, storage_class=storage_class, **options)
    attempts = app.config["JOB_MAX_ATTEMPTS"]

    @huey.task(retries=max(attempts - 1, 0), retry_delay=5, name="run_job")
    def run_job(job_id: str) -> None:
        with app.app_context():
            runner.run(job_id)

    @huey.periodic_task(crontab(minute="*"), name="reap")
    def reap() -> None:
        with app.app_context():
            runner.reap(run_job)

    @huey.periodic_task(crontab(minute="*/10"), name="schedule_due")
    def schedule_due() -> None:
        with app.app_context():
            job_id = due_job(datetime.now(TZ))
            if job_id:
                run_job(job_id)

    @huey.periodic_task(crontab(minute="*/5"), name="pull_receipts")
    def pull_receipts() -> None:
        with app.app_context():
            collect_receipts()

    app.extensions["jobs"] = Engine(huey, run_job)


def engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions["jobs"]


def send(job_id: str) -> None:
    """Put the job on the broker (after the transaction that created it has committed)."""
    engine().send(job_id)


def due_job(now: datetime) -> str | None:
    """The id of the day's due job when it is time and it does not exist yet, after creating
    it; None otherwise. Two nodes racing both try the insert; the primary key lets one win."""
    if now.hour < current_app.config["JOB_DUE_HOUR"]:
        return None
    day = now.date()
    job_id = f"due-{day.isoformat()}"
    with database().session_factory() as session:
        if session.get(records.Job, job_id) is not None:
            return None
        records.new_job(
            session, "due", f"{day:%Y年%m月%d日}到期事项", None, {"day": str(day)}, job_id
        )
        try:
            session.commit()
        except Exception:  # the other node's insert won
            session.rollback()
            return None
    return job_id


def collect_receipts() -> receipts.Receipts:
    """Apply the delivery reports of every channel that has them, in one transaction."""
    with database().session_factory() as session:
        counts = receipts.collect(session, outbox.CHANNELS.values())
        session.commit()
    return counts


def drain(app: Flask) -> int:
    """Work every message now on the broker in this thread; how many were worked. For tests
    and `flask --app app worker --drain`: the same path a consumer takes, without its loop."""
    huey, worked = engine(app).huey, 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        worked += 1
    return worked
