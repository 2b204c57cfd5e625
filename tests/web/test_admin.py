"""Admin pages: users and centres; and who may reach them."""

import pytest
from sqlmodel import select

from conftest import csrf_from, login
from models import Centre, User

NON_ADMIN = [
    ("mediator", "NH-LS", None),
    ("lawyer", "NH-LS", None),
    ("centre_supervisor", "NH-LS", None),
    ("district_supervisor", None, "NH"),
    ("city_supervisor", None, None),
]


@pytest.mark.parametrize("role,centre,district", NON_ADMIN)
@pytest.mark.parametrize(
    "url", ["/admin/users", "/admin/users/new", "/admin/centres", "/admin/centres/new"]
)
def test_only_admins_reach_administration(client, login_as, role, centre, district, url):
    login_as(role, centre, district)
    assert client.get(url).status_code == 403


def test_admin_creates_a_user_who_can_log_in(client, login_as, db, districts):
    login_as("admin")
    token = csrf_from(client, "/admin/users/new")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "he.jing",
            "display_name": "何静",
            "role": "district_supervisor",
            "district": "SD",
            "centre": "",
            "active": "y",
            "password": "start-2026-nanhai",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    created = db.exec(select(User).where(User.username == "he.jing")).one()
    assert created.district_id == districts["SD"].id
    assert "何静" in client.get("/admin/users").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    assert login(client, "he.jing", "start-2026-nanhai").status_code == 302


def test_user_form_errors_are_at_the_field_and_input_is_kept(client, login_as):
    login_as("admin")
    token = csrf_from(client, "/admin/users/new")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "new.mediator",
            "display_name": "新调解员",
            "role": "mediator",
            "centre": "",
            "district": "",
            "password": "start-2026-nanhai",
            "csrf_token": token,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "调解员必须指定所属调解中心" in html
    assert 'value="new.mediator"' in html and 'value="新调解员"' in html


def _edit(client, target, **changes):
    token = csrf_from(client, f"/admin/users/{target.id}")
    data = {
        "username": target.username,
        "display_name": "张调解",
        "email": "",
        "role": "mediator",
        "centre": "NH-LS",
        "district": "",
        "active": "y",
        "csrf_token": token,
    }
    return client.post(f"/admin/users/{target.id}", data={**data, **changes})


def test_admin_gives_a_user_an_email_address_for_notices(client, login_as, db, make_user):
    target = make_user("mediator", "NH-LS", username="zhang")
    login_as("admin")
    form = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "电子邮箱" in form and 'name="email"' in form
    assert _edit(client, target, email=" Zhang.Min@Example.ORG ").status_code == 302
    db.refresh(target)
    assert target.email == "Zhang.Min@example.org"  # trimmed, the domain in lower case
    form = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert 'value="Zhang.Min@example.org"' in form
    assert "<td>Zhang.Min@example.org</td>" in client.get("/admin/users").get_data(as_text=True)
    assert _edit(client, target, email="").status_code == 302  # optional: cleared
    db.refresh(target)
    assert target.email is None


@pytest.mark.parametrize("address", ["zhang@", "张三@例子", "zhang min@example.org", "a@b"])
def test_a_bad_email_address_is_refused_at_the_field_with_the_input_kept(
    client, login_as, db, make_user, address
):
    target = make_user("mediator", "NH-LS", username="zhang", email="zhang@example.org")
    login_as("admin")
    response = _edit(client, target, email=address, display_name="张调解（改）")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "电子邮箱格式不正确，应如 zhangsan@example.com" in html
    assert f'value="{address}"' in html and 'value="张调解（改）"' in html
    db.refresh(target)
    assert target.email == "zhang@example.org" and target.display_name == ""


def test_deactivated_user_is_logged_out_and_cannot_log_in(app, client, login_as, make_user):
    target = make_user("mediator", "NH-LS", username="leaver")
    other = app.test_client()
    assert login(other, "leaver").status_code == 302
    login_as("admin")
    token = csrf_from(client, f"/admin/users/{target.id}")
    response = client.post(
        f"/admin/users/{target.id}",
        data={
            "username": "leaver",
            "display_name": "",
            "role": "mediator",
            "centre": "NH-LS",
            "district": "",
            "csrf_token": token,
        },  # "active" unchecked
    )
    assert response.status_code == 302
    assert other.get("/").status_code == 302
    assert login(app.test_client(), "leaver").status_code == 401


def test_admin_resets_a_password(app, client, login_as, make_user):
    target = make_user("mediator", "NH-LS", username="forgetful")
    login_as("admin")
    token = csrf_from(client, f"/admin/users/{target.id}/password")
    client.post(
        f"/admin/users/{target.id}/password",
        data={"password": "fresh-2026-nanhai", "csrf_token": token},
    )
    assert login(app.test_client(), "forgetful", "fresh-2026-nanhai").status_code == 302


def test_admin_adds_edits_and_deactivates_a_centre(client, login_as, db):
    login_as("admin")
    token = csrf_from(client, "/admin/centres/new")
    form = {
        "code": "NH-DL",
        "name": "南海区大沥镇劳动争议联合调解中心",
        "short_name": "南沥",
        "district": "NH",
        "address": "大沥镇",
        "phone": "0757-85501234",
        "active": "y",
        "csrf_token": token,
    }
    assert client.post("/admin/centres/new", data=form).status_code == 302
    centre = db.exec(select(Centre).where(Centre.code == "NH-DL")).one()
    assert centre.active

    duplicate = client.post("/admin/centres/new", data={**form, "code": "NH-DX"})
    assert duplicate.status_code == 422
    assert "简称「南沥」已被" in duplicate.get_data(as_text=True)

    edit = {**form, "phone": "0757-85509999"}
    del edit["active"]
    assert client.post(f"/admin/centres/{centre.id}", data=edit).status_code == 302
    db.refresh(centre)
    assert centre.phone == "0757-85509999" and not centre.active
    assert "已停用" in client.get("/admin/centres").get_data(as_text=True)


def test_there_is_no_way_to_delete_a_centre(app):
    rules = [r for r in app.url_map.iter_rules() if "centre" in r.rule]
    assert all("DELETE" not in r.methods for r in rules)
    assert not any("delete" in r.endpoint for r in rules)
