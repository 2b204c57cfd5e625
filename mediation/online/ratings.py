"""Rating the service (满意度评价): when a case closes with a result (success, failure or
withdrawal), each consenting worker gets a link to rate it 1–5 with a comment, once. Figures are
counted by the closing date, per centre, mediator and lawyer, with the number of answers beside
every average (an average of three answers is not one of three hundred)."""

import secrets
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from mediation.errors import RuleViolation
from mediation.notices import outbox
from mediation.notices.catalogue import Notice, notify_worker
from mediation.statistics.period import Period
from models import Case, Centre, Lawyer, Rating, User, Worker, utcnow

RATED_OUTCOMES = {"succeeded", "failed", "withdrawn"}
COMMENTS_SHOWN = 20
MEDIATOR_NAME = func.coalesce(func.nullif(User.display_name, ""), User.username)


def invite_ratings(session: Session, case: Case) -> int:
    """Send the closing notice with a rating link to every consenting worker (once a case)."""
    if case.status not in RATED_OUTCOMES or case.closed_on is None:
        return 0
    invited = set(session.exec(select(Rating.worker_id).where(Rating.case_id == case.id)))
    workers = session.exec(
        select(Worker).where(Worker.case_id == case.id, Worker.notices_consent, Worker.phone != "")
    ).all()
    sent = 0
    for worker in workers:
        if worker.id in invited:
            continue
        rating = Rating(
            case_id=case.id,
            worker_id=worker.id,
            centre_id=case.centre_id,
            mediator_id=case.mediator_id,
            lawyer_id=case.lawyer_id,
            closed_on=case.closed_on,
            token=secrets.token_urlsafe(24),
        )
        session.add(rating)
        session.flush()
        url = outbox.public_url(f"/rate/{rating.token}")
        notify_worker(session, case, worker, Notice.CLOSED, url=url)
        sent += 1
    return sent


def open_rating(session: Session, token: str) -> Rating | None:
    if not token or len(token) > 64:
        return None
    return session.exec(select(Rating).where(Rating.token == token)).first()


def rate(session: Session, rating: Rating, score: int | None, comment: str) -> None:
    if rating.answered_at is not None:
        raise RuleViolation("您已评价过，感谢您的反馈")
    problems = []
    if score not in range(1, 6):
        problems.append(("score", "请选择1至5分"))
    if len(comment.strip()) > 500:
        problems.append(("comment", "意见不超过500字"))
    if problems:
        raise RuleViolation(problems)
    rating.score, rating.comment, rating.answered_at = score, comment.strip(), utcnow()
    session.add(rating)
    session.flush()


@dataclass(frozen=True)
class RatingRow:
    key: int | None
    name: str
    answers: int
    average: float | None


@dataclass(frozen=True)
class RatingFigures:
    invited: int
    answers: int
    average: float | None
    by_centre: list[RatingRow]
    by_mediator: list[RatingRow]
    by_lawyer: list[RatingRow]
    comments: list[tuple[int, str, str]]  # (score, centre, comment), the newest first


def rating_figures(
    session: Session, period: Period, centre_ids: frozenset[int] | None
) -> RatingFigures:
    """Ratings of the cases closed in the period within the centres (None: the city), by SQL
    aggregates: answers and average score overall and per centre, mediator and lawyer."""
    where = [Rating.closed_on >= period.start, Rating.closed_on <= period.end]
    if centre_ids is not None:
        where.append(Rating.centre_id.in_(sorted(centre_ids)) if centre_ids else False)
    answered = [*where, Rating.score.is_not(None)]
    invited = session.exec(select(func.count()).select_from(Rating).where(*where)).one()
    answers, average = session.exec(
        select(func.count(), func.avg(Rating.score)).where(*answered)
    ).one()
    return RatingFigures(
        invited=invited,
        answers=answers,
        average=_rounded(average),
        by_centre=_rows(session, Rating.centre_id, Centre, Centre.name, answered),
        by_mediator=_rows(session, Rating.mediator_id, User, MEDIATOR_NAME, answered),
        by_lawyer=_rows(session, Rating.lawyer_id, Lawyer, Lawyer.name, answered),
        comments=[
            tuple(row)
            for row in session.exec(
                select(Rating.score, Centre.name, Rating.comment)
                .join(Centre, Centre.id == Rating.centre_id)
                .where(*answered, Rating.comment != "")
                .order_by(Rating.answered_at.desc(), Rating.id.desc())
                .limit(COMMENTS_SHOWN)
            )
        ],
    )


def _rows(session: Session, column, model, name_column, where: list) -> list[RatingRow]:
    rows = session.exec(
        select(column, name_column, func.count(), func.avg(Rating.score))
        .join(model, model.id == column)
        .where(*where)
        .group_by(column, name_column)
        .order_by(func.count().desc(), name_column)
    ).all()
    return [RatingRow(key, name, count, _rounded(avg)) for key, name, count, avg in rows]


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 2)
