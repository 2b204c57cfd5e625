"""Rating the service after closure: a link in the closing notice to consenting workers, one
answer each, and the figures per centre, mediator and lawyer with their number of answers."""

import re
from datetime import date

import pytest
from sqlmodel import select

from conftest import csrf_from, succeed
from mediation.cases import lifecycle
from mediation.identifiers import lookup_key
from models import Message, Rating, Worker
from views.extensions import limiter

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def consent_all(db, case) -> list[Worker]:
    workers = list(db.exec(select(Worker).where(Worker.case_id == case.id)))
    for worker in workers:
        worker.notices_consent = True
        db.add(worker)
    db.flush()
    return workers


def rating_link(db, phone: str) -> str:
    message = db.exec(
        select(Message).where(
            Message.recipient_key == lookup_key("phone", phone), Message.kind == "closed"
        )
    ).one()
    return re.search(r"http://127\.0\.0\.1:5000(/rate/\S+)", message.text).group(1)


def give(client, url: str, score: str, comment: str = ""):
    token = csrf_from(client, url)
    return client.post(url, data={"score": score, "comment": comment, "csrf_token": token})


def test_each_consenting_worker_rates_once_after_success(client, db, make_case, make_user):
    mediator = make_user("mediator", "NH-LS", display_name="梁敏")
    case = make_case(workers=2, actor=mediator)
    case.mediator_id = mediator.id
    first, second = consent_all(db, case)
    succeed(db, case, mediator, date(2024, 5, 10))
    url = rating_link(db, first.phone)
    assert give(client, url, "5", "调解员很耐心").status_code == 200
    page = client.get(url).get_data(as_text=True)
    assert "感谢您的评价（5分）" in page and "<form" not in page
    assert give(client, rating_link(db, second.phone), "6").status_code == 422
    assert give(client, rating_link(db, second.phone), "4").status_code == 200
    scores = sorted(r.score for r in db.exec(select(Rating).where(Rating.case_id == case.id)))
    assert scores == [4, 5]


def test_a_withdrawal_invites_a_rating_and_a_refusal_does_not(db, make_case, make_user):
    mediator = make_user("mediator", "NH-LS")
    refused, withdrawn = make_case(actor=mediator), make_case(actor=mediator)
    consent_all(db, refused)
    consent_all(db, withdrawn)
    lifecycle.refuse(db, refused, mediator, date(2024, 5, 8), "超过受理范围", today=TODAY)
    lifecycle.accept(db, withdrawn, mediator, date(2024, 5, 8), today=TODAY)
    lifecycle.withdraw(db, withdrawn, mediator, date(2024, 5, 9), "已自行和解", today=TODAY)
    assert db.exec(select(Rating).where(Rating.case_id == refused.id)).first() is None
    assert len(db.exec(select(Rating).where(Rating.case_id == withdrawn.id)).all()) == 2


def test_the_figures_count_answers_per_centre_mediator_and_lawyer(
    client, db, make_case, make_user, login_as
):
    mediator = make_user("mediator", "NH-LS", display_name="梁敏")
    case = make_case(workers=3, actor=mediator)
    case.mediator_id = mediator.id
    workers = consent_all(db, case)
    succeed(db, case, mediator, date(2024, 5, 10))
    give(client, rating_link(db, workers[0].phone), "5")
    give(client, rating_link(db, workers[1].phone), "4")

    login_as("city_supervisor")
    figures = client.get("/api/ratings?from=2024-01-01&to=2024-12-31").get_json()
    assert figures["invited"] == 3 and figures["answers"] == 2 and figures["average"] == 4.5
    assert figures["by_mediator"] == [
        {"mediator_id": mediator.id, "name": "梁敏", "answers": 2, "average": 4.5}
    ]
    assert [row["answers"] for row in figures["by_centre"]] == [2]
    other_year = client.get("/api/ratings?from=2025-01-01&to=2025-12-31").get_json()
    assert other_year["answers"] == 0 and other_year["average"] is None
    page = client.get("/stats?period=custom&date_from=2024-01-01&date_to=2024-12-31")
    assert "服务满意度" in page.get_data(as_text=True)


def test_ratings_keep_to_the_scope(client, db, login_as):
    login_as("centre_supervisor", "NH-LS")
    assert client.get("/api/ratings?centre=SD-RG").status_code == 403
