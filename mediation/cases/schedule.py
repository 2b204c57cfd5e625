"""An agreement's payment schedule, per worker: what each worker is to receive by which date.

The same schedule for all (one list of dates and totals) is split across the workers in
proportion to their agreed amounts, in whole fen, remainders to the largest shares
(money.split_table), so every date's total and every worker's agreed amount hold exactly.
A worker's 第n期 is their n-th date; what falls due is compared with what each worker was paid,
never with what another worker received.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from mediation.money import format_yuan, split_table
from models import Agreement, Instalment, Worker
from models.base import sql_total

Rows = list[tuple[date, int]]  # (due on, fen), a worker's schedule or the agreement's dates


@dataclass(frozen=True)
class DueDate:
    """All workers' instalments falling due on one date, added up."""

    due_on: date
    amount_fen: int


def schedule_of(session: Session, agreement: Agreement | None) -> dict[int, Rows]:
    """{worker id: [(due on, fen), ...] in date order}."""
    if agreement is None:
        return {}
    found: dict[int, Rows] = defaultdict(list)
    for worker_id, due_on, fen in session.exec(
        select(Instalment.worker_id, Instalment.due_on, Instalment.amount_fen)
        .where(Instalment.agreement_id == agreement.id)
        .order_by(Instalment.worker_id, Instalment.due_on)
    ):
        found[worker_id].append((due_on, fen))
    return dict(found)


def dates_of(session: Session, agreement: Agreement | None) -> list[DueDate]:
    """The agreement's dates with all workers' amounts due on each (the agreement-level view)."""
    if agreement is None:
        return []
    return [
        DueDate(due_on, int(fen))
        for due_on, fen in session.exec(
            select(Instalment.due_on, sql_total(Instalment.amount_fen))
            .where(Instalment.agreement_id == agreement.id)
            .group_by(Instalment.due_on)
            .order_by(Instalment.due_on)
        )
    ]


def split_schedule(agreed: dict[int, int], dates: Rows) -> dict[int, Rows]:
    """The same schedule for all: each date's amount split across the workers in proportion to
    their agreed amounts ({worker id: fen}). The dates' total must equal the agreed total."""
    workers = [worker_id for worker_id, fen in agreed.items() if fen > 0]
    table = split_table([agreed[w] for w in workers], [fen for _, fen in dates])
    return {
        worker_id: [(due_on, fen) for (due_on, _), fen in zip(dates, row, strict=True) if fen]
        for worker_id, row in zip(workers, table, strict=True)
    }


def is_same_for_all(agreed: dict[int, int], schedule: dict[int, Rows]) -> list[tuple] | None:
    """The agreement-level dates when `schedule` is exactly what the same schedule for all
    gives; None when some worker's schedule was set on its own."""
    totals: dict[date, int] = defaultdict(int)
    for rows in schedule.values():
        for due_on, fen in rows:
            totals[due_on] += fen
    dates = sorted(totals.items())
    if sum(totals.values()) != sum(agreed.values()):
        return None
    if {w: rows for w, rows in schedule.items() if rows} != split_schedule(agreed, dates):
        return None
    return dates


def check_dates(rows: Rows, received_on: date, field: str) -> list[tuple[str, str]]:
    """Problems of one list of (date, amount): amounts above 0, no date before the application
    was received, no date twice. Field names are `<field>-<index>-due_on|amount`."""
    problems = []
    seen: set[date] = set()
    for index, (due_on, amount) in enumerate(rows):
        if amount <= 0:
            problems.append((f"{field}-{index}-amount", "每期金额须大于0"))
        if due_on < received_on:
            problems.append((f"{field}-{index}-due_on", "付款期限不能早于收到申请日期"))
        elif due_on in seen:
            problems.append((f"{field}-{index}-due_on", "付款期限与前一期重复"))
        seen.add(due_on)
    return problems


def check_worker_schedules(
    workers: dict[int, Worker],
    agreed: dict[int, int],
    schedule: dict[int, Rows],
    received_on: date,
) -> list[tuple[str | None, str]]:
    """Problems of a per-worker schedule: each worker's rows (`schedule-<worker id>-<index>-…`)
    and their total against the worker's agreed amount (`schedule-<worker id>`)."""
    problems: list[tuple[str | None, str]] = []
    if set(schedule) - set(workers):
        problems.append(("schedule", "付款安排中的申请人不属于本案"))
    for worker_id, worker in workers.items():
        rows = schedule.get(worker_id, [])
        problems += check_dates(rows, received_on, f"schedule-{worker_id}")
        owed, scheduled = agreed.get(worker_id, 0), sum(fen for _, fen in rows)
        if owed and not rows:
            problems.append((f"schedule-{worker_id}", f"请填写{worker.name}的付款期限"))
        elif scheduled != owed:
            problems.append(
                (
                    f"schedule-{worker_id}",
                    f"{worker.name}各期金额合计 {format_yuan(scheduled)} 元"
                    f"与其协议金额 {format_yuan(owed)} 元不一致",
                )
            )
    return problems


def due_by_worker(session: Session, agreement: Agreement | None, before: date) -> dict[int, int]:
    """{worker id: fen that fell due before `before`} under the agreement."""
    if agreement is None:
        return {}
    return dict(
        session.exec(
            select(Instalment.worker_id, sql_total(Instalment.amount_fen))
            .where(Instalment.agreement_id == agreement.id, Instalment.due_on < before)
            .group_by(Instalment.worker_id)
        ).all()
    )


@dataclass(frozen=True)
class InstalmentChoice:
    """What paying up to one instalment means for each worker (the bulk payment form's
    choices): `amounts` is what each worker still needs to have received all their instalments
    up to the n-th (`key` "n"), or everything still owed (`key` "all")."""

    key: str
    label: str
    amounts: dict[int, int]

    @property
    def total_fen(self) -> int:
        return sum(self.amounts.values())


def instalment_choices(
    schedule: dict[int, Rows], agreed: dict[int, int], paid: dict[int, int]
) -> list[InstalmentChoice]:
    """第1期 … 第n期 (each worker's n-th instalment; what is unpaid of earlier ones comes with
    it), then 全部尚欠. Payments beyond a worker's agreed amount count for nobody else."""
    count = max((len(rows) for rows in schedule.values()), default=0)
    choices = []
    for number in range(1, count + 1):
        amounts, dates = {}, set()
        for worker_id, rows in schedule.items():
            due = sum(fen for _, fen in rows[:number])
            if len(rows) >= number:
                dates.add(rows[number - 1][0])
            amounts[worker_id] = max(min(due, agreed.get(worker_id, 0)) - paid.get(worker_id, 0), 0)
        when = (
            str(min(dates)) if len(dates) == 1 else f"{min(dates)} 至 {max(dates)}"
        )  # dates is never empty: some worker has an n-th instalment
        choices.append(InstalmentChoice(str(number), f"第{number}期（{when}）", amounts))
    outstanding = {w: max(fen - paid.get(w, 0), 0) for w, fen in agreed.items()}
    choices.append(InstalmentChoice("all", "全部尚欠", outstanding))
    return choices


def next_choice(choices: list[InstalmentChoice]) -> InstalmentChoice:
    """The first instalment not yet paid in full by every worker; else everything owed."""
    return next((c for c in choices if c.total_fen), choices[-1])
