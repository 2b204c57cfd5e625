"""Home page (today's work) and health check."""

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from mediation.cases.listing import status_counts
from mediation.cases.workload import workload
from mediation.dates import today
from mediation.permissions import Permission, can
from mediation.reference.calendar import years_without_holidays
from mediation.reports.warnings import Thresholds, warning_counts
from mediation.scope import visible_centres
from models import Role
from views.db import database, get_db
from views.helpers import current_scope

bp = Blueprint("main", __name__)

# Who is told when the holiday calendar lacks this or next year (deadlines would then skip only
# weekends): the supervisors, and the admins who can load or enter it.
CALENDAR_WATCHERS = {
    Role.CENTRE_SUPERVISOR,
    Role.DISTRICT_SUPERVISOR,
    Role.CITY_SUPERVISOR,
    Role.ADMIN,
}


@bp.route("/")
@login_required
def home():
    db = get_db()
    scope = current_scope()
    reads_cases = can(current_user, Permission.CASE_READ)
    return render_template(
        "main/home.html",
        user=current_user,
        centres=visible_centres(db, scope),
        work=workload(db, scope, today()) if reads_cases else None,
        counts=status_counts(db, scope) if reads_cases else None,
        today=today(),
        warning_counts=(
            warning_counts(db, scope, today(), Thresholds.from_config(current_app.config))
            if can(current_user, Permission.WARNINGS_VIEW)
            else None
        ),
        calendar_gaps=(
            years_without_holidays(db, today())
            if current_user.role_enum in CALENDAR_WATCHERS
            else []
        ),
    )


@bp.route("/healthz")
def healthz():
    try:
        with database().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links to: the vendored icon, public."""
    return current_app.send_static_file("favicon.ico")
