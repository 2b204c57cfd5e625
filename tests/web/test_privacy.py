"""Personal data (worker names in the ledger, ID numbers and phones on the pages) follows one rule
(mediation/privacy.py) through every page that shows it: mediators see it at their centre,
lawyers only on the cases assigned to them, district and city supervisors never."""

import csv
import io
import json
from datetime import date

import pytest
from sqlmodel import select

from conftest import login, resident_id
from mediation.cases import lifecycle
from mediation.identifiers import mask_id_number, mask_name, mask_phone
from mediation.legal import cases as legal
from mediation.reference.roster import LawyerData, save_lawyer
from models import Worker

TODAY = date(2026, 11, 24)
ID_OF_ASSIGNED = resident_id(901, birth="19800202")
ID_OF_OTHER = resident_id(902, birth="19800303")


@pytest.fixture
def caseload(db, centres, make_user, make_case):
    """A lawyer user on the roster of NH-LS with a colleague; at NH-LS one accepted mediation
    case and one legal case assigned to each of them."""
    nh = centres["NH-LS"]
    user = make_user("lawyer", "NH-LS", username="lawyer_wang")
    own = save_lawyer(
        db,
        None,
        LawyerData(
            "王律师",
            "14406202110000001",
            "甲律师事务所",
            centre_ids=(nh.id,),
            username=user.username,
        ),
        None,
    )
    other = save_lawyer(
        db,
        None,
        LawyerData("赵律师", "14406202110000002", "乙律师事务所", centre_ids=(nh.id,)),
        None,
    )
    mediator = make_user("mediator", "NH-LS")
    cases = {}
    for key, lawyer in (("assigned", own), ("other", other)):
        case = make_case("NH-LS", actor=mediator)
        lifecycle.accept(db, case, mediator, date(2024, 5, 7), today=TODAY)
        case.lawyer_id = lawyer.id
        legal_case = legal.create_legal_case(
            db,
            None,
            nh,
            "仲裁代理",
            date(2024, 6, 3),
            [
                legal.LegalWorkerData(
                    "申请人甲",
                    id_number=ID_OF_ASSIGNED if key == "assigned" else ID_OF_OTHER,
                    phone="13800001111",
                )
            ],
            lawyer_id=lawyer.id,
            today=TODAY,
        )
        cases[key] = (case, legal_case)
    db.flush()
    return cases


def _id_numbers(db, case) -> list[str]:
    return list(db.exec(select(Worker.id_number).where(Worker.case_id == case.id)))


def _exported_names(client) -> dict[str, str]:
    response = client.get("/ledger/export.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")))
    return {row["案件编号"]: row["申请人"] for row in rows}


def test_a_lawyer_sees_personal_data_only_on_the_cases_assigned_to_them(
    db, client, login_as, caseload
):
    assert login(client, "lawyer_wang").status_code == 302
    (own_case, own_legal), (other_case, other_legal) = caseload["assigned"], caseload["other"]

    page = client.get(f"/cases/{own_case.id}").get_data(as_text=True)
    assert all(number in page for number in _id_numbers(db, own_case))
    page = client.get(f"/cases/{other_case.id}").get_data(as_text=True)
    for number in _id_numbers(db, other_case):
        assert number not in page and mask_id_number(number) in page

    page = client.get(f"/legal/{own_legal.id}").get_data(as_text=True)
    assert ID_OF_ASSIGNED in page
    page = client.get(f"/legal/{other_legal.id}").get_data(as_text=True)
    assert ID_OF_OTHER not in page and mask_id_number(ID_OF_OTHER) in page

    names = _exported_names(client)
    assert names[own_case.number] == "职工1、职工2"
    assert names[other_case.number] == "职*、职*"


@pytest.mark.parametrize(
    "role,centre,district,shown",
    [
        ("mediator", "NH-LS", None, True),
        ("centre_supervisor", "NH-LS", None, True),
        ("district_supervisor", None, "NH", False),
        ("city_supervisor", None, None, False),
    ],
)
def test_other_roles_see_personal_data_on_every_case_or_on_none(
    db, client, login_as, caseload, role, centre, district, shown
):
    login_as(role, centre, district)
    names = _exported_names(client)
    for case, legal_case in caseload.values():
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
        assert all((number in page) is shown for number in _id_numbers(db, case))
        page = client.get(f"/legal/{legal_case.id}").get_data(as_text=True)
        assert ((ID_OF_ASSIGNED in page) or (ID_OF_OTHER in page)) is shown
        assert names[case.number] == ("职工1、职工2" if shown else "职*、职*")


def _surfaces(client, db, case, legal_case) -> dict[str, str]:
    """Everything a user reads about a case's workers: its page, the case list searched by an
    ID number, the API (case and search), a printed document and the legal case's page."""
    [worker] = db.exec(select(Worker).where(Worker.case_id == case.id, Worker.position == 0))
    found = client.get("/cases/", query_string={"q": worker.id_number}).get_data(as_text=True)
    api_found = client.get("/api/cases", query_string={"q": worker.id_number}).get_json()
    return {
        "case page": client.get(f"/cases/{case.id}").get_data(as_text=True),
        "search results": found.split('<table class="table cases')[1],
        "API case": json.dumps(client.get(f"/api/cases/{case.id}").get_json(), ensure_ascii=False),
        "API search": str(api_found["items"][0]["matched_workers"]),
        "document": client.get(f"/cases/{case.id}/print/sheet").get_data(as_text=True),
        "legal case": client.get(f"/legal/{legal_case.id}").get_data(as_text=True),
    }


@pytest.mark.parametrize(
    "role,centre,district,full",
    [
        ("mediator", "NH-LS", None, {"assigned", "other"}),
        ("centre_supervisor", "NH-LS", None, {"assigned", "other"}),
        ("admin", None, None, {"assigned", "other"}),
        ("lawyer", None, None, {"assigned"}),
        ("district_supervisor", None, "NH", set()),
        ("city_supervisor", None, None, set()),
    ],
)
def test_worker_names_are_masked_by_the_same_rule_on_every_surface(
    db, client, login_as, caseload, role, centre, district, full
):
    """District and city supervisors read 职* as the ledger export writes it, on every surface;
    mediators, centre supervisors and admins read names in full, lawyers on their own cases."""
    if role == "lawyer":
        assert login(client, "lawyer_wang").status_code == 302
    else:
        login_as(role, centre, district)
    for key, (case, legal_case) in caseload.items():
        [worker] = db.exec(select(Worker).where(Worker.case_id == case.id, Worker.position == 0))
        for surface, text in _surfaces(client, db, case, legal_case).items():
            name = "申请人甲" if surface == "legal case" else worker.name
            if key in full:
                assert name in text, (key, surface)
            else:
                assert name not in text, (key, surface)
                assert mask_name(name) in text, (key, surface)
                if surface not in ("document", "legal case"):  # the sheet prints no phone
                    assert worker.phone not in text and mask_phone(worker.phone) in text
