"""The benchmark's generated cases carry the deadlines the tracker would store: the period rule,
never a plain count of 15 days that may end on a rest day."""

from datetime import timedelta

import chinese_calendar
from sqlmodel import Session, select

from bench.common import generate_cases
from conftest import fresh_database
from mediation.reference.districts import load_reference_data
from models import Case
from models.db import make_engine, upgrade


def test_generated_deadlines_end_on_working_days_by_the_period_rule(tmp_path):
    with fresh_database("sqlite", tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            session.commit()
        generate_cases(url, 300)
        with Session(engine) as session:
            rows = session.exec(
                select(Case.accepted_on, Case.mediation_due_on).where(Case.accepted_on.is_not(None))
            ).all()
        engine.dispose()
    assert len(rows) > 100
    rolled = 0
    for accepted, due in rows:
        last = accepted + timedelta(days=15)
        while not chinese_calendar.is_workday(last):  # the official calendar, 调休 included
            last += timedelta(days=1)
        assert due == last, accepted
        rolled += due != accepted + timedelta(days=15)
    assert rolled > 0  # some fell on a rest day and moved
