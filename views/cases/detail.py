"""The case page: GET /cases/<id>. Each showing is a record in the access log."""

from flask import render_template
from flask_login import current_user

from mediation.cases.overview import overview
from mediation.dates import today
from mediation.permissions import Permission
from models import AccessKind
from views.cases import bp, load_case
from views.db import get_db
from views.helpers import log_read, require


@bp.route("/<int:case_id>")
@require(Permission.CASE_READ)
def detail(case_id: int):
    db = get_db()
    case = load_case(case_id)
    page = render_template("cases/detail.html", o=overview(db, case, current_user, today()))
    log_read(case, AccessKind.CASE_PAGE)
    return page
