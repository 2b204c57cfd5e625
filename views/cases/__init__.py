"""The cases blueprint: list, detail, intake and the workflow forms.

Every route loads its case through `load_case`, which applies the user's scope (404 outside it).
Every case action is guarded by `refuse_action` (the action page with the reason, 422, when the
case does not admit it; 403 when this user may not) and written with `handle_case_form`:
validate, check the version, call the domain operation, commit once, redirect; or put the
domain's problems back on the form (422).
"""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from mediation.cases import actions
from mediation.cases.intake import get_case
from models import Case
from views.db import get_db
from views.helpers import current_scope, form_status, submit

bp = Blueprint("cases", __name__, url_prefix="/cases")


def load_case(case_id: int) -> Case:
    case = get_case(get_db(), current_scope(), case_id)
    if case is None:
        abort(404)
    return case


def refuse_action(case: Case, name: str):
    """The one guard of every case action: None when this user may take it on this case now.

    When the case's status (or its state, e.g. an extension already used) does not admit the
    action, the answer is the action's page with the reason and status 422, on GET and POST
    alike; when it does but this user may not (a lawyer not assigned to the case), 403.
    """
    reason = actions.refusal(case, name)
    if reason:
        action = actions.BY_NAME[name]
        page = render_template("cases/refused.html", case=case, action=action, reason=reason)
        return page, 422
    if not actions.allowed(get_db(), current_user, case, name):
        abort(403)
    return None


def handle_case_form(
    case: Case,
    form,
    operation: Callable[[], object],
    success: str | Callable[[], str],
    template: str = "cases/action.html",
    **context,
):
    """The shape of every workflow view. `operation` runs the domain call; its return value is a
    list of warnings to flash (or None); `success` may be worded after it ran (a callable). The
    form must have a hidden `version` field."""
    if not form.is_submitted() and hasattr(form, "version") and not form.version.data:
        form.version.data = case.version  # a refilled form (views.refill) keeps the version it had
    versioned = case if hasattr(form, "version") else None
    if done := submit(form, operation, versioned=versioned):
        flash(success() if callable(success) else success, "success")
        for warning in done.value or ():
            flash(warning, "warning")
        return redirect(url_for("cases.detail", case_id=case.id))
    page = render_template(template, form=form, case=case, user=current_user, **context)
    return page, form_status()


from views.cases import (  # noqa: E402, F401
    caseload,
    corrections,
    detail,
    intake,
    listing,
    online,
    outcome,
    payments,
    workflow,
)
