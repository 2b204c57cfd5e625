"""The case page: GET /cases/<id>."""

from flask import render_template
from flask_login import current_user

from mediation.cases.overview import overview
from mediation.dates import today
from mediation.permissions import Permission
from views.cases import bp, load_case
from views.db import get_db
from views.helpers import require


@bp.route("/<int:case_id>")
@require(Permission.CASE_READ)
def detail(case_id: int):
    case = load_case(case_id)
    return render_template("cases/detail.html", o=overview(get_db(), case, current_user, today()))
