"""The JSON API (contract): /api/stats, /api/cases, /api/cases/<id>. Session login; 401 in JSON
without one; 403 for a district or centre outside the user's scope."""

from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user
from sqlmodel import select

from mediation.bounds import STATS_YEARS_MESSAGE, parse_id, stats_year_ok
from mediation.cases import payments
from mediation.cases.deadlines import due_dates
from mediation.cases.intake import get_case
from mediation.cases.listing import CaseFilter, list_cases
from mediation.cases.search import matched_workers
from mediation.dates import today
from mediation.online.ratings import rating_figures
from mediation.permissions import Permission
from mediation.privacy import (
    MASKS,
    PersonalDataAccess,
    personal_data_access,
    shown,
    shows_personal_data,
)
from mediation.scope import OutOfScope, UnknownCode, narrow
from mediation.statistics.figures import by_district, statistics
from mediation.statistics.legal import legal_statistics
from mediation.statistics.period import Period
from models import AccessKind, CaseStatus, Centre
from views.cases.listing import log_search
from views.db import get_db
from views.helpers import current_scope, log_read, require

bp = Blueprint("api", __name__, url_prefix="/api")


def _bad_request(message: str):
    response = jsonify(error=400, message=message)
    response.status_code = 400
    return response


def _date_arg(name: str, default: date | None = None) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return default
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(_bad_request(f"参数 {name} 应为 YYYY-MM-DD 格式的日期"))
    if not stats_year_ok(day):
        abort(_bad_request(f"参数 {name}：{STATS_YEARS_MESSAGE}"))
    return day


def _narrowed():
    try:
        return narrow(
            get_db(), current_scope(), request.args.get("district"), request.args.get("centre")
        )
    except UnknownCode as error:
        abort(_bad_request(str(error)))
    except OutOfScope:
        abort(403)


def stats_payload(stats, narrowed, db) -> dict:
    """The contract's JSON shape; keys may be added, never renamed."""
    t = stats.total
    return {
        "from": stats.period.start.isoformat(),
        "to": stats.period.end.isoformat(),
        "district": narrowed.district.code if narrowed.district else None,
        "centre": narrowed.centre.code if narrowed.centre else None,
        "mediation": {
            "handled": t.handled,
            "succeeded": t.succeeded,
            "failed": t.failed,
            "withdrawn": t.withdrawn,
            "open": t.open,
            "refused": t.refused,
            "success_rate_handled": t.success_rate_handled,
            "success_rate_closed": t.success_rate_closed,
            "recovered_fen": t.recovered_fen,
            "paid_fen": t.paid_fen,
            "workers_served": t.workers_served,
            "workers_benefited": t.workers_benefited,
            "overdue_open": stats.overdue_open,
            "avg_days_to_close": t.avg_days_to_close,
        },
        "legal_services": legal_statistics(db, stats.period, stats.centre_ids),
        "by_district": [
            {"code": code, "name": name, **figures.brief()}
            for code, name, figures in by_district(db, stats)
        ],
        "by_centre": [
            {"code": centre.code, "name": centre.name, **stats.by_centre[centre.id].brief()}
            for centre in db.exec(select(Centre).order_by(Centre.id))
            if centre.id in stats.by_centre
        ],
        "by_category": [
            {"category": key, **figures.brief()} for key, figures in stats.by_category.items()
        ],
        "by_channel": [
            {"channel": key, **figures.brief()} for key, figures in stats.by_channel.items()
        ],
        "by_month": [
            {"month": month.strftime("%Y-%m"), **figures.brief()}
            for month, figures in stats.by_month.items()
        ],
    }


@bp.route("/stats")
@require(Permission.STATS_VIEW)
def stats():
    end = _date_arg("to", today())
    start = _date_arg("from", end.replace(month=1, day=1))
    if start > end:
        return _bad_request("from 不能晚于 to")
    narrowed = _narrowed()
    db = get_db()
    result = statistics(db, Period(start, end), narrowed.centre_ids, today())
    return jsonify(stats_payload(result, narrowed, db))


@bp.route("/ratings")
@require(Permission.STATS_VIEW)
def ratings():
    """Satisfaction ratings on /api/stats' parameters and scope, by the closing date."""
    end = _date_arg("to", today())
    start = _date_arg("from", end.replace(month=1, day=1))
    if start > end:
        return _bad_request("from 不能晚于 to")
    narrowed = _narrowed()
    figures = rating_figures(get_db(), Period(start, end), narrowed.centre_ids)

    def rows(items, key_name):
        return [
            {key_name: row.key, "name": row.name, "answers": row.answers, "average": row.average}
            for row in items
        ]

    return jsonify(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "district": narrowed.district.code if narrowed.district else None,
            "centre": narrowed.centre.code if narrowed.centre else None,
            "invited": figures.invited,
            "answers": figures.answers,
            "average": figures.average,
            "by_centre": rows(figures.by_centre, "centre_id"),
            "by_mediator": rows(figures.by_mediator, "mediator_id"),
            "by_lawyer": rows(figures.by_lawyer, "lawyer_id"),
        }
    )


def case_json(case, centre_code: str) -> dict:
    status = CaseStatus(case.status)
    return {
        "id": case.id,
        "number": case.number,
        "centre": centre_code,
        "status": status.value,
        "status_label": status.label,
        "received_on": case.received_on.isoformat(),
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "category": case.category,
        "channel": case.channel,
        "workers": case.worker_count,
        "claimed_fen": case.claimed_fen,
        "agreed_fen": case.agreed_fen,
        "paid_fen": case.paid_fen,
    }


@bp.route("/cases")
@require(Permission.CASE_READ)
def cases():
    narrowed = _narrowed()
    statuses = [s for s in request.args.get("status", "").split(",") if s]
    unknown = [s for s in statuses if s not in {v.value for v in CaseStatus}]
    if unknown:
        return _bad_request(f"未知状态：{'、'.join(unknown)}")
    limit = min(max(request.args.get("limit", 50, type=int), 1), 500)
    case_filter = CaseFilter(
        statuses=statuses,
        accepted_from=_date_arg("from"),
        accepted_to=_date_arg("to"),
        text=request.args.get("q", ""),
        centre_ids=narrowed.centre_ids,
    )
    page = list_cases(
        get_db(),
        current_scope(),
        case_filter,
        today(),
        limit=limit,
        cursor=request.args.get("cursor", type=parse_id),
    )
    db = get_db()
    found = matched_workers(db, case_filter.text, [row.id for row in page.rows])
    access = personal_data_access(db, current_user)
    response = jsonify(
        items=[
            case_json(row, row.centre_code)
            | ({"matched_workers": _matched(found[row.id], access)} if row.id in found else {})
            for row in page.rows
        ],
        next=page.next_cursor,
        total=page.total,
    )
    log_search(db, case_filter.text, page.rows)
    return response


def _matched(workers, access: PersonalDataAccess) -> list[dict]:
    """The workers a search found in a case, masked as the user must see them."""
    return [
        {field: shown(getattr(w, field), field, access.shows(w.lawyer_id)) for field in MASKS}
        for w in workers
    ]


@bp.route("/cases/<int:case_id>")
@require(Permission.CASE_READ)
def case_detail(case_id: int):
    db = get_db()
    case = get_case(db, current_scope(), case_id)
    if case is None:
        abort(404)
    show = shows_personal_data(db, current_user, case)

    workers = [
        {
            **{field: shown(getattr(row.worker, field), field, show) for field in MASKS},
            "claimed_fen": row.claimed_fen,
            "agreed_fen": row.agreed_fen,
            "paid_fen": row.paid_fen,
            "overpaid_fen": row.overpaid_fen,  # 多付: beyond the agreement in force
        }
        for row in payments.worker_amounts(db, case)
    ]
    centre = db.get(Centre, case.centre_id)
    state = payments.payment_state(db, case)
    due = due_dates(db, case)
    response = jsonify(
        **case_json(case, centre.code),
        statutory_due_on=due.statutory.isoformat(),
        acceptance_due_on=due.acceptance.isoformat(),
        mediation_due_on=due.mediation.isoformat() if due.mediation else None,
        worker_list=workers,
        payment_state=state.value if state else None,
        archived_on=case.archived_on.isoformat() if case.archived_on else None,
        anonymised_on=case.anonymised_on.isoformat() if case.anonymised_on else None,
    )
    response.headers["Cache-Control"] = "no-store"  # ID numbers and phones (issue 15)
    log_read(case, AccessKind.CASE_API)
    return response
