"""The case list: filters within the user's scope, a total and keyset paging."""

from flask import current_app, render_template, request
from flask_login import current_user
from sqlmodel import select

from forms import select_choices
from forms.cases import CaseFilterForm
from mediation.bounds import parse_id
from mediation.cases.listing import CaseFilter, list_cases
from mediation.cases.search import matched_workers, search_legal
from mediation.dates import today
from mediation.permissions import Permission
from mediation.privacy import personal_data_access
from mediation.reference.districts import CITY_LEVEL_CODE, CITY_LEVEL_NAME
from mediation.scope import Scope, visible_centres
from models import OPEN_STATUSES, CaseStatus, District, Employer, Lawyer
from views.cases import bp
from views.db import get_db
from views.helpers import carried_args, current_scope, log_search, require

DRILL_DOWN_ARGS = ("period_from", "period_to", "statuses", "district", "lawyer", "employer")


def filter_from_args(
    form: CaseFilterForm, centres_by_code: dict, districts_by_code: dict
) -> CaseFilter:
    status = form.status.data or ""
    if status == "open":
        statuses = [s.value for s in OPEN_STATUSES]
    elif status in {s.value for s in CaseStatus}:
        statuses = [status]
    else:
        statuses = []
    centre = centres_by_code.get(form.centre.data or "")
    case_filter = CaseFilter(
        statuses=statuses,
        category=form.category.data or "",
        channel=form.channel.data or "",
        centre_id=centre.id if centre else None,
        accepted_from=form.accepted_from.data if not form.accepted_from.errors else None,
        accepted_to=form.accepted_to.data if not form.accepted_to.errors else None,
        overdue=bool(form.overdue.data),
        text=form.q.data or "",
    )
    apply_drill_down(form, case_filter, centres_by_code, districts_by_code)
    return case_filter


def _date(field):
    return field.data if not field.errors else None


def _int(raw: str | None) -> int | None:
    return parse_id(raw)


def apply_drill_down(
    form: CaseFilterForm, f: CaseFilter, centres_by_code: dict, districts_by_code: dict
) -> None:
    """The statistics pages' drill-down parameters (views.stats): the period, several statuses,
    a district, a lawyer (or none), an employer. Values that name nothing are ignored."""
    f.period_from, f.period_to = _date(form.period_from), _date(form.period_to)
    if not f.statuses:
        known = {s.value for s in CaseStatus}
        f.statuses = [s for s in (form.statuses.data or "").split(",") if s in known]
    code = (form.district.data or "").strip()
    if code in districts_by_code:
        f.district_id = districts_by_code[code].id
    elif code == CITY_LEVEL_CODE:
        f.centre_ids = [c.id for c in centres_by_code.values() if c.district_id is None]
    lawyer = (form.lawyer.data or "").strip()
    f.no_lawyer = lawyer == "none"
    f.lawyer_id = _int(lawyer)
    f.employer_id = _int(form.employer.data)


def applied_drill_down(db, f: CaseFilter, form: CaseFilterForm) -> list[tuple[str, str]]:
    """(label, value) of the drill-down filters in force, to show above the list."""
    shown = []
    if f.period_from or f.period_to:
        span = f"{f.period_from or '…'} 至 {f.period_to or '…'}"
        shown.append(("统计期间", f"{span}（按受理日期，不予受理按决定日期）"))
    if form.statuses.data and not form.status.data and f.statuses:
        shown.append(("状态", "、".join(CaseStatus(s).label for s in f.statuses)))
    if f.district_id is not None:
        shown.append(("区", db.get(District, f.district_id).name))
    elif f.centre_ids is not None:
        shown.append(("区", CITY_LEVEL_NAME))
    if f.no_lawyer:
        shown.append(("特约律师", "未指派律师"))
    elif f.lawyer_id is not None:
        lawyer = db.get(Lawyer, f.lawyer_id)
        shown.append(("特约律师", lawyer.name if lawyer else f"#{f.lawyer_id}"))
    if f.employer_id is not None:
        employer = db.get(Employer, f.employer_id)
        shown.append(("被申请单位", employer.name if employer else f"#{f.employer_id}"))
    return shown


def requested_filter(db, scope: Scope, args=None) -> tuple[CaseFilterForm, CaseFilter]:
    """The case list's filter form read from the query string (or `args`, the same filters kept
    by an export job), and the filter it asks for. The list and its ledger export both read it
    here, so an export holds the cases listed."""
    centres = visible_centres(db, scope)
    form = CaseFilterForm(request.args if args is None else args)
    form.centre.choices = select_choices(((c.code, c.name) for c in centres), blank="全部中心")
    form.validate()
    districts = {d.code: d for d in db.exec(select(District))} if form.district.data else {}
    return form, filter_from_args(form, {c.code: c for c in centres}, districts)


@bp.route("/")
@require(Permission.CASE_READ)
def index():
    db = get_db()
    scope = current_scope()
    form, case_filter = requested_filter(db, scope)
    cursor = request.args.get("cursor", type=parse_id)
    page = list_cases(
        db, scope, case_filter, today(), cursor=cursor, limit=current_app.config["PAGE_SIZE"]
    )
    args = carried_args(form)
    html = render_template(
        "cases/index.html",
        form=form,
        page=page,
        today=today(),
        args=args,
        cursor=cursor,
        drill_down=applied_drill_down(db, case_filter, form),
        drill_args={k: v for k, v in args.items() if k in DRILL_DOWN_ARGS},
        matches=matched_workers(db, case_filter.text, [row.id for row in page.rows]),
        legal_hits=search_legal(db, scope, case_filter.text, [row.id for row in page.rows]),
        access=personal_data_access(db, current_user),
        more_filters=any(v for k, v in args.items() if k != "q"),
    )
    log_search(db, case_filter.text, page.rows)
    return html
