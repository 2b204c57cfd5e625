"""Login, logout, lockout, CSRF and the user's own password."""

import contextlib
from datetime import timedelta

from conftest import PASSWORD, csrf_from, login, text_of
from mediation.reference import accounts
from models import utcnow


def test_login_page_is_chinese_and_has_csrf(client):
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "用户名" in html and "密码" in html
    assert 'name="csrf_token"' in html


def test_pages_need_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/")


def test_login_then_home_then_logout(client, make_user):
    make_user("mediator", "NH-LS", username="liang", display_name="梁敏")
    response = login(client, "liang")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "梁敏" in home and "南海区里水镇劳动争议联合调解中心" in home

    token = csrf_from(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_rerenders_with_message_and_keeps_username(client, make_user):
    make_user("mediator", "NH-LS", username="liang")
    response = login(client, "liang", "wrong-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "用户名或密码错误" in html
    assert 'value="liang"' in html


def test_unknown_user_gets_the_same_message(client):
    response = login(client, "nobody", "whatever1")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_five_failures_lock_the_account_even_with_the_right_password(client, make_user, db):
    user = make_user("mediator", "NH-LS", username="liang")
    for _ in range(4):
        assert login(client, "liang", "bad-pass1").status_code == 401
    fifth = login(client, "liang", "bad-pass1").get_data(as_text=True)
    assert accounts.LOGIN_FAILED in fifth
    blocked = login(client, "liang", PASSWORD)
    assert blocked.status_code == 401
    assert accounts.LOGIN_FAILED in blocked.get_data(as_text=True)
    db.refresh(user)
    assert user.locked_until is not None  # held in the database, so every worker sees it


def test_lock_expires_after_the_period(db, make_user):
    user = make_user("mediator", "NH-LS", username="liang")
    start = utcnow()
    for minute in range(5):
        with contextlib.suppress(accounts.LoginRefused):
            accounts.authenticate(db, "liang", "bad", now=start + timedelta(minutes=minute))
    later = start + timedelta(minutes=4, seconds=30)
    try:
        accounts.authenticate(db, "liang", PASSWORD, now=later)
        raise AssertionError("a locked account must not log in")
    except accounts.LoginRefused as refused:
        assert str(refused) == accounts.LOGIN_FAILED
    after = start + timedelta(minutes=4 + 15, seconds=1)
    assert accounts.authenticate(db, "liang", PASSWORD, now=after).id == user.id


def test_failures_spread_beyond_the_window_do_not_lock(db, make_user):
    user = make_user("mediator", "NH-LS", username="liang")
    start = utcnow()
    for i in range(8):
        with contextlib.suppress(accounts.LoginRefused):
            accounts.authenticate(db, "liang", "bad", now=start + timedelta(minutes=4 * i))
        db.refresh(user)
        assert user.locked_until is None
    assert accounts.authenticate(db, "liang", PASSWORD, now=start + timedelta(minutes=33))


def _failure_of(client, username: str, password: str) -> str:
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_from(client, "/login"),
        },
    )
    assert response.status_code == 401
    return text_of(response.get_data(as_text=True), "login-errors")


def test_login_never_tells_whether_a_username_exists(client, make_user, monkeypatch):
    """Unknown user, wrong password, locked account: one message, no tries counted, and one
    password hash each, so neither the answer nor its time tells them apart (issue 15)."""
    make_user("mediator", "NH-LS", username="liang")
    make_user("mediator", "NH-LS", username="locked")
    for _ in range(5):
        login(client, "locked", "bad-pass1")
    hashes, real = [], accounts._hasher

    class Counting:
        def hash(self, password):
            hashes.append(1)
            return real.hash(password)

        def verify(self, stored, password):
            hashes.append(1)
            return real.verify(stored, password)

    monkeypatch.setattr(accounts, "_hasher", Counting())
    messages = set()
    for username, password in (("nobody", "x"), ("liang", "bad-pass1"), ("locked", PASSWORD)):
        hashes.clear()
        messages.add(_failure_of(client, username, password))
        assert len(hashes) == 1, username
    assert messages == {accounts.LOGIN_FAILED}
    assert accounts.LOGIN_FAILED == "用户名或密码错误，或账户已被暂时锁定"


def test_admin_unlocks_a_locked_account(client, make_user, login_as):
    liang = make_user("mediator", "NH-LS", username="liang")
    for _ in range(5):
        login(client, "liang", "bad-pass1")
    login_as("admin")
    assert "已锁定" in client.get("/admin/users").get_data(as_text=True)
    token = csrf_from(client, "/admin/users")
    client.post(f"/admin/users/{liang.id}/unlock", data={"csrf_token": token})
    assert "已锁定" not in client.get("/admin/users").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    assert login(client, "liang").status_code == 302


def test_post_without_csrf_token_is_rejected(client, make_user):
    make_user("mediator", "NH-LS", username="liang")
    response = client.post("/login", data={"username": "liang", "password": PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_next_is_honoured_only_for_local_paths(client, make_user):
    make_user("admin", username="root")
    token = csrf_from(client, "/login")
    data = {"username": "root", "password": PASSWORD, "csrf_token": token}
    local = client.post("/login?next=/admin/users", data=data)
    assert local.headers["Location"] == "/admin/users"
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        token = csrf_from(client, "/login")
        response = client.post(f"/login?next={evil}", data={**data, "csrf_token": token})
        assert response.headers["Location"] == "/"
        client.post("/logout", data={"csrf_token": csrf_from(client, "/")})


def test_logout_invalidates_a_copied_session_cookie(app, client, make_user):
    make_user("mediator", "NH-LS", username="liang")
    login(client, "liang")
    cookie = client.get_cookie("session")
    assert cookie is not None
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})

    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 302


def test_session_cookie_flags(client, make_user):
    make_user("mediator", "NH-LS", username="liang")
    response = login(client, "liang")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_change_own_password(client, make_user):
    make_user("mediator", "NH-LS", username="liang")
    login(client, "liang")
    token = csrf_from(client, "/account/password")
    bad = client.post(
        "/account/password",
        data={
            "current_password": "nope",
            "new_password": "new-pass-2026",
            "confirm": "new-pass-2026",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 422
    assert "当前密码不正确" in bad.get_data(as_text=True)
    weak = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "short",
            "confirm": "short",
            "csrf_token": token,
        },
    )
    assert "密码至少12位" in weak.get_data(as_text=True)
    for refused, message in (
        ("qwertyuiop123", "该密码过于常见，请换一个"),
        ("LIANG", "密码至少12位"),
        (PASSWORD, "新密码不能与当前密码相同"),
    ):
        data = {"current_password": PASSWORD, "new_password": refused, "confirm": refused}
        page = client.post("/account/password", data={**data, "csrf_token": token})
        assert page.status_code == 422 and message in page.get_data(as_text=True), refused
    ok = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "new-pass-2026",
            "confirm": "new-pass-2026",
            "csrf_token": token,
        },
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # still logged in here
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    assert login(client, "liang", PASSWORD).status_code == 401
    assert login(client, "liang", "new-pass-2026").status_code == 302


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_an_account_whose_password_fails_the_rules_must_change_it_at_next_login(client, db):
    """An account created before the rules (12 characters, not common): its password still
    opens the session, but every page leads to the password form until it is changed."""
    user = accounts.create_user(db, "old.timer", "strong-2026-pass", "mediator", "NH-LS")
    user.password_hash = accounts.hash_password("demo2026")  # as stored before the rules
    db.flush()
    response = login(client, "old.timer", "demo2026")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/password")
    for url in ("/", "/cases/", "/api/cases"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/account/password"), url
    page = client.get("/account/password").get_data(as_text=True)
    assert "不符合现行密码规则" in page
    token = csrf_from(client, "/account/password")
    data = {"current_password": "demo2026", "new_password": "old-timer-2026", "confirm": ""}
    data["confirm"] = data["new_password"]
    response = client.post("/account/password", data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200


def test_a_strong_password_goes_straight_in(client, make_user):
    make_user("mediator", "NH-LS", username="liang")
    response = login(client, "liang")
    assert response.status_code == 302
    assert not response.headers["Location"].endswith("/account/password")
    assert client.get("/cases/").status_code == 200


def test_an_idle_session_expires_after_session_idle_minutes(app, client, make_user):
    assert app.config["SESSION_IDLE_MINUTES"] == 30
    make_user("mediator", "NH-LS", username="liang")
    assert login(client, "liang").status_code == 302
    with client.session_transaction() as session:
        session["seen"] -= 29 * 60  # 29 minutes without a request
    assert client.get("/cases/").status_code == 200  # and the clock starts again
    with client.session_transaction() as session:
        session["seen"] -= 31 * 60
    response = client.get("/cases/?q=x")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    assert "长时间未操作，已自动退出" in client.get("/login").get_data(as_text=True)
    assert client.get("/cases/").status_code == 302  # logged out, not only redirected once
    with client.session_transaction() as session:
        assert "seen" not in session


def test_an_idle_api_session_answers_401(client, make_user):
    make_user("mediator", "NH-LS", username="liang")
    login(client, "liang")
    assert client.get("/api/cases").status_code == 200
    with client.session_transaction() as session:
        session["seen"] -= 31 * 60
    assert client.get("/api/cases").status_code == 401
