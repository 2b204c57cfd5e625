"""The holiday calendar (admins only): what is entered there moves every deadline (the
3-working-day acceptance clock, and periods whose last day falls on a day off)."""

from datetime import date

import pytest
from sqlmodel import select

from conftest import csrf_from
from mediation.cases import lifecycle
from mediation.cases.deadlines import acceptance_due
from mediation.dates import today
from mediation.reference.calendar import load_calendar, official_days
from models import CalendarDay, User

URL = "/admin/calendar"


def add(client, day: str, kind: str = "holiday", name: str = ""):
    token = csrf_from(client, URL)
    return client.post(URL, data={"day": day, "kind": kind, "name": name, "csrf_token": token})


def delete(client, day: str):
    token = csrf_from(client, URL)
    return client.post(f"{URL}/delete", data={"day": day, "csrf_token": token})


def field_block(html: str, name: str) -> str:
    start = html.index(f'id="{name}"')
    begin = html.rfind('<div class="field', 0, start)
    end = html.find('<div class="field', start)
    return html[begin : end if end != -1 else len(html)]


def test_holidays_and_make_up_days_move_the_acceptance_deadline(client, login_as, make_case, db):
    case = make_case(received_on=date(2026, 11, 20))  # a Friday
    assert acceptance_due(case, load_calendar(db)) == date(2026, 11, 25)  # Mon, Tue, Wed
    login_as("admin")

    response = add(client, "2026-11-23", name="测试节")
    assert response.status_code == 302 and "year=2026" in response.headers["Location"]
    html = client.get(f"{URL}?year=2026").get_data(as_text=True)
    assert "2026-11-23" in html and "测试节" in html and "周一" in html
    assert acceptance_due(case, load_calendar(db)) == date(2026, 11, 26)  # skips the holiday

    assert add(client, "2026-11-21", kind="workday", name="测试节调休").status_code == 302
    assert acceptance_due(case, load_calendar(db)) == date(2026, 11, 25)  # Saturday counts

    assert delete(client, "2026-11-23").status_code == 302
    assert delete(client, "2026-11-21").status_code == 302
    assert db.exec(select(CalendarDay)).all() == []
    assert acceptance_due(case, load_calendar(db)) == date(2026, 11, 25)
    assert "测试节" not in client.get(f"{URL}?year=2026").get_data(as_text=True)


def test_saving_a_day_again_replaces_its_entry(client, login_as, db):
    login_as("admin")
    add(client, "2026-10-10", kind="workday", name="国庆调休")
    add(client, "2026-10-10", kind="holiday", name="更正")
    entry = db.get(CalendarDay, date(2026, 10, 10))
    assert (entry.kind, entry.name) == ("holiday", "更正")


def test_errors_are_at_the_field_and_input_is_kept(client, login_as, db):
    login_as("admin")
    response = add(client, "2026-11-25", kind="workday", name="周三补班")  # a Wednesday
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "调休上班日应为周六或周日" in field_block(html, "day")
    assert 'value="2026-11-25"' in html and 'value="周三补班"' in html
    response = add(client, "2026-13-01")
    assert response.status_code == 422
    assert "日期格式不正确" in field_block(response.get_data(as_text=True), "day")
    assert db.exec(select(CalendarDay)).all() == []


def test_the_page_explains_the_clock_and_loads_the_official_arrangements(client, login_as, db):
    login_as("admin")
    html = client.get(URL).get_data(as_text=True)
    assert "3 个工作日" in html and "调休上班日" in html and "跳过周六、周日" in html
    token = csrf_from(client, URL)
    response = client.post(URL, data={"load_official": "1", "csrf_token": token})
    assert response.status_code == 302
    assert len(db.exec(select(CalendarDay)).all()) == len(official_days())
    assert db.get(CalendarDay, date(2025, 10, 8)).kind == "holiday"  # 国庆节、中秋节
    assert db.get(CalendarDay, date(2026, 2, 28)).kind == "workday"  # 春节调休
    assert "国庆节" in client.get(f"{URL}?year=2025").get_data(as_text=True)


def test_delete_needs_the_csrf_token(client, login_as, db):
    login_as("admin")
    add(client, "2026-12-31", name="测试")
    response = client.post(f"{URL}/delete", data={"day": "2026-12-31"})
    assert response.status_code == 400
    assert db.get(CalendarDay, date(2026, 12, 31)) is not None


@pytest.mark.parametrize(
    "role,centre,district",
    [
        ("mediator", "NH-LS", None),
        ("centre_supervisor", "NH-LS", None),
        ("district_supervisor", None, "NH"),
        ("city_supervisor", None, None),
    ],
)
def test_only_admins_reach_the_calendar(client, login_as, db, role, centre, district):
    db.add(CalendarDay(day=date(2026, 10, 1), kind="holiday", name="国庆节"))
    db.flush()
    login_as(role, centre, district)
    assert client.get(URL).status_code == 403
    token = csrf_from(client, "/account/password")
    attempts = [
        (URL, {"day": "2026-10-02", "kind": "holiday"}),
        (f"{URL}/delete", {"day": "2026-10-01"}),
        (URL, {"load_official": "1"}),
    ]
    for url, data in attempts:
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 403
    assert [d.day for d in db.exec(select(CalendarDay))] == [date(2026, 10, 1)]


def test_official_arrangements_are_plausible():
    days = official_days()
    assert len({day for day, _, _ in days}) == len(days)  # one entry a date
    assert all(day.weekday() >= 5 for day, kind, _ in days if kind == "workday")
    spring_2026 = [day for day, kind, name in days if name == "春节" and day.year == 2026]
    assert (min(spring_2026), max(spring_2026), len(spring_2026)) == (
        date(2026, 2, 15),
        date(2026, 2, 23),
        9,
    )


def test_entries_outside_2008_to_next_year_are_refused_at_the_field(client, login_as, db):
    login_as("admin")
    last = today().year + 1
    for day in ("2007-12-31", f"{last + 1}-01-01"):
        response = add(client, day, name="越界")
        assert response.status_code == 422
        assert f"日期应在2008年1月1日至{last}年12月31日之间" in field_block(
            response.get_data(as_text=True), "day"
        )
    assert add(client, f"{last}-12-31", name="明年").status_code == 302
    assert [d.day for d in db.exec(select(CalendarDay))] == [date(last, 12, 31)]


def test_the_page_no_longer_says_day_periods_ignore_the_calendar(client, login_as):
    login_as("admin")
    html = client.get(URL).get_data(as_text=True)
    assert "不受本日历影响" not in html
    assert "第二百零三条" in html and "以其后的第一个工作日为期限的最后一日" in html
    assert "calendar-update" in html


def test_an_admin_entry_moves_the_deadline_of_an_open_case(client, login_as, make_case, db):
    case = make_case(received_on=date(2026, 11, 2))
    lifecycle.accept(db, case, db.get(User, case.created_by_id), date(2026, 11, 4))
    assert case.mediation_due_on == date(2026, 11, 19)  # a Thursday
    login_as("admin")
    assert add(client, "2026-11-19", name="测试节").status_code == 302
    db.refresh(case)
    assert case.mediation_due_on == date(2026, 11, 20)
    assert delete(client, "2026-11-19").status_code == 302
    db.refresh(case)
    assert case.mediation_due_on == date(2026, 11, 19)


@pytest.mark.parametrize(
    "role,centre,district,warned",
    [
        ("admin", None, None, True),
        ("city_supervisor", None, None, True),
        ("district_supervisor", None, "NH", True),
        ("centre_supervisor", "NH-LS", None, True),
        ("mediator", "NH-LS", None, False),
    ],
)
def test_the_home_page_warns_when_this_or_next_year_is_missing(
    client, login_as, db, role, centre, district, warned
):
    year = today().year
    db.add(CalendarDay(day=date(year, 10, 1), kind="holiday", name="国庆节"))
    db.flush()
    login_as(role, centre, district)
    html = client.get("/").get_data(as_text=True)
    assert (f"节假日日历缺少{year + 1}年的法定节假日安排" in html) is warned
    db.add(CalendarDay(day=date(year + 1, 1, 1), kind="holiday", name="元旦"))
    db.flush()
    assert "节假日日历缺少" not in client.get("/").get_data(as_text=True)
