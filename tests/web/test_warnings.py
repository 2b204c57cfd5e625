"""The early-warning page, its drill-down, the home page's counts and /api/warnings."""

from datetime import date

import pytest

from mediation.reports import warnings

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The pages count back from today: hold it where the cases below were received."""
    monkeypatch.setattr("views.warnings.today", lambda: TODAY)
    monkeypatch.setattr("views.main.today", lambda: TODAY)


def collective(make_case, centre="NH-LS", employer="集体争议公司"):
    # received four days before TODAY: inside the 30-day window
    return make_case(centre, workers=12, received_on=date(2026, 11, 20), employer=employer)


def test_supervisor_sees_each_list_with_its_count_and_reason(client, login_as, make_case):
    case = collective(make_case)
    login_as("centre_supervisor", "NH-LS")

    page = client.get("/warnings/").get_data(as_text=True)

    assert "集体劳动争议（1）" in page
    assert case.number in page
    assert "集体劳动争议：12名劳动者，收到于2026-11-20" in page
    for spec in warnings.KINDS.values():
        assert spec.title in page


def test_home_page_counts_lead_to_the_list(client, login_as, make_case):
    case = collective(make_case)
    login_as("district_supervisor", district="NH")

    home = client.get("/").get_data(as_text=True)
    assert 'id="home-warning-collective" href="/warnings/collective"' in home
    drill = client.get("/warnings/collective").get_data(as_text=True)
    assert case.number in drill
    assert client.get("/warnings/nonsense").status_code == 404


def test_mediators_have_no_warning_lists(client, login_as):
    login_as("mediator", "NH-LS")
    assert client.get("/warnings/").status_code == 403
    assert client.get("/api/warnings").status_code == 403
    assert "home-warning-" not in client.get("/").get_data(as_text=True)


def test_api_answers_every_kind_in_the_users_scope(client, login_as, make_case):
    case = collective(make_case)
    collective(make_case, centre="CC-ZC", employer="另一区公司")
    login_as("district_supervisor", district="NH")

    body = client.get("/api/warnings").get_json()

    by_kind = {w["kind"]: w for w in body["warnings"]}
    assert set(by_kind) == set(warnings.KINDS)
    assert by_kind["collective"]["count"] == 1  # the other district's case is not counted
    assert by_kind["collective"]["cases"] == [
        {
            "id": case.id,
            "number": case.number,
            "reason": "集体劳动争议：12名劳动者，收到于2026-11-20",
            "employer": "集体争议公司",
            "mediator": "未指派",
        }
    ]
    one = client.get("/api/warnings?kind=collective&page=1").get_json()["warnings"]
    assert [w["kind"] for w in one] == ["collective"]
    assert client.get("/api/warnings?kind=nope").status_code == 404


def test_thresholds_are_read_from_the_app_config(app, client, login_as, make_case):
    make_case(workers=3, received_on=date(2026, 11, 20), employer="三人公司")
    login_as("city_supervisor")
    assert client.get("/api/warnings?kind=large").get_json()["warnings"][0]["count"] == 0
    app.config["WARN_MANY_WORKERS"] = 3
    try:
        found = client.get("/api/warnings?kind=large").get_json()["warnings"][0]
    finally:
        app.config["WARN_MANY_WORKERS"] = 5
    assert found["count"] == 1
    assert "涉及3名劳动者（预警：3人）" in found["cases"][0]["reason"]
