"""The holiday calendar (admins only): what is entered there moves the 3-working-day
acceptance deadline."""

from datetime import date

import pytest
from sqlmodel import select

from conftest import csrf_from
from mediation.cases.deadlines import acceptance_due
from mediation.reference.calendar import load_calendar, official_days
from models import CalendarDay

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
