"""The scale benchmark's generated cases are what the tracker would hold: the statistics equal
the cases, each case's totals equal its lines, and a worker is found by ID number and phone
(stored encrypted, searched by keyed hash), on both databases (COPY on PostgreSQL)."""

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bench.scale_data import fill
from conftest import BACKENDS, fresh_database
from mediation.cases.listing import CaseFilter, list_cases
from mediation.scope import Scope
from mediation.statistics.rollup import rollup_drift
from models import AgreementLine, Case, ClaimLine, Payment, Worker
from models.db import make_engine


@pytest.mark.parametrize("backend", BACKENDS)
def test_generated_cases_are_consistent_and_searchable(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        rows = fill(url, 400)
        engine = make_engine(url)
        with Session(engine) as session:
            assert rollup_drift(session) == {}
            claimed = select(ClaimLine.case_id, func.sum(ClaimLine.claimed_fen)).group_by(
                ClaimLine.case_id
            )
            agreed = (
                select(ClaimLine.case_id, func.sum(AgreementLine.agreed_fen))
                .join(AgreementLine, AgreementLine.claim_line_id == ClaimLine.id)
                .group_by(ClaimLine.case_id)
            )
            paid = select(Payment.case_id, func.sum(Payment.amount_fen)).group_by(Payment.case_id)
            workers = select(Worker.case_id, func.count()).group_by(Worker.case_id)
            totals = {
                column: dict(session.exec(statement).all())
                for column, statement in (
                    ("claimed_fen", claimed),
                    ("agreed_fen", agreed),
                    ("paid_fen", paid),
                    ("worker_count", workers),
                )
            }
            cases = session.exec(select(Case)).all()
            assert len(cases) == 400 and rows.ids["worker"] > 500
            for case in cases:
                for column, by_case in totals.items():
                    assert getattr(case, column) == by_case.get(case.id, 0), (case.id, column)
            worker = session.get(Worker, rows.ids["worker"] // 2)
            assert len(worker.id_number) == 18 and len(worker.phone) == 11  # decrypted
            city = Scope(centre_ids=None)
            for text in (worker.id_number, worker.phone):
                page = list_cases(session, city, CaseFilter(text=text), date(2026, 11, 27))
                assert worker.case_id in {row.id for row in page.rows}
        engine.dispose()
