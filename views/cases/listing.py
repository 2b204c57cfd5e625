"""The case list: filters within the user's scope, a total and keyset paging."""

from flask import current_app, render_template, request

from forms import select_choices
from forms.cases import CaseFilterForm
from mediation.case_list import CaseFilter, list_cases
from mediation.dates import today
from mediation.permissions import Permission
from mediation.scope import visible_centres
from models import OPEN_STATUSES, CaseStatus
from views.cases import bp
from views.db import get_db
from views.helpers import current_scope, require


def filter_from_args(form: CaseFilterForm, centres_by_code: dict) -> CaseFilter:
    status = form.status.data or ""
    if status == "open":
        statuses = [s.value for s in OPEN_STATUSES]
    elif status in {s.value for s in CaseStatus}:
        statuses = [status]
    else:
        statuses = []
    centre = centres_by_code.get(form.centre.data or "")
    return CaseFilter(
        statuses=statuses,
        category=form.category.data or "",
        channel=form.channel.data or "",
        centre_id=centre.id if centre else None,
        accepted_from=form.accepted_from.data if not form.accepted_from.errors else None,
        accepted_to=form.accepted_to.data if not form.accepted_to.errors else None,
        overdue=bool(form.overdue.data),
        text=form.q.data or "",
    )


@bp.route("/")
@require(Permission.CASE_READ)
def index():
    db = get_db()
    scope = current_scope()
    centres = visible_centres(db, scope)
    form = CaseFilterForm(request.args)
    form.centre.choices = select_choices(((c.code, c.name) for c in centres), blank="全部中心")
    form.validate()
    case_filter = filter_from_args(form, {c.code: c for c in centres})
    cursor = request.args.get("cursor", type=int)
    page = list_cases(
        db, scope, case_filter, today(), cursor=cursor, limit=current_app.config["PAGE_SIZE"]
    )
    args = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return render_template(
        "cases/index.html", form=form, page=page, today=today(), args=args, cursor=cursor
    )
