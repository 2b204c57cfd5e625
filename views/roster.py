"""The roster of union-appointed lawyers (工会特约律师名册).

Admins manage every lawyer; a centre supervisor sees only the lawyers stationed at their centre
and may add or remove only their own centre's stationing. Lawyers are never deleted: they are
deactivated, so past cases keep their lawyer.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from forms import select_choices
from forms.roster import LawyerFilterForm, LawyerForm
from mediation.permissions import Permission
from mediation.reference.roster import (
    LawyerData,
    lawyer_visible,
    linked_username,
    list_lawyers,
    open_caseload,
    save_lawyer,
    stationed_centre_ids,
)
from mediation.scope import visible_centres
from models import Centre, Lawyer
from views.db import get_db
from views.helpers import carried_args, current_scope, form_status, require, submit

bp = Blueprint("roster", __name__)


def _managed_centre_ids() -> set[int] | None:
    """The centres whose stationings the user manages (None: all, for admins)."""
    scope = current_scope()
    return None if scope.is_city else set(scope.centre_ids)


def _load_lawyer(lawyer_id: int, managed: set[int] | None) -> Lawyer:
    lawyer = get_db().get(Lawyer, lawyer_id)
    if lawyer is None or not lawyer_visible(get_db(), lawyer, managed):
        abort(404)
    return lawyer


@bp.route("/lawyers")
@require(Permission.ROSTER_MANAGE)
def index():
    db = get_db()
    managed = _managed_centre_ids()
    centres = visible_centres(db, current_scope())
    form = LawyerFilterForm(request.args)
    form.centre.choices = select_choices(((c.code, c.name) for c in centres), blank="全部中心")
    centre = next((c for c in centres if c.code == form.centre.data), None)
    page = list_lawyers(
        db,
        managed,
        centre_id=centre.id if centre else None,
        text=form.q.data or "",
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
    )
    args = carried_args(form)
    return render_template(
        "roster/index.html", form=form, page=page, args=args, show_centre_filter=len(centres) > 1
    )


@bp.route("/lawyers/new", methods=["GET", "POST"])
@bp.route("/lawyers/<int:lawyer_id>", methods=["GET", "POST"])
@require(Permission.ROSTER_MANAGE)
def edit(lawyer_id: int | None = None):
    db = get_db()
    managed = _managed_centre_ids()
    lawyer = _load_lawyer(lawyer_id, managed) if lawyer_id is not None else None
    current = stationed_centre_ids(db, lawyer) if lawyer else set()
    centres = [
        c
        for c in db.exec(select(Centre).order_by(Centre.id))
        if (managed is None or c.id in managed or c.id in current) and (c.active or c.id in current)
    ]
    editable = {c.id for c in centres} if managed is None else managed
    locked = current - editable  # other centres' stationings: shown, not changeable here
    known = set(db.exec(select(Centre.id)))

    form = LawyerForm(obj=lawyer)
    form.centres.choices = select_choices(
        (str(c.id), c.name + ("" if c.active else "（已停用）")) for c in centres
    )
    if request.method == "GET":
        if lawyer is not None:
            form.centres.data = sorted(current)
            form.username.data = linked_username(db, lawyer)
        elif managed is not None:
            form.centres.data = sorted(managed)
    if form.validate_on_submit():
        data = LawyerData(
            name=form.name.data or "",
            certificate_no=form.certificate_no.data or "",
            firm_name=form.firm_name.data or "",
            firm_credit_code=form.firm_credit_code.data or "",
            phone=form.phone.data or "",
            active=form.active.data,
            # A centre outside the user's reach is refused by save_lawyer, with the reason.
            centre_ids=tuple(sorted((set(form.centres.data or ()) & known) | locked)),
            username=form.username.data or "",
        )
        if done := submit(form, lambda: save_lawyer(db, lawyer, data, managed, current_user)):
            state = "" if done.value.active else "（已停用，不再被指派新案件）"
            flash(f"已保存特约律师「{done.value.name}」{state}", "success")
            return redirect(url_for("roster.index"))
    if request.method == "POST":
        form.centres.data = sorted(set(form.centres.data or ()) | locked)
    status = form_status()
    return render_template(
        "roster/edit.html",
        form=form,
        lawyer=lawyer,
        editable={str(i) for i in editable},
        open_cases=open_caseload(db, lawyer) if lawyer else 0,
    ), status
