"""per-worker instalments: an agreement's schedule says what each worker gets by each date

- instalment.worker_id (NOT NULL, cascading with the worker) and a unique (agreement, worker,
  date): one row per worker and date.
- Data: each agreement-level instalment is split across the agreement's workers in proportion
  to their agreed amounts, in whole fen, remainders to the largest shares
  (mediation.money.split_table), so that every date's total and every worker's agreed amount
  are unchanged. Rows on the same date are merged first. An agreement whose schedule does not
  add up to its agreed amounts (none should) keeps every date's total, split by the same rule.

Downgrade adds the workers' rows of each date back into one agreement-level instalment.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 18:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mediation.money import split_table

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2_000  # agreements at a time

instalment = sa.table(
    "instalment",
    sa.column("id", sa.Integer),
    sa.column("agreement_id", sa.Integer),
    sa.column("worker_id", sa.Integer),
    sa.column("due_on", sa.Date),
    sa.column("amount_fen", sa.BigInteger),
)
agreement_line = sa.table(
    "agreement_line",
    sa.column("agreement_id", sa.Integer),
    sa.column("claim_line_id", sa.Integer),
    sa.column("agreed_fen", sa.BigInteger),
)
claim_line = sa.table("claim_line", sa.column("id", sa.Integer), sa.column("worker_id", sa.Integer))
worker = sa.table(
    "case_worker",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("position", sa.Integer),
)
agreement = sa.table("agreement", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("instalment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker_id", sa.Integer(), nullable=True))
    _split_existing()
    with op.batch_alter_table("instalment", schema=None) as batch_op:
        batch_op.alter_column("worker_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_instalment_worker_id_case_worker"),
            "case_worker",
            ["worker_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(op.f("ix_instalment_worker_id"), ["worker_id"], unique=False)
        batch_op.create_unique_constraint(
            op.f("uq_instalment_worker_due_on"), ["agreement_id", "worker_id", "due_on"]
        )


def _split_existing() -> None:
    bind = op.get_bind()
    after = 0
    while True:
        ids = bind.execute(
            sa.select(instalment.c.agreement_id)
            .where(instalment.c.agreement_id > after)
            .group_by(instalment.c.agreement_id)
            .order_by(instalment.c.agreement_id)
            .limit(BATCH)
        ).scalars()
        ids = list(ids)
        if not ids:
            return
        after = ids[-1]
        dates: dict[int, dict] = {i: {} for i in ids}  # agreement: {due_on: fen}
        for agreement_id, due_on, fen in bind.execute(
            sa.select(
                instalment.c.agreement_id,
                instalment.c.due_on,
                sa.func.sum(instalment.c.amount_fen),
            )
            .where(instalment.c.agreement_id.in_(ids))
            .group_by(instalment.c.agreement_id, instalment.c.due_on)
            .order_by(instalment.c.agreement_id, instalment.c.due_on)
        ):
            dates[agreement_id][due_on] = int(fen)
        agreed: dict[int, dict[int, int]] = {i: {} for i in ids}  # agreement: {worker: fen}
        for agreement_id, worker_id, fen in bind.execute(
            sa.select(
                agreement_line.c.agreement_id,
                claim_line.c.worker_id,
                sa.func.sum(agreement_line.c.agreed_fen),
            )
            .join(claim_line, claim_line.c.id == agreement_line.c.claim_line_id)
            .join(worker, worker.c.id == claim_line.c.worker_id)
            .where(agreement_line.c.agreement_id.in_(ids))
            .group_by(agreement_line.c.agreement_id, claim_line.c.worker_id, worker.c.position)
            .order_by(agreement_line.c.agreement_id, worker.c.position, claim_line.c.worker_id)
        ):
            agreed[agreement_id][worker_id] = int(fen)
        first_worker = dict(
            bind.execute(
                sa.select(agreement.c.id, sa.func.min(worker.c.id))
                .join(worker, worker.c.case_id == agreement.c.case_id)
                .where(agreement.c.id.in_(ids))
                .group_by(agreement.c.id)
            ).all()
        )
        rows = []
        for agreement_id in ids:
            due = dates[agreement_id]
            per_worker = _per_worker(agreed[agreement_id], list(due.values()))
            if not per_worker and first_worker.get(agreement_id) is not None:
                # No agreed amounts to weigh by: the schedule stays whole with the first worker.
                per_worker = {first_worker[agreement_id]: list(due.values())}
            for worker_id, amounts in per_worker.items():
                rows += [
                    {
                        "agreement_id": agreement_id,
                        "worker_id": worker_id,
                        "due_on": d,
                        "amount_fen": a,
                    }
                    for d, a in zip(due, amounts, strict=True)
                    if a > 0
                ]
        bind.execute(instalment.delete().where(instalment.c.agreement_id.in_(ids)))
        if rows:
            bind.execute(instalment.insert(), rows)


def _per_worker(agreed: dict[int, int], columns: list[int]) -> dict[int, list[int]]:
    """{worker: fen per date}: both totals kept when they agree; otherwise every date's total is
    kept and split by the agreed amounts (or evenly when nothing was agreed)."""
    workers = list(agreed)
    if not workers:
        return {}
    weights = [agreed[w] for w in workers]
    if sum(weights) != sum(columns):
        if not sum(weights):
            weights = [1] * len(workers)
        by_column = [_shares(weights, column) for column in columns]
        return {w: [by_column[c][i] for c in range(len(columns))] for i, w in enumerate(workers)}
    return dict(zip(workers, split_table(weights, columns), strict=True))


def _shares(weights: list[int], total: int) -> list[int]:
    """`total` over `weights` in whole fen, remainders to the largest remainders."""
    whole = sum(weights)
    shares = [w * total // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(weights[i] * total % whole), -weights[i]))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def downgrade() -> None:
    with op.batch_alter_table("instalment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_instalment_worker_due_on"), type_="unique")
        batch_op.drop_index(op.f("ix_instalment_worker_id"))
        batch_op.drop_constraint(op.f("fk_instalment_worker_id_case_worker"), type_="foreignkey")
        batch_op.alter_column("worker_id", existing_type=sa.Integer(), nullable=True)
    merged = (
        sa.select(
            instalment.c.agreement_id, instalment.c.due_on, sa.func.sum(instalment.c.amount_fen)
        )
        .where(instalment.c.worker_id.is_not(None))
        .group_by(instalment.c.agreement_id, instalment.c.due_on)
    )
    bind = op.get_bind()
    bind.execute(instalment.insert().from_select(["agreement_id", "due_on", "amount_fen"], merged))
    bind.execute(instalment.delete().where(instalment.c.worker_id.is_not(None)))
    with op.batch_alter_table("instalment", schema=None) as batch_op:
        batch_op.drop_column("worker_id")
