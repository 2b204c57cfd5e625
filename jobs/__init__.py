"""Background jobs (issue 16): long work off the request, with progress every node can show.

`start` is what a view calls: it records the job, commits, and sends its id to the broker.
The parts: `records` (the job row's life), `kinds` (what each job does), `runner` (one attempt,
the reaper), `queue` (Huey: broker, tasks, schedules; the worker is `flask --app app worker`).
"""

from typing import Any

from sqlmodel import Session

from models import Job, User


def start(
    session: Session,
    kind: str,
    title: str,
    owner: User,
    params: dict[str, Any],
    result_url: str | None = None,
) -> Job:
    """Record a job for `owner`, commit, and queue it. `result_url`: where its page sends the
    user once it is done (a path of this app)."""
    from jobs import queue, records

    job = records.new_job(session, kind, title, owner, params)
    job.result_url = result_url
    session.commit()
    queue.send(job.id)
    return job
