"""Small helpers shared by the blueprints."""

from functools import wraps

from flask import abort, g, request
from flask_login import current_user, login_required

from mediation.errors import RuleViolation
from mediation.permissions import Permission, can
from mediation.scope import Scope, scope_of
from views.db import get_db


def apply_violation(form, violation: RuleViolation) -> None:
    """Put each domain problem back on its form field (or on the form as a whole)."""
    for field_name, message in violation.problems:
        field = getattr(form, field_name, None) if field_name else None
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.append(message)
        else:
            form.form_errors.append(message)


def require(permission: Permission):
    """Login required, then the role must grant `permission` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_scope() -> Scope:
    """The signed-in user's scope, worked out once per request."""
    if "scope" not in g:
        g.scope = scope_of(get_db(), current_user)
    return g.scope


def carried_args(form) -> dict[str, str]:
    """The filters a list page carries into its pager and export links: the filter form's own
    fields that are set. Anything else in the query string is dropped, so that it can neither
    collide with url_for's own arguments (`endpoint`, `kind`, `_external`...) nor ride along."""
    return {name: value for name, value in request.args.items() if name in form and value}
