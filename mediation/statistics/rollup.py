"""Keeps `case_rollup` exactly in step with the cases.

Besides the statistics kinds, kind "list" counts every case (voided and unaccepted ones too) by
centre, month of receipt and status, so that the case list's unfiltered total is a sum of a few
hundred rows rather than a count over every case.

Kinds "flow" and "flow:y" hold the periodic report's events (`flows`): acceptances, closures
and reopenings by the day they happened.

Before every flush, each new or changed case's old contribution is subtracted and its new one
added, with atomic `INSERT … ON CONFLICT DO UPDATE SET x = x + delta`, so concurrent writers
never lose an update. The old state is read from the database (the row flush is about to
replace), which is exact even for attributes set on an expired instance. Bulk UPDATEs of cases
bypass this: after one, run `rebuild_rollup` (`flask --app app rebuild-rollup`).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Integer, case, cast, event, func, inspect, literal, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mediation.statistics import flows
from models import Case, CaseRollup, CaseStatus

KINDS = ("all", "category", "channel", "lawyer")  # statistics, by statistics month
YEARLY = ":y"  # the same kinds again by statistics year ("all:y", …): 12x fewer rows to add up
LIST_KIND = "list"  # every case, by month of receipt
MEASURES = (
    "cases",
    "workers",
    "claimed_fen",
    "agreed_fen",
    "paid_fen",
    "closed_cases",
    "days_to_close",
)
FIELDS = (
    "status",
    "received_on",
    "accepted_on",
    "closed_on",
    "centre_id",
    "category",
    "channel",
    "lawyer_id",
    "worker_count",
    "claimed_fen",
    "agreed_fen",
    "paid_fen",
)
CLOSED_AFTER_ACCEPTANCE = (CaseStatus.SUCCEEDED, CaseStatus.FAILED, CaseStatus.WITHDRAWN)


def stat_date(state: Mapping[str, Any]) -> date | None:
    """The date that puts a case in a period: acceptance, or for a refusal its decision date.
    Voided cases (entered by mistake) and cases never accepted count nowhere."""
    if state["status"] == CaseStatus.VOIDED:
        return None
    if state["status"] == CaseStatus.REFUSED:
        return state["closed_on"]
    return state["accepted_on"]


def contribution(state: Mapping[str, Any]) -> dict[tuple, dict[str, int]]:
    """{(centre_id, month, kind, value, status): measures} of one case's state."""
    status = state["status"]
    listed = {
        (state["centre_id"], state["received_on"].replace(day=1), LIST_KIND, "", status): {
            **dict.fromkeys(MEASURES, 0),
            "cases": 1,
        }
    }
    listed |= flows.case_contribution(state)
    day = stat_date(state)
    if day is None:
        return listed
    closed = status in CLOSED_AFTER_ACCEPTANCE and state["accepted_on"] and state["closed_on"]
    measures = {
        "cases": 1,
        "workers": state["worker_count"],
        "claimed_fen": state["claimed_fen"],
        "agreed_fen": state["agreed_fen"] if status == CaseStatus.SUCCEEDED else 0,
        "paid_fen": state["paid_fen"],
        "closed_cases": 1 if closed else 0,
        "days_to_close": (state["closed_on"] - state["accepted_on"]).days if closed else 0,
    }
    values = {
        "all": "",
        "category": state["category"],
        "channel": state["channel"],
        "lawyer": str(state["lawyer_id"] or ""),
    }
    month = day.replace(day=1)
    year = day.replace(month=1, day=1)
    return (
        listed
        | {(state["centre_id"], month, kind, values[kind], status): measures for kind in KINDS}
        | {
            (state["centre_id"], year, kind + YEARLY, values[kind], status): measures
            for kind in KINDS
        }
    )


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def apply_deltas(session: Session, deltas: Mapping[tuple, Mapping[str, int]]) -> None:
    """Add the deltas to the rollup: one executemany of a single upsert, in key order (so that
    concurrent writers lock rollup rows in the same order and cannot deadlock)."""
    rows = [
        dict(zip(("centre_id", "month", "kind", "value", "status"), key, strict=True), **delta)
        for key, delta in sorted(deltas.items())
        if any(delta.values())
    ]
    if not rows:
        return
    statement = _insert(session)(CaseRollup)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "month", "centre_id", "value", "status"],
        set_={m: getattr(CaseRollup, m) + getattr(statement.excluded, m) for m in MEASURES},
    )
    session.connection().execute(statement, rows)


def new_deltas() -> dict[tuple, dict[str, int]]:
    """An empty sum of contributions, for add_to_deltas and then apply_deltas."""
    return defaultdict(lambda: dict.fromkeys(MEASURES, 0))


def add_to_deltas(deltas: dict[tuple, dict[str, int]], states: Iterable[Mapping[str, Any]]) -> None:
    """Add the contribution of new cases to the sum (a bulk writer adds batch after batch)."""
    for state in states:
        for key, measures in contribution(state).items():
            total = deltas[key]
            for name, amount in measures.items():
                if amount:  # most measures of most keys are 0
                    total[name] += amount


def _changed(instance: Case) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in FIELDS)


def _current(instance: Case) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in FIELDS}


def _stored(session: Session, case_id: int) -> dict[str, Any] | None:
    columns = [getattr(Case, name) for name in FIELDS]
    row = session.connection().execute(select(*columns).where(Case.id == case_id)).first()
    return dict(zip(FIELDS, row, strict=True)) if row else None


def _before_flush(session: Session, _context, _instances) -> None:
    if session.info.get(PAUSED):  # a bulk writer rebuilds the whole rollup afterwards
        return
    deltas: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))

    def add(state: Mapping[str, Any] | None, sign: int) -> None:
        for key, measures in (contribution(state) if state else {}).items():
            for name, amount in measures.items():
                deltas[key][name] += sign * amount

    for instance in session.new:
        if isinstance(instance, Case):
            add(_current(instance), +1)
    for instance in session.dirty:
        if isinstance(instance, Case) and instance.id is not None and _changed(instance):
            add(_stored(session, instance.id), -1)
            add(_current(instance), +1)
    for instance in session.deleted:
        if isinstance(instance, Case):
            add(_stored(session, instance.id), -1)

    def add_flows(contribution: Mapping[tuple, Mapping[str, int]], sign: int) -> None:
        for key, measures in contribution.items():
            for name, amount in measures.items():
                deltas[key][name] += sign * amount

    flows.deltas(
        session, add_flows, lambda case_id: (_stored(session, case_id) or {}).get("status")
    )
    if deltas:
        apply_deltas(session, deltas)


event.listen(Session, "before_flush", _before_flush)


# -- recounting from the cases (checks and repairs) -------------------------------------------


def month_of(expression, dialect: str):
    if dialect == "postgresql":
        return cast(func.date_trunc("month", expression), Case.accepted_on.type)
    return func.date(expression, "start of month")


def year_of(expression, dialect: str):
    if dialect == "postgresql":
        return cast(func.date_trunc("year", expression), Case.accepted_on.type)
    return func.date(expression, "start of year")


def days_between(later, earlier, dialect: str):
    if dialect == "postgresql":
        return later - earlier
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def stat_date_column():
    return case((Case.status == CaseStatus.REFUSED.value, Case.closed_on), else_=Case.accepted_on)


def case_measures(dialect: str) -> list:
    """Per-case measure columns, named like the rollup's, for aggregating cases directly."""
    succeeded = Case.status == CaseStatus.SUCCEEDED.value
    closed = (
        Case.status.in_([s.value for s in CLOSED_AFTER_ACCEPTANCE])
        & Case.closed_on.is_not(None)
        & Case.accepted_on.is_not(None)
    )
    return [
        literal(1).label("cases"),
        Case.worker_count.label("workers"),
        Case.claimed_fen.label("claimed_fen"),
        case((succeeded, Case.agreed_fen), else_=0).label("agreed_fen"),
        Case.paid_fen.label("paid_fen"),
        case((closed, 1), else_=0).label("closed_cases"),
        case((closed, days_between(Case.closed_on, Case.accepted_on, dialect)), else_=0).label(
            "days_to_close"
        ),
    ]


def counted_cases_condition():
    return (Case.status != CaseStatus.VOIDED.value) & stat_date_column().is_not(None)


def recount_statement(dialect: str, with_flows: bool = True):
    """The rollup as it should be, computed from the cases with GROUP BY (`with_flows`: and the
    periodic report's events, whose table older migrations do not have yet)."""
    facts = (
        select(
            Case.centre_id,
            month_of(stat_date_column(), dialect).label("month"),
            year_of(stat_date_column(), dialect).label("year"),
            Case.status,
            Case.category,
            Case.channel,
            func.coalesce(cast(Case.lawyer_id, CaseRollup.value.type), "").label("lawyer"),
            *case_measures(dialect),
        )
        .where(counted_cases_condition())
        .subquery()
    )
    parts = []
    for kind in KINDS:
        value = literal("") if kind == "all" else facts.c[kind]
        for grain, name in ((facts.c.month, kind), (facts.c.year, kind + YEARLY)):
            parts.append(
                select(
                    facts.c.centre_id,
                    grain.label("month"),
                    literal(name).label("kind"),
                    value.label("value"),
                    facts.c.status,
                    *[func.sum(facts.c[m]).label(m) for m in MEASURES],
                ).group_by(facts.c.centre_id, grain, value, facts.c.status)
            )
    zeros = [literal(0).label(m) for m in MEASURES if m != "cases"]
    received_month = month_of(Case.received_on, dialect)
    parts.append(
        select(
            Case.centre_id,
            received_month.label("month"),
            literal(LIST_KIND).label("kind"),
            literal("").label("value"),
            Case.status,
            func.count().label("cases"),
            *zeros,
        ).group_by(Case.centre_id, received_month, Case.status)
    )
    if with_flows:
        parts.extend(flows.recount_parts(dialect))  # the periodic report's events
    return union_all(*parts)


def _normalise(rows) -> dict[tuple, tuple]:
    result = {}
    for row in rows:
        month = row.month if isinstance(row.month, date) else date.fromisoformat(str(row.month))
        measures = tuple(int(getattr(row, m) or 0) for m in MEASURES)
        if any(measures):
            result[(row.centre_id, month, row.kind, row.value, row.status)] = measures
    return result


def rollup_drift(session: Session) -> dict[tuple, tuple]:
    """{key: (stored, expected)} for every rollup row that differs from a full recount."""
    dialect = session.get_bind().dialect.name
    expected = _normalise(session.execute(recount_statement(dialect)))
    stored = _normalise(session.execute(select(CaseRollup)).scalars())
    return {
        key: (stored.get(key), expected.get(key))
        for key in set(expected) | set(stored)
        if stored.get(key) != expected.get(key)
    }


PAUSED = "rollup_paused"  # session.info key: skip the per-flush bookkeeping (see rebuilt_after)


@contextmanager
def rebuilt_after(session: Session) -> Iterator[None]:
    """Skip the per-flush bookkeeping inside the block and rebuild the whole rollup at its end:
    for bulk writers that run alone and write many cases (the demo data)."""
    session.info[PAUSED] = True
    try:
        yield
    finally:
        session.info.pop(PAUSED, None)
    rebuild_rollup(session)


def rebuild_rollup(session: Session) -> int:
    """Recompute the whole rollup from the cases; returns the number of rows written."""
    dialect = session.get_bind().dialect.name
    session.flush()
    session.execute(CaseRollup.__table__.delete())
    with_flows = inspect(session.connection()).has_table("case_reopening")
    recount = recount_statement(dialect, with_flows).subquery()
    columns = ["centre_id", "month", "kind", "value", "status", *MEASURES]
    result = session.execute(
        CaseRollup.__table__.insert().from_select(columns, select(*[recount.c[c] for c in columns]))
    )
    return result.rowcount
