"""Login, logout and the user's own password."""

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import ChangePasswordForm, LoginForm
from mediation.reference import accounts
from views import refill
from views.db import get_db
from views.helpers import form_status, submit

bp = Blueprint("auth", __name__)
bp.record_once(lambda state: refill.install())

# Set at login when the password typed fails today's rules (an account older than them): every
# page but the password form and logout leads to the password form until it is changed.
MUST_CHANGE = "must_change_password"
WEAK_PASSWORD_MESSAGE = (
    "您的密码不符合现行密码规则（至少12位、不得为常见密码或用户名），请先修改密码"
)


SEEN = "seen"  # the time of the session's last request, in seconds since the epoch
IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录"


@bp.before_app_request
def expire_idle_session():
    """End a login left unused for SESSION_IDLE_MINUTES; otherwise note this request's time."""
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    seen = session.get(SEEN)
    if isinstance(seen, int) and now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        username = current_user.username
        logout_user()
        session.clear()
        session[refill.EXPIRED_USER] = username  # other tabs' forms are kept for them too
        if not refill.keep_posted_form(username):
            flash(IDLE_MESSAGE, "warning")
        return current_app.login_manager.unauthorized()
    session[SEEN] = now
    return None


def keep_form_of_expired_login():
    """A form posted from another tab after the login expired fails its CSRF check (the session
    that held the token has ended): keep it for the user who was logged in, and ask them to log
    in again. None when there is nothing to keep (the CSRF error stands)."""
    username = session.get(refill.EXPIRED_USER)
    if current_user.is_authenticated or not isinstance(username, str):
        return None
    if not refill.keep_posted_form(username):
        return None
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.before_app_request
def require_password_change():
    if not session.get(MUST_CHANGE) or not current_user.is_authenticated:
        return None
    if request.endpoint in ("auth.change_password", "auth.logout", "static"):
        return None
    flash(WEAK_PASSWORD_MESSAGE, "warning")
    return redirect(url_for("auth.change_password"))


def _safe_next(target: str | None) -> str | None:
    """Honour `next` only for a path on this site (no scheme, no host, no //evil.example)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None  # a backslash, or CR/LF that would split the Location header
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = get_db()
        try:
            user = accounts.authenticate(
                db,
                form.username.data,
                form.password.data,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
            )
        except accounts.LoginRefused as refused:
            db.commit()  # keep the failure count
            form.form_errors.append(str(refused))
            status = 401
        else:
            db.commit()
            login_user(user)
            session[SEEN] = int(time.time())
            session.pop(MUST_CHANGE, None)
            session.pop(refill.EXPIRED_USER, None)
            if accounts.password_problem(form.password.data, user.username):
                session[MUST_CHANGE] = True
                flash(WEAK_PASSWORD_MESSAGE, "warning")
                return redirect(url_for("auth.change_password"))
            flash(f"欢迎，{user.name}", "success")
            target = refill.pending_path() or _safe_next(request.args.get("next"))
            return redirect(target or url_for("main.home"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    db = get_db()
    accounts.log_out(db, current_user)
    db.commit()
    logout_user()
    session.pop(MUST_CHANGE, None)
    flash("您已安全退出", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    changed = submit(
        form,
        lambda: accounts.change_own_password(
            get_db(), current_user, form.current_password.data, form.new_password.data
        ),
    )
    if changed:
        session.pop(MUST_CHANGE, None)
        login_user(current_user)  # the cookie must carry the new session version
        flash("密码已修改，其他设备上的登录已失效", "success")
        return redirect(refill.pending_path() or url_for("main.home"))
    return render_template("auth/password.html", form=form), form_status()


bp.before_app_request(refill.refill_on_get)  # after the two checks above: a real login only
