"""Forms posted after the login expired: kept, and shown refilled after logging in again.

A mediator who types minutes for an hour and then presses 保存 finds the login expired
(SESSION_IDLE_MINUTES). The posted fields (never the CSRF token, files or passwords) are kept in
`saved_form` under a random token; the browser's session carries only the token and the
username that was logged in. After that user logs in again, the page the form came from opens
with the fields filled in and a notice to check them and submit again: nothing is submitted on
the user's behalf. Another user logging in on the same browser never sees them; unclaimed rows
expire after SAVED_FORM_HOURS (deleted on the next save and by the daily retention command).

Only a page that shows its form on GET and takes it on POST at the same address can be refilled
(the form views of this application all do); a POST-only button is not kept.
"""

import secrets
from datetime import timedelta

from flask import current_app, flash, g, has_request_context, request, session
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

from models import SavedForm, utcnow
from views.db import get_db

TOKEN = "saved_form"  # session key: the token of the kept form
EXPIRED_USER = "expired_user"  # session key: who was logged in when the login expired
MAX_CHARS = 1_000_000  # more than any form of this application holds
SAVED_NOTICE = "登录已过期，您填写的内容已保存，重新登录后将自动填回"
FILES_NOTICE = "（所选文件未保存，请重新选择）"
REFILLED_NOTICE = "已填回登录过期前填写的内容，尚未提交：请核对后再次提交"


def is_form_page() -> bool:
    """Whether this POST went to a page that also shows its form on GET (so can show it again)."""
    rule = request.url_rule
    return (
        request.method == "POST"
        and rule is not None
        and "GET" in (rule.methods or ())
        and request.blueprint not in ("auth", "api")
        and not request.path.startswith("/api/")
    )


def keep_posted_form(username: str) -> bool:
    """Keep this request's posted fields for `username`; True when kept (the caller flashes)."""
    if not username or not is_form_page():
        return False
    csrf_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    fields = [
        [name, value]
        for name, value in request.form.items(multi=True)
        if name != csrf_field and "password" not in name  # a password is never stored
    ]
    if sum(len(name) + len(value) for name, value in fields) > MAX_CHARS:
        return False
    db = get_db()
    now = utcnow()
    db.exec(delete(SavedForm).where(SavedForm.expires_at < now))
    row = SavedForm(
        token=secrets.token_urlsafe(32),
        username=username,
        path=request.full_path.rstrip("?"),
        fields=fields,
        files_dropped=any(file.filename for file in request.files.values()),
        expires_at=now + timedelta(hours=current_app.config["SAVED_FORM_HOURS"]),
    )
    db.add(row)
    db.commit()
    session[TOKEN] = row.token
    session[EXPIRED_USER] = username
    flash(SAVED_NOTICE + (FILES_NOTICE if row.files_dropped else ""), "warning")
    return True


def _pending() -> SavedForm | None:
    """The kept form of this browser, if it is still there and not expired."""
    token = session.get(TOKEN)
    if not isinstance(token, str):
        return None
    row = get_db().get(SavedForm, token)
    if row is None or row.expires_at < utcnow():
        session.pop(TOKEN, None)
        return None
    return row


def pending_path() -> str | None:
    """Where to go after logging in: the page whose form was kept, when it is this user's.
    A kept form of anyone else is deleted there and then."""
    row = _pending()
    if row is None:
        return None
    if row.username != current_user.username:
        _discard(row)
        return None
    return row.path


def _discard(row: SavedForm) -> None:
    db = get_db()
    db.delete(row)
    db.commit()
    session.pop(TOKEN, None)


def refill_on_get() -> None:
    """Before a GET of the page the kept form came from: hand its fields to the page's forms
    (as `g` data that FlaskForm reads instead of an empty request) and forget them."""
    if request.method != "GET" or request.endpoint == "static" or TOKEN not in session:
        return
    if not current_user.is_authenticated:
        return
    row = _pending()
    if row is None or request.full_path.rstrip("?") != row.path:
        return
    if row.username == current_user.username:
        g.refill = MultiDict([tuple(pair) for pair in row.fields])
        flash(REFILLED_NOTICE + (FILES_NOTICE if row.files_dropped else ""), "warning")
    _discard(row)


_original_wrap_formdata = FlaskForm.Meta.wrap_formdata


def _wrap_formdata(self, form, formdata):
    """FlaskForm's own choice of data, except on the refilled GET: there a form left to find its
    own data (not given formdata=None) takes the kept fields."""
    wrapped = _original_wrap_formdata(self, form, formdata)
    if wrapped is None and formdata is not None and has_request_context():
        return g.get("refill")
    return wrapped


def install() -> None:
    """Let FlaskForm read the kept fields. FlaskForm offers no hook for data on GET, and every
    form here is a FlaskForm: wrapping its `wrap_formdata` once refills all of them."""
    FlaskForm.Meta.wrap_formdata = _wrap_formdata
