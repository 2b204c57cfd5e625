"""What the crawl (test_crawl.py) found answering 500, each pinned by a quick test of its own."""

from conftest import csrf_from
from mediation.bounds import STATS_YEARS_MESSAGE
from mediation.cases import lifecycle
from models import User


def test_a_nul_character_anywhere_is_refused_as_a_bad_request(client, login_as, make_case):
    """PostgreSQL refuses NUL in text (a 500 on every search and text field); FTS5 takes it for
    the end of the phrase (a 500 on SQLite)."""
    make_case("NH-LS")
    login_as("mediator", "NH-LS")
    assert client.get("/cases/", query_string={"q": "张\x00"}).status_code == 400
    assert client.get("/api/cases", query_string={"q": "张\x00"}).status_code == 400
    token = csrf_from(client, "/cases/new")
    response = client.post("/cases/new", data={"csrf_token": token, "facts": "a\x00b"})
    assert response.status_code == 400
    assert client.get("/cases/", query_string={"q": "张"}).status_code == 200


def test_search_ignores_control_characters(client, db, login_as, make_case):
    case = make_case("NH-LS")
    login_as("mediator", "NH-LS")
    page = client.get("/cases/", query_string={"q": "\u202e" + case.number})
    assert page.status_code == 200
    assert f"/cases/{case.id}" in page.get_data(as_text=True)


def test_a_tampered_version_is_a_stale_form_not_a_500(client, db, login_as, make_case):
    case = make_case("NH-LS")
    lifecycle.accept(db, case, db.get(User, case.created_by_id), case.received_on)
    login_as("mediator", "NH-LS")
    url = f"/cases/{case.id}/withdraw"
    data = {"csrf_token": csrf_from(client, url), "version": "²", "closed_on": "2024-05-08"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "已被他人修改" in response.get_data(as_text=True)
    db.refresh(case)
    assert case.status == "accepted"


def test_statistics_api_dates_outside_the_years_are_a_bad_request(client, login_as):
    login_as("city_supervisor")
    for url, query in (
        ("/api/stats", {"to": "0001-01-01"}),
        ("/api/stats", {"from": "2024-01-01", "to": "9999-12-31"}),
        ("/api/reports/period", {"from": "0001-01-01"}),
    ):
        response = client.get(url, query_string=query)
        assert response.status_code == 400, (url, query)
        assert STATS_YEARS_MESSAGE in response.get_json()["message"]
