"""Login, logout and the user's own password."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import ChangePasswordForm, LoginForm
from mediation.reference import accounts
from views.db import get_db
from views.helpers import form_status, submit

bp = Blueprint("auth", __name__)


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
            flash(f"欢迎，{user.name}", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    db = get_db()
    accounts.end_sessions(db, current_user)
    db.commit()
    logout_user()
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
        login_user(current_user)  # the cookie must carry the new session version
        flash("密码已修改，其他设备上的登录已失效", "success")
        return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form), form_status()
