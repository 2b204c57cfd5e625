"""Small helpers shared by the blueprints, and `submit`, the one way a view runs a form-backed
operation: validate, call the domain, commit once; or roll back and show the reasons."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, g, request
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from mediation.cases.search import found_by_identifier
from mediation.errors import RuleViolation, StaleEdit, check_version
from mediation.logs import access
from mediation.permissions import Permission, can
from mediation.privacy import shows_personal_data
from mediation.scope import Scope, scope_of
from models import AccessKind
from views.db import get_db


def apply_violation(form, violation: RuleViolation) -> None:
    """Put each domain problem back on its form field (or on the form as a whole), once: a
    message the form's own validation already put there is not repeated."""
    for field_name, message in violation.problems:
        field = getattr(form, field_name, None) if field_name else None
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            if message not in field.errors:
                field.errors.append(message)
        elif message not in form.form_errors:
            form.form_errors.append(message)


@dataclass(frozen=True)
class Done:
    """A form-backed operation that ran and was committed; `value` is what it returned."""

    value: Any = None


def submit(
    form,
    operation: Callable[[], Any],
    *,
    versioned=None,
    place: Callable[[Any, RuleViolation], None] = apply_violation,
    cleanup: Callable[[], None] | None = None,
) -> Done | None:
    """Validate `form`, run `operation()` (a domain call that flushes) and commit once: Done.

    With `versioned` (a Case or LegalCase), the form's hidden `version` must still be the
    record's (optimistic locking). A RuleViolation or a stale edit rolls back and puts the reasons
    on the form with `place`, keeping the user's input: None, and the view shows the form again
    with `form_status()`. `cleanup` runs when anything fails (e.g. remove a file just written).
    """
    if not form.validate_on_submit():
        return None
    db = get_db()
    try:
        if versioned is not None:
            check_version(versioned, form.version.data)
        value = operation()
        db.commit()
    except (RuleViolation, StaleDataError) as error:
        db.rollback()
        if cleanup:
            cleanup()
        place(form, error if isinstance(error, RuleViolation) else StaleEdit())
        return None
    except Exception:
        db.rollback()
        if cleanup:
            cleanup()
        raise
    return Done(value)


def form_status() -> int:
    """The status of a page showing a form: 422 when it was sent and refused, else 200."""
    return 422 if request.method == "POST" else 200


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


def log_access(rows: access.Rows) -> None:
    """Append access-log records of what this request showed, in a transaction of their own,
    and commit.

    A GET reads in a deferred SQLite transaction; upgrading it to a write fails at once if
    another request wrote meanwhile. So end the read (roll back: nothing was written) and write
    in a transaction that takes the write lock when it begins (waiting on the busy timeout, as
    POST requests do). The records are built beforehand (mediation.logs.access), so nothing the
    rollback expired is loaded again; call it once the answer is built."""
    if not rows:
        return
    db = get_db()
    db.rollback()
    if db.get_bind().dialect.name == "sqlite":
        db.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    access.append(db, rows)
    db.commit()


def log_read(case, kind: AccessKind, detail: str = "", document: str | None = None) -> None:
    """Record in the access log that the signed-in user read this case (noting when they saw
    its personal data masked), and commit. Call it once the answer is built."""
    db = get_db()
    if not shows_personal_data(db, current_user, case):
        detail += access.MASKED
    log_access(access.reads(db, current_user, kind, [case], detail, document))


def log_search(db, text: str, rows) -> None:
    """A search by ID number or phone reads whose cases a person has: one access-log record per
    case it found among the rows shown, in one INSERT."""
    found = set(found_by_identifier(db, text, [row.id for row in rows]))
    read = [row for row in rows if row.id in found]
    log_access(access.reads(db, current_user, AccessKind.SEARCH, read))
