"""Early warnings for supervisors: the page of every list, one list's pages (the drill-down
from the home page's counts), and the JSON contract /api/warnings."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from mediation.bounds import parse_id
from mediation.dates import today
from mediation.permissions import Permission
from mediation.reports import warnings
from views.db import get_db
from views.helpers import current_scope, require

bp = Blueprint("warnings", __name__, url_prefix="/warnings")
api_bp = Blueprint("warnings_api", __name__)

PREVIEW = 10  # cases shown per list on the overview page


def thresholds() -> warnings.Thresholds:
    return warnings.Thresholds.from_config(current_app.config)


@bp.route("/")
@require(Permission.WARNINGS_VIEW)
def index():
    lists = warnings.all_warnings(
        get_db(), current_scope(), today(), thresholds(), page_size=PREVIEW
    )
    return render_template("warnings/index.html", lists=lists, today=today())


@bp.route("/<warning>")
@require(Permission.WARNINGS_VIEW)
def kind(warning: str):
    if warning not in warnings.KINDS:
        abort(404)
    page = request.args.get("page", type=parse_id) or 1
    found = warnings.warning_list(
        get_db(),
        current_scope(),
        warning,
        today(),
        thresholds(),
        page=page,
        page_size=current_app.config["PAGE_SIZE"],
    )
    return render_template("warnings/kind.html", found=found, today=today())


def _as_json(found: warnings.WarningList) -> dict:
    return {
        "kind": found.kind,
        "title": found.title,
        "rule": found.rule,
        "count": found.count,
        "page": found.page,
        "pages": found.pages,
        "cases": [
            {
                "id": c.id,
                "number": c.number,
                "reason": c.reason,
                "employer": c.employer,
                "mediator": c.mediator,
            }
            for c in found.cases
        ],
    }


@api_bp.route("/api/warnings")
@require(Permission.WARNINGS_VIEW)
def index_json():
    """Every list in the user's scope with its count and its first page of cases; with
    ?kind=K&page=N one list's page N."""
    size = current_app.config["PAGE_SIZE"]
    kind = request.args.get("kind")
    if kind:
        if kind not in warnings.KINDS:
            return jsonify(error=404, message="没有这种预警"), 404
        page = request.args.get("page", type=parse_id) or 1
        found = warnings.warning_list(
            get_db(), current_scope(), kind, today(), thresholds(), page=page, page_size=size
        )
        return jsonify({"today": today().isoformat(), "warnings": [_as_json(found)]})
    lists = warnings.all_warnings(get_db(), current_scope(), today(), thresholds(), size)
    return jsonify({"today": today().isoformat(), "warnings": [_as_json(w) for w in lists]})
