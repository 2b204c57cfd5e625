"""Home page and health check."""

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from mediation.scope import visible_centres
from views.db import database, get_db
from views.helpers import current_scope

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    centres = visible_centres(get_db(), current_scope())
    return render_template("main/home.html", centres=centres, user=current_user)


@bp.route("/healthz")
def healthz():
    try:
        with database().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
