"""The access log and the security log, for admins only (Permission.LOGS_READ): pages with
filters, newest first, paged by id; and the same filters as a streamed CSV. Read-only: no route
changes or deletes a record (mediation/logs).

GET /admin/access-log[.csv]     who read whose personal data, and every export
GET /admin/security-log[.csv]   logins, failures, lockouts, account and permission changes
"""

from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context

from forms import select_choices
from forms.logs import LogFilterForm
from mediation.bounds import STATS_YEARS_MESSAGE, parse_id, stats_year_ok
from mediation.dates import today
from mediation.ledger.exporting import csv_chunks
from mediation.logs import reading
from mediation.logs.reading import LogFilter
from mediation.permissions import Permission
from models import AccessKind, SecurityKind
from views.db import get_db
from views.helpers import carried_args, require

bp = Blueprint("logs", __name__, url_prefix="/admin")


def _filter(kinds) -> tuple[LogFilterForm, LogFilter]:
    """The filter form read from the query string, and the filter it asks for (fields with an
    error filter nothing; the error is shown at the field)."""
    form = LogFilterForm(request.args)
    form.kind.choices = select_choices(kinds.choices(), blank="全部类别")
    form.validate()
    for field in (form.date_from, form.date_to):
        if field.data is not None and not field.errors and not stats_year_ok(field.data):
            field.errors = [*field.errors, STATS_YEARS_MESSAGE]

    def good(field):
        return field.data if not field.errors else None

    kind = form.kind.data if form.kind.data in {k.value for k in kinds} else ""
    return form, LogFilter(
        username=good(form.user) or "",
        case_number=good(form.case) or "",
        kind=kind,
        date_from=good(form.date_from),
        date_to=good(form.date_to),
        ip=good(form.ip) or "",
    )


def _page(template: str, kinds, read_page, csv_endpoint: str):
    form, log_filter = _filter(kinds)
    cursor = request.args.get("cursor", type=parse_id)
    page = read_page(get_db(), log_filter, cursor, current_app.config["PAGE_SIZE"])
    return render_template(
        template,
        form=form,
        page=page,
        cursor=cursor,
        args=carried_args(form),
        csv_endpoint=csv_endpoint,
        describe_changes=reading.describe_changes,
    )


def _csv(kinds, rows, columns, name: str) -> Response:
    """The filtered log as UTF-8 CSV, streamed; the connection goes back when it ends, read to
    the end or abandoned (as the ledger export does)."""
    _, log_filter = _filter(kinds)
    db = get_db()

    def body():
        try:
            yield from csv_chunks(rows(db, log_filter), columns=columns)
        finally:
            db.close()

    response = Response(stream_with_context(body()), mimetype="text/csv; charset=utf-8")
    filename = f"{name}-{today():%Y%m%d}.csv"
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=f"log-{today():%Y%m%d}.csv",
        **{"filename*": f"UTF-8''{quote(filename)}"},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/access-log")
@require(Permission.LOGS_READ)
def access():
    return _page("logs/access.html", AccessKind, reading.access_page, "logs.access_csv")


@bp.route("/access-log.csv")
@require(Permission.LOGS_READ)
def access_csv():
    return _csv(AccessKind, reading.access_rows, reading.ACCESS_COLUMNS, "访问记录")


@bp.route("/security-log")
@require(Permission.LOGS_READ)
def security():
    return _page("logs/security.html", SecurityKind, reading.security_page, "logs.security_csv")


@bp.route("/security-log.csv")
@require(Permission.LOGS_READ)
def security_csv():
    return _csv(SecurityKind, reading.security_rows, reading.SECURITY_COLUMNS, "安全事件")


@bp.app_template_filter("access_kind")
def access_kind(value: str) -> str:
    return reading.kind_label(AccessKind, value)


@bp.app_template_filter("security_kind")
def security_kind(value: str) -> str:
    return reading.kind_label(SecurityKind, value)
