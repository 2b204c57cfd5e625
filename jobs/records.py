"""The job row's life: created by a request, claimed by one worker attempt, its progress and
heartbeat written as it goes, finished once, requeued by the reaper when its worker died.

Every step is one conditional UPDATE, so two workers (or a worker and the reaper) never both
own a job: an attempt owns the job while `worker_token` is its token. A job's effect is written
by `finish` in the same transaction as the state change, conditional on that token, so a job
runs at least once and takes effect exactly once.

Unlike the domain, these functions commit: they are the worker's and the reaper's transactions.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import Session, select

from models import Job, JobState, Role, User
from models.base import utcnow


class Cancelled(Exception):
    """The user asked to cancel: the attempt stops and writes no effect."""


class Superseded(Exception):
    """The reaper gave the job to another attempt (this one was thought dead): stop quietly."""


def new_job(
    session: Session,
    kind: str,
    title: str,
    owner: User | None,
    params: dict[str, Any],
    job_id: str | None = None,
) -> Job:
    """A queued job (flushed; the caller commits, then enqueues its id)."""
    now = utcnow()
    job = Job(
        id=job_id or secrets.token_hex(16),
        kind=kind,
        title=title,
        owner_id=owner.id if owner is not None else None,
        params=params,
        created_at=now,
        heartbeat_at=now,  # the reaper re-sends a queued job whose message was lost
    )
    session.add(job)
    session.flush()
    return job


def _write(session: Session, statement) -> int:
    return session.exec(statement).rowcount


def claim(session: Session, job_id: str) -> str | None:
    """Take a queued job for a new attempt; its token, or None when the job is not queued
    (finished, cancelled, or another attempt has it). Commits."""
    token = secrets.token_hex(16)
    now = utcnow()
    claimed = _write(
        session,
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED.value)
        .values(
            state=JobState.RUNNING.value,
            worker_token=token,
            attempts=Job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            error="",
        ),
    )
    session.commit()
    return token if claimed else None


def heartbeat(session: Session, job_id: str, token: str, done: int, total: int | None) -> None:
    """Record progress and that the attempt is alive. Raises Superseded when the attempt no
    longer owns the job, Cancelled when the user asked to stop. Commits."""
    values: dict[str, Any] = {"rows_done": done, "heartbeat_at": utcnow()}
    if total is not None:
        values["rows_total"] = total
    owned = _write(session, update(Job).where(*_owned(job_id, token)).values(**values))
    session.commit()
    if not owned:
        raise Superseded(job_id)
    if session.exec(select(Job.cancel_requested).where(Job.id == job_id)).one():
        raise Cancelled(job_id)


def lease(session: Session, job_id: str, token: str, seconds: float) -> None:
    """Before the attempt writes its effect, in one transaction that sends no heartbeat (on
    SQLite it holds the write lock the heartbeat would need): its heartbeat is set `seconds`
    ahead, so that the reaper leaves a long write (a 100,000-row import) alone that long.
    Commits."""
    ahead = utcnow() + timedelta(seconds=seconds)
    _write(session, update(Job).where(*_owned(job_id, token)).values(heartbeat_at=ahead))
    session.commit()


def _owned(job_id: str, token: str) -> tuple:
    return (Job.id == job_id, Job.worker_token == token, Job.state == JobState.RUNNING.value)


def finish(session: Session, job_id: str, token: str, **values: Any) -> bool:
    """Mark the attempt's job done in the caller's transaction (which holds the job's effect);
    False, with nothing committed, when the attempt no longer owns it. Commits."""
    done = _write(
        session,
        update(Job)
        .where(*_owned(job_id, token))
        .values(state=JobState.DONE.value, finished_at=utcnow(), **values),
    )
    if not done:
        session.rollback()
        return False
    session.commit()
    return True


def end(session: Session, job_id: str, token: str, state: JobState, error: str = "") -> None:
    """End the attempt as cancelled or failed, or give the job back to the queue (QUEUED) for
    a retry. Commits; does nothing when the attempt no longer owns the job."""
    finished = None if state is JobState.QUEUED else utcnow()
    values = {"state": state.value, "error": error[:2000], "finished_at": finished}
    if state is JobState.QUEUED:
        values |= {"worker_token": None, "heartbeat_at": utcnow()}
    _write(session, update(Job).where(*_owned(job_id, token)).values(**values))
    session.commit()


def request_cancel(session: Session, job: Job) -> None:
    """A queued job is cancelled at once; a running one stops at its next progress step."""
    if job.state == JobState.QUEUED.value:
        job.state = JobState.CANCELLED.value
        job.finished_at = utcnow()
    if not job.finished:
        job.cancel_requested = True
    session.add(job)
    session.flush()


@dataclass(frozen=True)
class Reaped:
    requeued: list[str]  # to send to the broker again
    failed: list[str]  # out of attempts


def reap(session: Session, stale_after: timedelta, max_attempts: int) -> Reaped:
    """Running jobs whose heartbeat stopped (their worker was killed) go back to the queue, or
    fail once out of attempts; queued jobs waiting longer than `stale_after` are sent again (a
    broker may have lost the message: a second message is harmless, `claim` takes one). Commits."""
    now = utcnow()
    cutoff = now - stale_after
    stale = (Job.heartbeat_at < cutoff) | Job.heartbeat_at.is_(None)
    running = and_(Job.state == JobState.RUNNING.value, stale)
    failed = session.exec(
        select(Job.id).where(running, Job.attempts >= max_attempts).with_for_update()
    ).all()
    if failed:
        _write(
            session,
            update(Job)
            .where(Job.id.in_(failed), running)
            .values(
                state=JobState.FAILED.value,
                finished_at=now,
                worker_token=None,
                error=f"处理中断{max_attempts}次（工作进程停止），已放弃",
            ),
        )
    waiting = or_(running, and_(Job.state == JobState.QUEUED.value, stale))
    requeued = session.exec(select(Job.id).where(waiting).with_for_update()).all()
    if requeued:
        _write(
            session,
            update(Job)
            .where(Job.id.in_(requeued), waiting)
            .values(state=JobState.QUEUED.value, worker_token=None, heartbeat_at=now),
        )
    session.commit()
    return Reaped(list(requeued), list(failed))


def expire_files(session: Session, finished_before: datetime) -> int:
    """Delete the files of jobs finished before the cutoff (their page then says the file has
    expired); how many. Commits."""
    from mediation import storage

    expired = session.exec(
        select(Job).where(Job.result_key.is_not(None), Job.finished_at < finished_before)
    ).all()
    for job in expired:
        storage.store.delete(session, job.result_key)
        job.result_key = None
        session.add(job)
    session.commit()
    return len(expired)


def jobs_of(session: Session, user: User, limit: int = 50) -> list[Job]:
    """The user's own jobs, newest first; an admin sees everyone's."""
    statement = select(Job).order_by(Job.created_at.desc(), Job.id).limit(limit)
    if user.role != Role.ADMIN:
        statement = statement.where(Job.owner_id == user.id)
    return list(session.exec(statement))


def job_for(session: Session, user: User, job_id: str) -> Job | None:
    """The job if this user may see it (its owner, or an admin); None otherwise."""
    job = session.get(Job, job_id)
    if job is None or (job.owner_id != user.id and user.role != Role.ADMIN):
        return None
    return job


def time_left(job: Job, now: datetime | None = None) -> int | None:
    """Seconds left at the pace so far, or None before there is a pace to go by."""
    if job.state != JobState.RUNNING.value or not job.rows_total or not job.rows_done:
        return None
    elapsed = ((now or utcnow()) - job.started_at).total_seconds()
    rate = job.rows_done / max(elapsed, 0.001)
    return max(0, round((job.rows_total - job.rows_done) / rate))
