"""What moves in and out of the open caseload, day by day: the periodic report's flows.

The official report (docs/statistics.md, "The periodic report") counts events, not cohorts:

- 受理 (accepted): a case's acceptance, on its acceptance date;
- 重新打开 (reopened): a reopening of a case closed after acceptance, on the reopening day;
- 结案 (closed, by 调解成功 / 调解不成 / 撤回): each closure after acceptance, on its closing
  date; a case closed, reopened and closed again counts twice.

Refusals, voidings and withdrawals before acceptance are never accepted, so they are neither
closures nor reopenings. A voided case (entered by mistake) counts nowhere, its earlier events
included; reopening a voided case undoes the voiding. So every case adds +1 −1 +1 … and the
open caseload on any day is the sum of the signed events up to that day: 上期未结 + 本期受理 +
本期重新打开 − 本期结案 = 期末未结 holds by construction for any period and scope.

The events are kept in `case_rollup` as the kinds "flow" (by month) and "flow:y" (by year),
value "1" for collective disputes (ten or more workers, law art.7) and "" otherwise, status the
event. The rollup's before-flush hook keeps them in step (`deltas`); `recount_parts` recounts them.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, literal, or_, select
from sqlalchemy.orm import Session

from models import Case, CaseReopening, CaseRollup, CaseStatus
from models.base import sql_total

FLOW = "flow"
FLOW_YEARLY = "flow:y"
ACCEPTED, REOPENED = "accepted", "reopened"
OUTCOMES = (CaseStatus.SUCCEEDED.value, CaseStatus.FAILED.value, CaseStatus.WITHDRAWN.value)
EVENTS = (ACCEPTED, REOPENED, *OUTCOMES)
COLLECTIVE_WORKERS = 10  # 劳动争议调解仲裁法 art.7: ten or more workers
EPOCH = date(2000, 1, 1)  # before any case the tracker holds: "open on day d" sums from here


def _event(centre_id: int, day: date, event: str, workers: int, claimed: int) -> dict:
    value = "1" if workers >= COLLECTIVE_WORKERS else ""
    measures = {"cases": 1, "workers": workers, "claimed_fen": claimed}
    month, year = day.replace(day=1), day.replace(month=1, day=1)
    return {
        (centre_id, month, FLOW, value, event): measures,
        (centre_id, year, FLOW_YEARLY, value, event): measures,
    }


def case_contribution(state: Mapping[str, Any]) -> dict[tuple, dict[str, int]]:
    """The acceptance and the current closure of one case's state (its earlier closures are
    in its reopenings)."""
    status, accepted_on = state["status"], state["accepted_on"]
    if status == CaseStatus.VOIDED or accepted_on is None:
        return {}
    workers = state["worker_count"]
    found = _event(state["centre_id"], accepted_on, ACCEPTED, workers, state["claimed_fen"])
    if status in OUTCOMES and state["closed_on"] is not None:
        found |= _event(state["centre_id"], state["closed_on"], str(status), workers, 0)
    return found


def reopening_contribution(reopening: CaseReopening) -> dict[tuple, dict[str, int]]:
    """A counted reopening: the closure it undid and the reopening itself."""
    if not reopening.counted:
        return {}
    centre, workers = reopening.centre_id, reopening.worker_count
    return _event(centre, reopening.closed_on, reopening.outcome, workers, 0) | _event(
        centre, reopening.reopened_on, REOPENED, workers, 0
    )


def deltas(
    session: Session,
    add: Callable[[Mapping[tuple, Mapping[str, int]], int], None],
    stored_status: Callable[[int], str | None],
) -> None:
    """Called by the rollup's before-flush hook: new reopenings of cases that count, and the
    reopenings of cases whose voiding begins or ends in this flush."""
    for instance in session.new:
        if isinstance(instance, CaseReopening):
            with session.no_autoflush:
                owner = session.get(Case, instance.case_id)
            if owner is None or owner.status != CaseStatus.VOIDED:
                add(reopening_contribution(instance), +1)
    changed: dict[int, int] = {}
    for instance in session.dirty:
        if isinstance(instance, Case) and instance.id is not None:
            was = stored_status(instance.id) == CaseStatus.VOIDED
            now = instance.status == CaseStatus.VOIDED
            if was != now:
                changed[instance.id] = +1 if was else -1
    for instance in session.deleted:
        if isinstance(instance, Case) and stored_status(instance.id) != CaseStatus.VOIDED:
            changed[instance.id] = -1
    if not changed:
        return
    stored = session.connection().execute(
        select(CaseReopening).where(CaseReopening.case_id.in_(list(changed)))
    )
    for row in stored.mappings():
        add(reopening_contribution(CaseReopening(**row)), changed[row["case_id"]])


def record_reopening(session: Session, case: Case, before: Mapping[str, Any], on: date) -> None:
    """Keep a reopening with the closure it undid (`before`: the case's status and closing
    date before it was reopened). Called by `cases.lifecycle.reopen`."""
    outcome, closed_on = str(before["status"]), before["closed_on"]
    counted = outcome in OUTCOMES and case.accepted_on is not None
    session.add(
        CaseReopening(
            case_id=case.id,
            centre_id=case.centre_id,
            reopened_on=max(on, closed_on),
            closed_on=closed_on,
            outcome=outcome,
            counted=counted,
            worker_count=case.worker_count,
        )
    )


# -- recounting and reading ---------------------------------------------------------------------


def _case_events():
    """(centre_id, day, event, workers, claimed) of every counted case event, as SELECTs."""
    counted = (Case.status != CaseStatus.VOIDED.value) & Case.accepted_on.is_not(None)
    accepted = select(
        Case.centre_id.label("centre_id"),
        Case.accepted_on.label("day"),
        literal(ACCEPTED).label("event"),
        Case.worker_count.label("workers"),
        Case.claimed_fen.label("claimed_fen"),
    ).where(counted)
    closed = select(
        Case.centre_id,
        Case.closed_on,
        Case.status,
        Case.worker_count,
        literal(0),
    ).where(counted, Case.status.in_(OUTCOMES), Case.closed_on.is_not(None))
    r = CaseReopening
    of_counted_case = (
        select(r)
        .join(Case, Case.id == r.case_id)
        .where(r.counted.is_(True), Case.status != CaseStatus.VOIDED.value)
        .subquery()
    )
    undone = select(
        of_counted_case.c.centre_id,
        of_counted_case.c.closed_on,
        of_counted_case.c.outcome,
        of_counted_case.c.worker_count,
        literal(0),
    )
    reopened = select(
        of_counted_case.c.centre_id,
        of_counted_case.c.reopened_on,
        literal(REOPENED),
        of_counted_case.c.worker_count,
        literal(0),
    )
    return [accepted, closed, undone, reopened]


def _events_subquery(day_ranges=None, centre_ids=None):
    from sqlalchemy import union_all

    parts = []
    for part in _case_events():
        day = part.selected_columns[1]
        centre = part.selected_columns[0]
        if day_ranges is not None:
            part = part.where(or_(*[and_(day >= a, day <= b) for a, b in day_ranges]))
        if centre_ids is not None:
            part = part.where(centre.in_(centre_ids))
        parts.append(part)
    return union_all(*parts).subquery()


def _collective(workers_column):
    return case((workers_column >= COLLECTIVE_WORKERS, "1"), else_="")


def recount_parts(dialect: str) -> list:
    """SELECTs giving the flow rows of the rollup as they should be (for `rollup.recount`)."""
    from mediation.statistics.rollup import MEASURES, month_of, year_of

    events = _events_subquery()
    parts = []
    for kind, grain in ((FLOW, month_of), (FLOW_YEARLY, year_of)):
        period = grain(events.c.day, dialect)
        value = _collective(events.c.workers)
        totals = {
            "cases": sql_total(literal(1)),
            "workers": sql_total(events.c.workers),
            "claimed_fen": sql_total(events.c.claimed_fen),
        }
        parts.append(
            select(
                events.c.centre_id,
                period.label("month"),
                literal(kind).label("kind"),
                value.label("value"),
                events.c.event.label("status"),
                *[totals.get(m, literal(0)).label(m) for m in MEASURES],
            ).group_by(events.c.centre_id, period, value, events.c.event)
        )
    return parts


@dataclass
class Flow:
    """How many events of one kind, with their workers and claims; `collective` the part of
    them in collective disputes."""

    cases: int = 0
    workers: int = 0
    claimed_fen: int = 0
    collective: int = 0
    collective_workers: int = 0


def flows(session: Session, start: date, end: date, centre_ids) -> dict[str, Flow]:
    """{event: Flow} of the events dated from `start` to `end`, both included: whole years and
    months from the rollup, the days at either end from the cases and reopenings."""
    from mediation.statistics.period import Period, split, split_years

    found: dict[str, Flow] = defaultdict(Flow)

    def take(rows) -> None:
        for value, event, cases, workers, claimed in rows:
            flow = found[event]
            flow.cases += int(cases)
            flow.workers += int(workers)
            flow.claimed_fen += int(claimed)
            if value == "1":
                flow.collective += int(cases)
                flow.collective_workers += int(workers)

    if end < start:
        return {event: Flow() for event in EVENTS}
    whole, partial = split(Period(start, end))
    if whole is not None:
        years, month_ranges = split_years(*whole)
        ranges = [(FLOW, a, b) for a, b in month_ranges]
        if years is not None:
            ranges.append((FLOW_YEARLY, *years))
        rollup = CaseRollup
        statement = (
            select(
                rollup.value,
                rollup.status,
                sql_total(rollup.cases),
                sql_total(rollup.workers),
                sql_total(rollup.claimed_fen),
            )
            .where(
                or_(
                    *[
                        and_(rollup.kind == k, rollup.month >= a, rollup.month <= b)
                        for k, a, b in ranges
                    ]
                )
            )
            .group_by(rollup.value, rollup.status)
        )
        if centre_ids is not None:
            statement = statement.where(rollup.centre_id.in_(centre_ids))
        take(session.execute(statement).all())
    if partial:
        events = _events_subquery(partial, centre_ids)
        value = _collective(events.c.workers)
        take(
            session.execute(
                select(
                    value,
                    events.c.event,
                    sql_total(literal(1)),
                    sql_total(events.c.workers),
                    sql_total(events.c.claimed_fen),
                ).group_by(value, events.c.event)
            ).all()
        )
    return {event: found.get(event, Flow()) for event in EVENTS}


def open_on(session: Session, day: date, centre_ids) -> int:
    """Cases accepted (or reopened) and not closed at the end of `day`."""
    counted = flows(session, EPOCH, day, centre_ids)
    return (
        counted[ACCEPTED].cases
        + counted[REOPENED].cases
        - sum(counted[outcome].cases for outcome in OUTCOMES)
    )


def day_before(day: date) -> date:
    return day - timedelta(days=1)
