"""The one search box of /cases/ and /api/cases: people by ID number and phone, numbers typed
by a Chinese input method, legal cases in a block of their own, masking kept."""

from datetime import date

from sqlmodel import select

from conftest import resident_id
from mediation.legal.cases import LegalWorkerData, create_legal_case
from models import User, Worker


def _person(db, case, name="梁敏", id_number=None, phone="13912345678") -> Worker:
    worker = db.exec(select(Worker).where(Worker.case_id == case.id)).first()
    worker.name, worker.phone = name, phone
    worker.id_number = id_number or resident_id(555, birth="19910203")
    db.add(worker)
    db.flush()
    return worker


def test_list_finds_the_full_width_number_and_shows_legal_cases_apart(
    client, login_as, db, make_case, centres
):
    case = make_case("NH-LS")
    make_case("NH-LS")
    actor = db.get(User, case.created_by_id)
    legal = create_legal_case(
        db,
        actor,
        centres["NH-LS"],
        "仲裁代理",
        date(2026, 1, 5),
        [LegalWorkerData(name="职工1")],
        mediation_case=case,
        today=date(2026, 11, 24),
    )
    login_as("mediator", "NH-LS")
    full_width = case.number.replace("(", "（").replace(")", "）")
    page = client.get("/cases/", query_string={"q": full_width}).get_data(as_text=True)
    assert '<strong id="case-total">1</strong>' in page
    assert f"/legal/{legal.id}" in page and legal.number in page
    body = client.get("/api/cases", query_string={"q": legal.number}).get_json()
    assert body["total"] == 0  # the API answers with mediation cases only
    page = client.get("/cases/", query_string={"q": legal.number}).get_data(as_text=True)
    assert f"/legal/{legal.id}" in page


def test_api_finds_a_person_by_id_number_and_phone(client, login_as, db, make_case):
    case = make_case("NH-LS")
    make_case("NH-LS")
    worker = _person(db, case)
    login_as("mediator", "NH-LS")
    for q in (worker.id_number, "139 1234 5678", "+8613912345678"):
        body = client.get("/api/cases", query_string={"q": q}).get_json()
        assert [item["id"] for item in body["items"]] == [case.id], q
        assert body["items"][0]["matched_workers"][0]["id_number"] == worker.id_number
    body = client.get("/api/cases", query_string={"q": worker.id_number[:14]}).get_json()
    assert body["total"] == 0


def test_a_masked_id_number_still_matches_but_is_shown_masked(client, login_as, db, make_case):
    case = make_case("NH-LS")
    worker = _person(db, case)
    login_as("district_supervisor", district="NH")
    page = client.get("/cases/", query_string={"q": worker.id_number}).get_data(as_text=True)
    assert f"/cases/{case.id}" in page
    results = page.split('<table class="table cases')[1]  # the query itself stays in the box
    assert worker.id_number not in results
    assert worker.id_number[:6] + "********" + worker.id_number[-4:] in results
    assert "139****5678" in results and "13912345678" not in results
    body = client.get("/api/cases", query_string={"q": "13912345678"}).get_json()
    assert body["items"][0]["matched_workers"][0]["phone"] == "139****5678"


def test_search_stays_inside_the_scope(client, login_as, db, make_case):
    worker = _person(db, make_case("NH-LS"))
    login_as("mediator", "CC-ZC")
    outside = client.get("/api/cases", query_string={"q": worker.id_number}).get_json()
    assert outside["total"] == 0
