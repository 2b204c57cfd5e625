"""The JSON API contract: /api/stats and /api/cases, login and scope."""

from datetime import date

import pytest

from mediation.cases import lifecycle
from mediation.reference.calendar import load_official_days
from models import User


def test_api_without_login_answers_401_in_json(client):
    for url in ("/api/stats", "/api/cases", "/api/cases/1"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"


def test_stats_contract_and_known_totals(client, login_as, stats_dataset):
    login_as("city_supervisor")
    body = client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json()
    assert body["from"] == "2021-03-01" and body["to"] == "2021-03-31"
    assert body["district"] is None and body["centre"] is None
    m = body["mediation"]
    for key, value in stats_dataset.items():
        assert m[key] == value, key
    assert m["success_rate_handled"] == 0.4 and m["success_rate_closed"] == 0.5
    legal = body["legal_services"]
    assert {k: legal[k] for k in ("cases", "worker_times", "recovered_fen")} == {
        "cases": 0,
        "worker_times": 0,
        "recovered_fen": 0,
    }
    assert legal["by_outcome"] == [] and legal["by_lawyer"] == []
    assert {d["code"]: d["handled"] for d in body["by_district"]} == {"CC": 1, "NH": 4}
    assert {c["code"] for c in body["by_centre"]} == {"NH-LS", "CC-ZC"}
    assert set(body["by_centre"][0]) == {
        "code",
        "name",
        "handled",
        "succeeded",
        "recovered_fen",
        "workers_served",
    }
    assert any(c["category"] == "工伤" for c in body["by_category"])
    assert any(c["channel"] == "仲裁委托" for c in body["by_channel"])
    assert [m["month"] for m in body["by_month"]] == ["2021-03"]


def test_by_month_lists_empty_months(client, login_as):
    login_as("admin")
    body = client.get("/api/stats?from=2020-11-15&to=2021-02-03").get_json()
    assert [m["month"] for m in body["by_month"]] == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert all(m["handled"] == 0 for m in body["by_month"])


def test_scopes_of_the_stats_api(client, login_as, stats_dataset):
    login_as("mediator", "CC-ZC")
    own = client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json()
    assert own["centre"] == "CC-ZC" and own["mediation"]["handled"] == 1
    assert client.get("/api/stats?centre=NH-LS").status_code == 403
    assert client.get("/api/stats?district=NH").status_code == 403
    assert client.get("/api/stats?district=XX").status_code == 400


def test_district_supervisor_reads_own_district_only(client, login_as, stats_dataset):
    login_as("district_supervisor", district="NH")
    body = client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json()
    assert body["district"] == "NH" and body["mediation"]["handled"] == 4
    assert client.get("/api/stats?centre=NH-LS").status_code == 200
    assert client.get("/api/stats?district=CC").status_code == 403
    assert client.get("/api/stats?centre=CC-ZC").status_code == 403


def test_lawyers_get_no_statistics(client, login_as):
    login_as("lawyer", "NH-LS")
    assert client.get("/api/stats").status_code == 403


@pytest.mark.parametrize("query", ["from=2021-13-01", "from=2021-03-05&to=2021-03-01"])
def test_bad_parameters_are_400(client, login_as, query):
    login_as("admin")
    response = client.get(f"/api/stats?{query}")
    assert response.status_code == 400
    assert response.get_json()["message"]


def test_case_list_api_pages_and_filters(client, login_as, make_case):
    for _ in range(5):
        make_case("NH-LS", received_on=date(2024, 5, 6))
    make_case("CC-ZC")
    login_as("mediator", "NH-LS")
    first = client.get("/api/cases?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next"] and first["total"] == 5
    item = first["items"][0]
    assert set(item) >= {
        "id",
        "number",
        "centre",
        "status",
        "status_label",
        "received_on",
        "accepted_on",
        "closed_on",
        "category",
        "channel",
        "workers",
        "claimed_fen",
        "agreed_fen",
        "paid_fen",
    }
    assert item["centre"] == "NH-LS" and item["status"] == "received"
    assert item["status_label"] == "待受理"
    ids = [i["id"] for i in first["items"]]
    cursor = first["next"]
    while cursor:
        page = client.get(f"/api/cases?limit=2&cursor={cursor}").get_json()
        ids += [i["id"] for i in page["items"]]
        cursor = page["next"]
    assert len(ids) == len(set(ids)) == 5
    assert client.get("/api/cases?status=bogus").status_code == 400
    assert client.get("/api/cases?centre=CC-ZC").status_code == 403


def test_case_api_masks_personal_data_by_role(client, login_as, make_case):
    case = make_case("NH-LS")
    login_as("district_supervisor", district="NH")
    masked = client.get(f"/api/cases/{case.id}").get_json()
    assert "*" in masked["worker_list"][0]["id_number"]
    assert "*" in masked["worker_list"][0]["phone"]
    client.post("/logout", data={"csrf_token": _token(client)})
    login_as("mediator", "NH-LS")
    shown = client.get(f"/api/cases/{case.id}").get_json()
    assert "*" not in shown["worker_list"][0]["id_number"]
    client.post("/logout", data={"csrf_token": _token(client)})
    login_as("mediator", "CC-ZC")
    assert client.get(f"/api/cases/{case.id}").status_code == 404


def _token(client):
    from conftest import csrf_from

    return csrf_from(client, "/")


def test_case_api_gives_the_three_deadlines_rolled_past_rest_days(client, db, login_as, make_case):
    load_official_days(db)
    case = make_case("NH-LS", received_on=date(2024, 9, 16))
    login_as("mediator", "NH-LS")
    body = client.get(f"/api/cases/{case.id}").get_json()
    assert body["statutory_due_on"] == "2024-10-08"  # 1 October is National Day
    assert body["acceptance_due_on"] == "2024-09-20"  # 15-17 September: Mid-Autumn
    assert body["mediation_due_on"] is None  # not accepted yet
    lifecycle.accept(db, case, db.get(User, case.created_by_id), date(2024, 9, 18))
    lifecycle.extend(db, case, db.get(User, case.created_by_id), date(2024, 10, 2), 3)
    body = client.get(f"/api/cases/{case.id}").get_json()
    assert body["mediation_due_on"] == "2024-10-08"  # 18 days end on 6 October, a holiday
    assert case.mediation_due_on == date(2024, 10, 8)


def test_case_detail_is_never_cached(client, login_as, make_case):
    """It carries ID numbers and phones: no browser or proxy keeps a copy (issue 15)."""
    case = make_case("NH-LS")
    login_as("mediator", "NH-LS")
    response = client.get(f"/api/cases/{case.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
