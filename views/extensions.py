"""Extensions created unbound and bound in create_app (cookiecutter-flask's extensions.py)."""

from flask import jsonify, redirect, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
# Limits only where a view asks (the public pages); storage from RATELIMIT_STORAGE_URI, shared
# by every node when it is Redis.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "warning"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str):
    from models import User
    from views.db import get_db

    try:
        id_part, version = user_id.split(":")
        user = get_db().get(User, int(id_part))
    except (ValueError, TypeError):
        return None
    # The cookie carries the session version: after logout or a password change it no longer
    # matches, so a copied cookie stops working.
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message="请先登录"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
