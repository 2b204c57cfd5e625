"""The caseload move page: pick a mediator's cases, see each with its conflict, confirm; the
cases without one move, the conflicting one stays and is listed with its reason."""

from datetime import date

from sqlmodel import select

from conftest import csrf_from
from mediation.cases import lifecycle
from models import AuditEvent, Case, EmployerCounsel, Lawyer, LawyerCentre

TODAY = date(2026, 11, 24)
CONFLICT = "广东某某律师事务所登记为律所代理公司的代理律所，存在利益冲突，应当回避"


def test_a_supervisor_moves_thirty_cases_and_the_conflicting_one_stays(
    client, db, login_as, make_user, make_case, centres
):
    mediator = make_user("mediator", "NH-LS", display_name="离职调解员")
    cases = []
    for i in range(30):
        case = make_case(
            actor=mediator, workers=1, employer="律所代理公司" if i == 4 else "普通公司"
        )
        lifecycle.accept(db, case, mediator, date(2024, 5, 7), today=TODAY)
        case.mediator_id = mediator.id
        cases.append(case)
    make_case(employer="别人的公司")  # another mediator's: not selected
    lawyer = Lawyer(
        name="王律师", certificate_no="14406202110000001", firm_name="广东某某律师事务所"
    )
    db.add(lawyer)
    db.flush()
    db.add(LawyerCentre(lawyer_id=lawyer.id, centre_id=centres["NH-LS"].id))
    db.add(EmployerCounsel(employer_id=cases[4].employer_id, firm_name=lawyer.firm_name))
    db.flush()
    supervisor = login_as("centre_supervisor", "NH-LS")

    url = f"/cases/move?mediator={mediator.id}"
    page = client.get(url).get_data(as_text=True)
    assert page.count('name="case_ids"') == 30 and page.count("checked") == 30
    token = csrf_from(client, url)
    chosen = {"case_ids": [c.id for c in cases], "target": f"lawyer:{lawyer.id}"}

    confirm = client.post(url, data={**chosen, "csrf_token": token})
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert text.count("可以移交") == 29 and CONFLICT in text
    assert "确认移交29件" in text
    assert db.exec(select(Case).where(Case.lawyer_id == lawyer.id)).all() == []  # nothing yet

    done = client.post(url, data={**chosen, "confirm": "1", "csrf_token": token})
    text = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "已移交29件案件，1件未移交" in text
    assert cases[4].number in text and CONFLICT in text
    db.expire_all()
    assert {c.id for c in db.exec(select(Case).where(Case.lawyer_id == lawyer.id))} == {
        c.id for i, c in enumerate(cases) if i != 4
    }
    assert db.get(Case, cases[4].id).lawyer_id is None
    events = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "reassign", AuditEvent.user_id == supervisor.id
        )
    ).all()
    assert len(events) == 29


def test_no_target_or_no_case_is_refused_at_the_field(client, login_as, make_case):
    make_case()
    login_as("centre_supervisor", "NH-LS")
    token = csrf_from(client, "/cases/move")
    response = client.post("/cases/move", data={"target": "", "csrf_token": token})
    assert response.status_code == 422
    assert "请选择接手的调解员或律师" in response.get_data(as_text=True)


def test_mediators_may_not_move_caseloads(client, login_as):
    login_as("mediator", "NH-LS")
    assert client.get("/cases/move").status_code == 403
