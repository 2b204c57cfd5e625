"""Passwords never reach a log, a page or the database in clear."""

import logging

from sqlmodel import select

from conftest import csrf_from, login
from models import User

SECRET = "Tr0ub4dor&3-unique"


def test_passwords_are_never_logged_or_stored(app, client, db, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    make_user("admin", username="root")
    login(client, "root")
    token = csrf_from(client, "/admin/users/new")
    client.post(
        "/admin/users/new",
        data={
            "username": "liang",
            "role": "mediator",
            "centre": "NH-LS",
            "district": "",
            "active": "y",
            "password": SECRET,
            "csrf_token": token,
        },
    )
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    failed = login(client, "liang", SECRET + "x")
    assert SECRET not in failed.get_data(as_text=True)  # the form never echoes a password
    assert login(client, "liang", SECRET).status_code == 302
    result = app.test_cli_runner().invoke(
        args=["create-user", "he", "--role", "mediator", "--centre", "NH-LS"], input=SECRET + "\n"
    )
    assert result.exit_code == 0 and SECRET not in result.output
    assert SECRET not in caplog.text
    stored = db.exec(select(User.password_hash).where(User.username == "liang")).one()
    assert stored.startswith("$argon2") and SECRET not in stored
