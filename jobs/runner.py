"""One attempt at a job, on a worker: claim it, run its kind with a heartbeat, write its effect
and its completion in one transaction. And the reaper, which gives the jobs of dead workers
back to the queue.
"""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlmodel import Session

from jobs import records
from jobs.kinds import KINDS, Context, JobFailure
from models import Job, JobState
from models.base import utcnow
from views.db import database

log = logging.getLogger(__name__)


def _session(write: bool = False) -> Session:
    session = database().session_factory()
    if write and session.get_bind().dialect.name == "sqlite":
        # Take SQLite's write lock when the transaction begins (see models.db).
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    return session


@contextmanager
def _reading() -> Iterator[Session]:
    """The session a kind reads in. It writes nothing, so it ends with a commit whatever
    happens: on a connection shared with the progress writes (as under tests) a rollback would
    take those back too."""
    session = _session()
    try:
        yield session
    finally:
        session.commit()
        session.close()


class Beat:
    """The attempt's progress callback: writes rows done (and total) and the heartbeat at most
    every `interval` seconds, and raises Cancelled or Superseded from there."""

    def __init__(self, job_id: str, token: str, interval: float):
        self.job_id, self.token, self.interval = job_id, token, interval
        self.done, self.total, self._last = 0, None, float("-inf")

    def __call__(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if total is None and now - self._last < self.interval:
            return
        self._last = now
        with _session(write=True) as session:
            records.heartbeat(session, self.job_id, self.token, done, self.total)


def run(job_id: str) -> None:
    """Run the job once if it is queued; a job already finished or owned by another attempt is
    left alone (a second message for it is harmless). A failure gives the job back to the
    queue while attempts remain and re-raises, so that the broker retries it."""
    with _session(write=True) as session:
        token = records.claim(session, job_id)
        if token is None:
            return
        job = session.get(Job, job_id)
        kind, params, owner_id, attempts = job.kind, dict(job.params), job.owner_id, job.attempts
    config = current_app.config
    beat = Beat(job_id, token, config["JOB_PROGRESS_SECONDS"])
    context = Context(job_id, params, owner_id, beat)
    outcome = None
    try:
        with _reading() as reading:
            outcome = KINDS[kind](context, reading)
            beat(beat.total if beat.total is not None else beat.done)  # a last check of cancel
        with _session(write=True) as session:
            records.lease(session, job_id, token, config["JOB_WRITE_SECONDS"])
        with _session(write=True) as writing:
            outcome.apply(writing)
            rows = beat.total if beat.total is not None else beat.done
            if not records.finish(writing, job_id, token, rows_done=rows, **outcome.values):
                log.info("job %s was given to another attempt; this one wrote nothing", job_id)
    except records.Superseded:
        log.info("job %s was given to another attempt; stopping", job_id)
    except records.Cancelled:
        _end(job_id, token, JobState.CANCELLED)
    except JobFailure as failure:
        _end(job_id, token, JobState.FAILED, str(failure))
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"
        if attempts < config["JOB_MAX_ATTEMPTS"]:
            _end(job_id, token, JobState.QUEUED, detail)
            raise
        _end(job_id, token, JobState.FAILED, f"处理出错（已尝试{attempts}次）：{detail}")
        log.exception("job %s failed", job_id)


def _end(job_id: str, token: str, state: JobState, error: str = "") -> None:
    with _session(write=True) as session:
        records.end(session, job_id, token, state, error)


def reap(send: Callable[[str], None]) -> records.Reaped:
    """Requeue the jobs of workers that stopped sending heartbeats, and send them again; and
    delete the files of jobs finished more than JOB_KEEP_DAYS ago."""
    config = current_app.config
    with _session(write=True) as session:
        reaped = records.reap(
            session, timedelta(seconds=config["JOB_STALE_SECONDS"]), config["JOB_MAX_ATTEMPTS"]
        )
        records.expire_files(session, utcnow() - timedelta(days=config["JOB_KEEP_DAYS"]))
    for job_id in reaped.requeued:
        send(job_id)
    if reaped.requeued or reaped.failed:
        log.warning("reaper: requeued %s, failed %s", reaped.requeued, reaped.failed)
    return reaped
