"""Moving a caseload in one step (centre supervisors): tick open cases (all of a mediator's, or
any in the centre's list), pick who takes them over, see each case with its conflict, confirm;
the result lists the cases moved and those kept, with the reason."""

from flask import abort, render_template, request
from flask_login import current_user
from sqlmodel import select

from forms import select_choices
from forms.caseload import MoveCaseloadForm
from mediation.bounds import parse_id
from mediation.cases import caseload
from mediation.cases.assignment import mediators_of
from mediation.errors import RuleViolation
from mediation.permissions import Permission
from mediation.scope import visible_centres
from models import Centre, Employer, User
from views.cases import bp
from views.db import get_db
from views.helpers import apply_violation, current_scope, require, submit


def _centre() -> Centre | None:
    """The supervisor's own centre; an admin (no centre) picks one with ?centre=CODE."""
    db = get_db()
    if current_user.centre_id is not None:
        return db.get(Centre, current_user.centre_id)
    code = request.args.get("centre", "")
    found = next((c for c in visible_centres(db, current_scope()) if c.code == code), None)
    if code and found is None:
        abort(404)
    return found


def _rows(centre: Centre, mediator_id: int | None):
    db = get_db()
    cases = caseload.open_cases(db, centre.id, mediator_id)
    employers = {
        e.id: e.name
        for e in db.exec(select(Employer).where(Employer.id.in_({c.employer_id for c in cases})))
    }
    names = {u.id: u.name for u in mediators_of(db, centre.id)}
    for user in db.exec(select(User).where(User.id.in_({c.mediator_id for c in cases} - {None}))):
        names.setdefault(user.id, user.name)
    return [(c, employers[c.employer_id], names.get(c.mediator_id, "未指派")) for c in cases]


@bp.route("/move", methods=["GET", "POST"])
@require(Permission.CASELOAD_MOVE)
def move():
    db = get_db()
    centre = _centre()
    if centre is None:
        centres = visible_centres(db, current_scope())
        return render_template("cases/move.html", step="centre", centres=centres)
    mediator_id = request.args.get("mediator", type=parse_id)
    form = MoveCaseloadForm()
    form.target.choices = select_choices(caseload.targets(db, centre.id), blank="请选择")
    rows = _rows(centre, None)
    form.case_ids.choices = [(c.id, c.number) for c, _, _ in rows]
    if request.method == "GET" and mediator_id is not None:
        form.case_ids.data = [c.id for c, _, _ in rows if c.mediator_id == mediator_id]
    context = {
        "centre": centre,
        "form": form,
        "mediators": mediators_of(db, centre.id),
        "mediator_id": mediator_id,
    }
    if request.method == "GET":
        shown = [r for r in rows if mediator_id is None or r[0].mediator_id == mediator_id]
        return render_template("cases/move.html", step="select", rows=shown, **context)
    target = caseload.Target.parse(form.target.data)

    def operation():
        return caseload.move(db, current_user, centre.id, form.case_ids.data, target)

    if form.confirm.data == "1" and target is not None:
        if done := submit(form, operation):
            return render_template("cases/move.html", step="done", result=done.value, **context)
    elif form.validate_on_submit():
        try:
            if target is None:
                raise RuleViolation([("target", "请选择接手的调解员或律师")])
            planned = caseload.plan(db, centre.id, form.case_ids.data, target)
        except RuleViolation as violation:
            apply_violation(form, violation)
        else:
            return render_template("cases/move.html", step="confirm", planned=planned, **context)
    return render_template("cases/move.html", step="select", rows=rows, **context), 422
