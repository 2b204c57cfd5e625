"""/healthz both ways; the `init-db`, `create-user` and `calendar-update` commands."""

from datetime import date

import pytest
from sqlmodel import func, select

from app import create_app
from mediation.reference.calendar import official_days
from models import CalendarDay, Centre, District, User


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_healthz_reports_an_unreachable_database(tmp_path):
    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nowhere?connect_timeout=1",
        }
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_init_db_twice_adds_nothing_twice(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "新增区 0 个、调解中心 0 个" in second.output
    assert db.exec(select(func.count()).select_from(District)).one() == 5
    assert db.exec(select(func.count()).select_from(Centre)).one() == 10
    lishui = db.exec(select(Centre).where(Centre.code == "NH-LS")).one()
    assert (lishui.name, lishui.short_name) == ("南海区里水镇劳动争议联合调解中心", "南里")


def test_create_user_reads_the_password_from_stdin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "liang", "--role", "mediator", "--centre", "NH-LS", "--name", "梁敏"],
        input="liang-pass-2026\n",
    )
    assert result.exit_code == 0, result.output
    user = db.exec(select(User).where(User.username == "liang")).one()
    assert user.display_name == "梁敏" and user.role == "mediator"


def test_create_user_errors_are_clear(app):
    runner = app.test_cli_runner()
    cases = [
        (["create-user", "a", "--role", "boss"], "未知角色「boss」"),
        (["create-user", "a", "--role", "mediator"], "调解员必须指定所属调解中心"),
        (["create-user", "a", "--role", "mediator", "--centre", "XX"], "未知调解中心代码「XX」"),
        (["create-user", "a", "--role", "district_supervisor", "--district", "ZZ"], "未知区代码"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args, input="liang-pass-2026\n")
        assert result.exit_code != 0
        assert message in result.output


@pytest.mark.parametrize(
    "password,message",
    [
        ("short-2026", "密码至少12位"),
        ("password1234", "该密码过于常见，请换一个"),
        ("1qaz2wsx3edc", "该密码过于常见，请换一个"),
        ("weak.user.2026", "密码不能与用户名相同"),
    ],
)
def test_create_user_refuses_a_weak_password_in_chinese(app, db, password, message):
    runner = app.test_cli_runner()
    args = ["create-user", "weak.user.2026", "--role", "mediator", "--centre", "NH-LS"]
    result = runner.invoke(args=args, input=f"{password}\n")
    assert result.exit_code != 0
    assert message in result.output
    assert db.exec(select(User).where(User.username == "weak.user.2026")).first() is None


def test_init_db_and_calendar_update_load_the_official_calendar_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert f"新增 {len(official_days())} 天" in first.output
    assert db.get(CalendarDay, date(2008, 5, 1)).kind == "holiday"
    assert db.get(CalendarDay, date(2020, 1, 19)).kind == "workday"
    # an admin corrects a day; a later update keeps the correction and adds what is missing
    db.get(CalendarDay, date(2020, 1, 19)).name = "本市更正"
    db.delete(db.get(CalendarDay, date(2024, 10, 1)))
    db.flush()
    update = runner.invoke(args=["calendar-update"])
    assert update.exit_code == 0, update.output
    assert "新增 1 天（2024年；法定节假日 1 天、调休上班日 0 天）" in update.output
    assert db.get(CalendarDay, date(2020, 1, 19)).name == "本市更正"
    again = runner.invoke(args=["calendar-update"])
    assert "没有需要新增的日期" in again.output
    assert db.exec(select(func.count()).select_from(CalendarDay)).one() == len(official_days())


def test_the_favicon_is_served_and_linked(client, login_as):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"
    icon.close()
    login_as("mediator", "NH-LS")
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    svg.close()
