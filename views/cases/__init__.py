"""The cases blueprint: list, detail, intake and the workflow forms.

Every route loads its case through `load_case`, which applies the user's scope (404 outside it).
Workflow views are written with `handle_case_form`: validate, check the version, call the domain
operation, commit once, redirect; or put the domain's problems back on the form (422).
"""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from mediation.cases.intake import check_version, get_case
from mediation.errors import RuleViolation, StaleEdit
from models import Case
from views.db import get_db
from views.helpers import apply_violation, current_scope

bp = Blueprint("cases", __name__, url_prefix="/cases")


def load_case(case_id: int) -> Case:
    case = get_case(get_db(), current_scope(), case_id)
    if case is None:
        abort(404)
    return case


def handle_case_form(
    case: Case,
    form,
    operation: Callable[[], object],
    success: str,
    template: str = "cases/action.html",
    **context,
):
    """The shape of every workflow view. `operation` runs the domain call; its return value is a
    list of warnings to flash (or None). The form must have a hidden `version` field."""
    db = get_db()
    if request.method == "GET" and hasattr(form, "version"):
        form.version.data = case.version
    if form.validate_on_submit():
        try:
            if hasattr(form, "version"):
                check_version(case, form.version.data)
            warnings = operation()
            db.commit()
        except StaleDataError:
            db.rollback()
            apply_violation(form, StaleEdit())
        except RuleViolation as violation:
            db.rollback()
            apply_violation(form, violation)
        else:
            flash(success, "success")
            for warning in warnings or ():
                flash(warning, "warning")
            return redirect(url_for("cases.detail", case_id=case.id))
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, case=case, user=current_user, **context), status


from views.cases import corrections, detail, intake, listing, outcome, workflow  # noqa: E402, F401
