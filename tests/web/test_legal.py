"""Legal services beyond mediation: arbitration and litigation cases handled by union lawyers,
the one-click conversion of a failed mediation, the statistics and the scope."""

import re
from datetime import date

import pytest
from sqlmodel import select

from conftest import csrf_from
from mediation.cases import lifecycle
from mediation.identifiers import resident_id_check_char
from mediation.legal import cases as legal
from models import Case, Lawyer, LawyerCentre, LegalCase, LegalStage, LegalWorker, User

TODAY = date(2026, 11, 24)


def _lawyer(db, centre, name="王律师", certificate="14406202110000001", user=None) -> Lawyer:
    lawyer = Lawyer(
        name=name,
        certificate_no=certificate,
        firm_name="广东某某律师事务所",
        user_id=user.id if user else None,
    )
    db.add(lawyer)
    db.flush()
    db.add(LawyerCentre(lawyer_id=lawyer.id, centre_id=centre.id))
    db.flush()
    return lawyer


def _legal(db, centre, service, accepted_on, workers, lawyer=None, outcome=None, recovered=0):
    """A legal case with `workers` workers; a closed outcome gives each `recovered` fen."""
    created = legal.create_legal_case(
        db,
        None,
        centre,
        service,
        accepted_on,
        [legal.LegalWorkerData(f"职工{i + 1}", claimed_fen=200_000) for i in range(workers)],
        lawyer_id=lawyer.id if lawyer else None,
        today=TODAY,
    )
    if outcome:
        amounts = {w.id: (recovered, recovered) for w in legal.workers_of(db, created)}
        legal.record_result(db, created, None, outcome, accepted_on, amounts, today=TODAY)
    return created


@pytest.fixture
def legal_dataset(db, centres):
    """March 2021: three arbitration/litigation cases (6 worker-times, 3,500 yuan recovered),
    plus advice and drafting (not counted) and a case accepted in April (outside)."""
    nh, cc = centres["NH-LS"], centres["CC-ZC"]
    wang = _lawyer(db, nh)
    li = _lawyer(db, cc, name="李律师", certificate="14406202110000002")
    _legal(db, nh, "仲裁代理", date(2021, 3, 5), 3, wang, "胜诉", 100_000)
    _legal(db, nh, "诉讼代理", date(2021, 3, 20), 2, wang)
    _legal(db, cc, "仲裁代理", date(2021, 3, 10), 1, li, "部分胜诉", 50_000)
    _legal(db, nh, "法律咨询", date(2021, 3, 11), 4, wang, "调解结案", 70_000)
    _legal(db, nh, "代写文书", date(2021, 3, 12), 1, wang, "胜诉", 99_900)
    _legal(db, nh, "仲裁代理", date(2021, 4, 2), 5, wang, "胜诉", 100_000)
    db.flush()
    return {"cases": 3, "worker_times": 6, "recovered_fen": 350_000}


def test_api_stats_shows_the_legal_service_totals(client, login_as, legal_dataset):
    login_as("city_supervisor")
    body = client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json()
    block = body["legal_services"]
    assert {k: block[k] for k in ("cases", "worker_times", "recovered_fen")} == legal_dataset
    assert {row["outcome"]: row["cases"] for row in block["by_outcome"]} == {
        "胜诉": 1,
        "部分胜诉": 1,
        "办理中": 1,
    }
    by_lawyer = {row["name"]: row for row in block["by_lawyer"]}
    assert by_lawyer["王律师"]["cases"] == 2
    assert by_lawyer["王律师"]["worker_times"] == 5
    assert by_lawyer["李律师"]["recovered_fen"] == 50_000
    # one centre: only its cases
    own = client.get("/api/stats?from=2021-03-01&to=2021-03-31&centre=NH-LS").get_json()
    assert own["legal_services"]["cases"] == 2
    assert own["legal_services"]["recovered_fen"] == 300_000


def test_advice_and_drafting_are_not_legal_service_cases(client, login_as, db, centres):
    _legal(db, centres["NH-LS"], "法律咨询", date(2021, 3, 11), 4, outcome="胜诉", recovered=1)
    _legal(db, centres["NH-LS"], "代写文书", date(2021, 3, 12), 2, outcome="胜诉", recovered=1)
    db.flush()
    login_as("city_supervisor")
    block = client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json()["legal_services"]
    assert (block["cases"], block["worker_times"], block["recovered_fen"]) == (0, 0, 0)


def test_statistics_page_shows_the_legal_service_totals(client, login_as, legal_dataset):
    login_as("city_supervisor")
    page = client.get("/stats?period=custom&from=2021-03-01&to=2021-03-31").get_data(as_text=True)
    assert "法律服务（仲裁、诉讼代理）" in page
    cases = re.search(r'id="figure-legal-cases"><strong>([\d,]+)</strong>', page).group(1)
    workers = re.search(r'id="figure-legal-workers"><strong>([\d,]+)</strong>', page).group(1)
    recovered = re.search(r'id="figure-legal-recovered"><strong>([\d,.]+)</strong>', page)
    assert (cases, workers, recovered.group(1)) == ("3", "6", "3,500.00")
    assert "王律师" in page and "李律师" in page


def _failed_case(db, make_case, centre="NH-LS", lawyer=None):
    case = make_case(centre, workers=3, received_on=date(2024, 5, 6), claimed_fen=1_234_500)
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 7), today=TODAY)
    lifecycle.fail(db, case, actor, date(2024, 5, 20), "employer_refuses", today=TODAY)
    if lawyer is not None:
        case.lawyer_id = lawyer.id
        db.add(case)
    db.flush()
    return case


def _convert(client, case, **data):
    token = csrf_from(client, f"/cases/{case.id}")
    form = {"csrf_token": token, "service_type": "仲裁代理", "accepted_on": "2024-06-01"}
    return client.post(f"/cases/{case.id}/legal", data=form | data)


def test_converting_a_failed_mediation_keeps_workers_and_links_both_ways(
    client, login_as, db, make_case, centres
):
    lawyer = _lawyer(db, centres["NH-LS"])
    case = _failed_case(db, make_case, lawyer=lawyer)
    login_as("mediator", "NH-LS")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "转为法律服务" in page

    response = _convert(client, case)
    assert response.status_code == 302
    created = db.exec(select(LegalCase).where(LegalCase.mediation_case_id == case.id)).one()
    assert response.headers["Location"].endswith(f"/legal/{created.id}")
    assert created.limitation_interrupted_on == case.received_on
    assert created.lawyer_id == lawyer.id and created.employer_id == case.employer_id
    workers = db.exec(select(LegalWorker).where(LegalWorker.legal_case_id == created.id)).all()
    assert sorted(w.name for w in workers) == ["职工1", "职工2", "职工3"]
    assert all(w.claimed_fen == 1_234_500 and w.id_number for w in workers)

    detail = client.get(f"/legal/{created.id}").get_data(as_text=True)
    assert f'href="/cases/{case.id}"' in detail and case.number in detail
    assert "2024-05-06（申请调解之日，仲裁时效中断）" in detail
    assert "职工1" in detail and "王律师" in detail
    assert "37,035.00" in detail  # three workers × 12,345 yuan claimed

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/legal/{created.id}"' in page and created.number in page
    assert 'id="legal-convert"' not in page

    again = _convert(client, case)
    assert again.status_code == 422
    assert "不能重复转入" in again.get_data(as_text=True)
    assert len(db.exec(select(LegalCase)).all()) == 1


def test_a_case_that_did_not_fail_cannot_be_converted(client, login_as, db, make_case):
    case = make_case("NH-LS")
    actor = db.get(User, case.created_by_id)
    lifecycle.accept(db, case, actor, date(2024, 5, 7), today=TODAY)
    db.flush()
    login_as("mediator", "NH-LS")
    assert 'id="legal-convert"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    response = _convert(client, case)
    assert response.status_code == 422
    assert "只有调解不成的案件才能转为法律服务" in response.get_data(as_text=True)
    assert db.exec(select(LegalCase)).all() == []


def test_accepted_date_is_checked_at_its_field(client, login_as, db, make_case):
    case = _failed_case(db, make_case)
    login_as("mediator", "NH-LS")
    response = _convert(client, case, accepted_on="2024-05-01")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "受理日期不能早于调解终止日期" in text
    assert 'value="2024-05-01"' in text


def test_another_centres_mediator_gets_404(client, login_as, db, make_case):
    case = _failed_case(db, make_case)
    converted = legal.convert_failed_mediation(db, case, None, today=TODAY)
    db.flush()
    login_as("mediator", "CC-ZC")
    assert client.get(f"/legal/{converted.id}").status_code == 404
    assert client.get(f"/legal/{converted.id}/result").status_code == 404
    assert converted.number not in client.get("/legal").get_data(as_text=True)
    token = csrf_from(client, "/account/password")
    response = client.post(f"/cases/{case.id}/legal", data={"csrf_token": token})
    assert response.status_code == 404


def test_lawyers_see_their_own_caseload_with_the_next_hearing(
    client, login_as, db, centres, make_user
):
    user = login_as("lawyer", "NH-LS")
    mine = _lawyer(db, centres["NH-LS"], user=user)
    other = _lawyer(db, centres["NH-LS"], name="赵律师", certificate="14406202110000003")
    own = _legal(db, centres["NH-LS"], "仲裁代理", date(2024, 1, 5), 2, mine)
    theirs = _legal(db, centres["NH-LS"], "诉讼代理", date(2024, 1, 6), 1, other)
    legal.add_stage(db, own, None, "开庭", date(2024, 2, 1))  # past: not the next one
    legal.add_stage(db, own, None, "开庭", date(2099, 3, 9))
    db.flush()
    page = client.get("/legal").get_data(as_text=True)
    assert "我的法律服务案件" in page
    assert own.number in page and theirs.number not in page
    assert "2099-03-09" in page and "2024-02-01" not in page
    # they record stages on their own cases, not on a colleague's
    token = csrf_from(client, f"/legal/{own.id}/stage")
    response = client.post(
        f"/legal/{own.id}/stage",
        data={"csrf_token": token, "stage": "裁决", "on": "2024-03-01", "note": "裁决支持"},
    )
    assert response.status_code == 302
    assert db.exec(select(LegalStage).where(LegalStage.stage == "裁决")).one().on == date(
        2024, 3, 1
    )
    assert client.get(f"/legal/{theirs.id}/stage").status_code == 403


def test_recording_the_result_and_keeping_typed_values_on_error(client, login_as, db, centres):
    created = _legal(db, centres["NH-LS"], "仲裁代理", date(2024, 1, 5), 2)
    db.flush()
    worker_ids = [w.id for w in legal.workers_of(db, created)]
    login_as("mediator", "NH-LS")
    url = f"/legal/{created.id}/result"
    token = csrf_from(client, url)
    data = {
        "csrf_token": token,
        "version": str(created.version),
        "outcome": "胜诉",
        "closed_on": "2024-04-01",
        f"awarded_{worker_ids[0]}": "3,000",
        f"recovered_{worker_ids[0]}": "abc",
    }
    response = client.post(url, data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "金额格式不正确" in text and 'value="abc"' in text

    data[f"recovered_{worker_ids[0]}"] = "2,500.50"
    assert client.post(url, data=data).status_code == 302
    db.refresh(created)
    assert created.outcome == "胜诉" and created.closed_on == date(2024, 4, 1)
    first = db.get(LegalWorker, worker_ids[0])
    assert (first.awarded_fen, first.recovered_fen) == (300_000, 250_050)

    missing_date = dict(data, closed_on="", version=str(created.version))
    response = client.post(url, data=missing_date)
    assert response.status_code == 422
    assert "请填写结案日期" in response.get_data(as_text=True)


def test_lawyers_cannot_convert_or_record_results(client, login_as, db, make_case):
    case = _failed_case(db, make_case)
    login_as("lawyer", "NH-LS")
    assert 'id="legal-convert"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert db.get(Case, case.id).status == "failed"


# --- A legal case registered from scratch ---------------------------------------------------

VALID_ID = "440602199001011237"  # GB 11643 check character correct


def _new(client, **data):
    token = csrf_from(client, "/legal/new")
    form = {
        "csrf_token": token,
        "service_type": "仲裁代理",
        "accepted_on": "2021-03-15",
        "lawyer_id": "",
        "employer_name": "",
        "workers": "",
        "note": "",
    }
    return client.post("/legal/new", data=form | data)


def test_a_mediator_registers_advice_and_representation_counted_apart(
    client, login_as, db, centres
):
    lawyer = _lawyer(db, centres["NH-LS"])
    login_as("mediator", "NH-LS")
    listing = client.get("/legal").get_data(as_text=True)
    assert "新建法律服务案件" in listing and 'href="/legal/new"' in listing

    advice = _new(client, service_type="法律咨询", workers="李四")
    assert advice.status_code == 302
    consultation = db.exec(select(LegalCase).where(LegalCase.service_type == "法律咨询")).one()
    assert advice.headers["Location"].endswith(f"/legal/{consultation.id}")
    assert consultation.employer_id is None and consultation.centre_id == centres["NH-LS"].id

    response = _new(
        client,
        lawyer_id=str(lawyer.id),
        employer_name="佛山市某某制衣有限公司",
        workers=f"张三，{VALID_ID}，12,000\n\n王五,,3000.50",
        note="欠薪两个月",
    )
    assert response.status_code == 302
    case = db.exec(select(LegalCase).where(LegalCase.service_type == "仲裁代理")).one()
    assert case.lawyer_id == lawyer.id and case.note == "欠薪两个月"
    workers = legal.workers_of(db, case)
    assert [(w.name, w.id_number, w.claimed_fen) for w in workers] == [
        ("张三", VALID_ID, 1_200_000),
        ("王五", "", 300_050),
    ]
    detail = client.get(f"/legal/{case.id}").get_data(as_text=True)
    assert "佛山市某某制衣有限公司" in detail and "王律师" in detail and "张三" in detail

    # the same employer name again: the record on file is reused
    _new(client, employer_name="佛山市某某制衣有限公司", workers="赵六")
    employers = {c.employer_id for c in db.exec(select(LegalCase)).all()} - {None}
    assert employers == {case.employer_id}

    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as("city_supervisor")
    block = client.get("/api/stats?from=2021-03-01&to=2021-03-31").get_json()["legal_services"]
    assert block["cases"] == 2 and block["worker_times"] == 3
    assert block["other_services"] == {"consultations": 1, "documents": 0}
    page = client.get("/stats?period=custom&from=2021-03-01&to=2021-03-31").get_data(as_text=True)
    assert "另：法律咨询1件，代写文书0件（不计入上述案件数）" in page


def test_a_bad_id_number_is_reported_at_its_line_with_the_input_kept(client, login_as, db):
    login_as("mediator", "NH-LS")
    typed = f"张三,{VALID_ID},1000\n李四,440602199001011234,2000"
    response = _new(client, workers=typed, employer_name="某公司")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "第2行：证件号码校验位错误" in text
    assert "李四,440602199001011234,2000" in text and 'value="某公司"' in text
    response = _new(client, workers="张三,,12元5角", accepted_on="2099-01-01")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "第1行：请求金额格式不正确" in text
    assert db.exec(select(LegalCase)).all() == []


def test_future_dates_and_a_lawyer_from_elsewhere_are_refused(client, login_as, db, centres):
    elsewhere = _lawyer(db, centres["CC-ZC"], name="李律师", certificate="14406202110000002")
    login_as("mediator", "NH-LS")
    assert "李律师" not in client.get("/legal/new").get_data(as_text=True)
    response = _new(client, workers="张三", accepted_on="2099-01-01")
    assert response.status_code == 422
    assert "受理日期不能晚于今天" in response.get_data(as_text=True)
    response = _new(client, workers="张三", lawyer_id=str(elsewhere.id))
    assert response.status_code == 422
    assert "请选择派驻本调解中心的律师" in response.get_data(as_text=True)
    assert db.exec(select(LegalCase)).all() == []


def test_an_admin_chooses_the_centre(client, login_as, db, centres):
    login_as("admin")
    assert 'name="centre"' in client.get("/legal/new").get_data(as_text=True)
    response = _new(client, workers="张三")
    assert response.status_code == 422
    assert "请选择调解中心" in response.get_data(as_text=True)
    assert _new(client, workers="张三", centre="CC-ZC").status_code == 302
    assert db.exec(select(LegalCase)).one().centre_id == centres["CC-ZC"].id


def test_supervisors_above_the_centre_cannot_register_legal_cases(client, login_as):
    login_as("district_supervisor", None, "NH")
    assert client.get("/legal/new").status_code == 403
    assert "新建法律服务案件" not in client.get("/legal").get_data(as_text=True)
    token = csrf_from(client, "/account/password")
    response = client.post("/legal/new", data={"csrf_token": token, "workers": "张三"})
    assert response.status_code == 403


def test_the_legal_list_is_paged_newest_accepted_first(client, login_as, db, centres):
    nh = centres["NH-LS"]
    for day in range(1, 28):
        for _ in range(2):
            _legal(db, nh, "仲裁代理", date(2021, 3, day), 1)
    db.flush()
    login_as("mediator", "NH-LS")
    first = client.get("/legal").get_data(as_text=True)
    assert '<strong id="legal-total">54</strong>' in first
    numbers = re.findall(r'href="/legal/(\d+)"', first)
    assert len(numbers) == 50
    link = re.search(r'href="(/legal\?cursor=[^"]+)">下一页', first)
    assert link, "a second page is linked"
    second = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    rest = re.findall(r'href="/legal/(\d+)"', second)
    assert len(rest) == 4 and not set(rest) & set(numbers)
    assert "2021-03-01" in second and "2021-03-27" not in second
    assert "下一页" not in second and "第一页" in second


def test_a_conversion_is_refused_when_the_cases_lawyer_is_not_stationed_here(
    client, login_as, db, make_case, centres
):
    elsewhere = _lawyer(db, centres["CC-ZC"], name="李律师", certificate="14406202110000002")
    case = _failed_case(db, make_case, lawyer=elsewhere)
    login_as("mediator", "NH-LS")
    response = _convert(client, case)
    assert response.status_code == 422
    assert "特约律师李律师未派驻" in response.get_data(as_text=True)
    assert db.exec(select(LegalCase)).all() == []


def test_a_lawyer_no_longer_active_is_refused_from_the_form(client, login_as, db, centres):
    gone = _lawyer(db, centres["NH-LS"])
    gone.active = False
    db.add(gone)
    db.flush()
    login_as("mediator", "NH-LS")
    response = _new(client, workers="张三", lawyer_id=str(gone.id))
    assert response.status_code == 422
    assert "请选择派驻本调解中心的律师" in response.get_data(as_text=True)
    assert db.exec(select(LegalCase)).all() == []


def test_an_81_number_outside_810000_is_a_resident_id_as_at_intake(client, login_as, db):
    # 81… with an area code other than 810000: a resident ID, not a Hong Kong residence permit
    first17 = "81123419900101123"
    number = first17 + resident_id_check_char(first17)
    login_as("mediator", "NH-LS")
    assert _new(client, workers=f"张三，{number}").status_code == 302
    worker = db.exec(select(LegalWorker)).one()
    assert (worker.id_number, worker.id_type) == (number, "resident")
