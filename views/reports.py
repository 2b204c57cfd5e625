"""The official periodic report: the page with its submitted versions and corrections, the
submission (POST), the printable form (HTML and PDF), the .xlsx form, and the JSON contract
/api/reports/period. Period and scope are picked as on the statistics page."""

from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from forms.reports import SubmitReportForm
from forms.stats import StatsFilterForm
from mediation.dates import today
from mediation.permissions import Permission
from mediation.reports import periodic
from mediation.reports.workbook import FormHeader, write_report
from mediation.scope import Narrowed, OutOfScope, UnknownCode, narrow
from mediation.statistics.period import Period, period_label
from models import PeriodReport
from views.db import get_db
from views.helpers import current_scope, require, submit
from views.sheets import render_pdf
from views.stats import XLSX, _period, _scope_choices, _scope_label

bp = Blueprint("reports", __name__, url_prefix="/reports")
api_bp = Blueprint("reports_api", __name__, url_prefix="/api/reports")


@dataclass
class Shown:
    form: StatsFilterForm
    period: Period
    narrowed: Narrowed
    current: dict
    versions: list[PeriodReport]
    unit: str

    @property
    def latest(self) -> PeriodReport | None:
        return self.versions[-1] if self.versions else None

    @property
    def rows(self):
        return periodic.rows(self.current, self.latest.figures if self.latest else None)

    @property
    def query(self) -> dict[str, str]:
        args = {"period": self.form.period.data or ""}
        if args["period"] == "custom":
            args |= {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.narrowed.centre:
            args["centre"] = self.narrowed.centre.code
        elif self.narrowed.district:
            args["district"] = self.narrowed.district.code
        return args

    def header(self) -> FormHeader:
        latest = self.latest
        return FormHeader(
            unit=self.unit,
            period_label=period_label(self.period),
            responsible=latest.responsible if latest else "",
            preparer=latest.preparer if latest else "",
            reported_on=latest.submitted_at.date() if latest else None,
            version=latest.version if latest else None,
        )


def _shown() -> Shown:
    db = get_db()
    form = StatsFilterForm(request.args)
    _scope_choices(form, current_scope())
    form.validate()
    period = _period(form)
    try:
        narrowed = narrow(db, current_scope(), form.district.data or None, form.centre.data or None)
    except OutOfScope:
        abort(403)
    except UnknownCode:
        abort(404)
    current = periodic.period_figures(db, period, narrowed.centre_ids).as_dict()
    versions = periodic.versions(db, narrowed, period)
    return Shown(form, period, narrowed, current, versions, _scope_label(narrowed))


def _page(shown: Shown, submit_form: SubmitReportForm, status: int = 200):
    page = render_template(
        "reports/period.html",
        shown=shown,
        form=shown.form,
        submit_form=submit_form,
        may_submit=periodic.may_submit(current_user, shown.narrowed),
        definitions=periodic.DEFINITIONS,
    )
    return page, status


@bp.route("/period")
@require(Permission.STATS_VIEW)
def period():
    return _page(_shown(), SubmitReportForm())


@bp.route("/period/submit", methods=["POST"])
@require(Permission.STATS_VIEW)
def submit_period():
    shown = _shown()
    if not periodic.may_submit(current_user, shown.narrowed):
        abort(403)
    form = SubmitReportForm()

    def operation():
        return periodic.submit(
            get_db(),
            current_user,
            shown.narrowed,
            shown.period,
            today(),
            reason=form.reason.data or "",
            responsible=form.responsible.data or "",
            preparer=form.preparer.data or "",
        )

    if submit(form, operation):
        return redirect(url_for("reports.period", **shown.query))
    return _page(shown, form, 422)


def _sheet(shown: Shown, pdf: bool) -> str:
    mediation, legal = shown.rows
    return render_template(
        "sheets/period_report.html",
        shown=shown,
        header=shown.header(),
        mediation=mediation,
        legal=legal,
        pdf=pdf,
        form_number=periodic.FORM_NUMBER,
        form_authority=periodic.FORM_AUTHORITY,
        form_title=periodic.FORM_TITLE,
        definitions=periodic.DEFINITIONS,
    )


@bp.route("/period/print")
@require(Permission.STATS_VIEW)
def period_print():
    return _sheet(_shown(), pdf=False)


@bp.route("/period.pdf")
@require(Permission.STATS_VIEW)
def period_pdf():
    shown = _shown()
    response = make_response(render_pdf(_sheet(shown, pdf=True)))
    response.headers["Content-Type"] = "application/pdf"
    name = quote(f"统计报表_{shown.period.start}_{shown.period.end}.pdf")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@bp.route("/period.xlsx")
@require(Permission.STATS_VIEW)
def period_xlsx():
    from flask import send_file

    shown = _shown()
    out = BytesIO()
    write_report(out, shown.header(), *shown.rows)
    out.seek(0)
    name = f"统计报表_{shown.period.start}_{shown.period.end}"
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx")


@api_bp.route("/period")
@require(Permission.STATS_VIEW)
def period_json():
    from views.api import _date_arg, _narrowed

    day = today()
    start = _date_arg("from", day.replace(month=1, day=1))
    end = _date_arg("to", day)
    if end < start:
        return jsonify(error=400, message="结束日期不能早于开始日期"), 400
    narrowed = _narrowed()
    period = Period(start, end)
    figures = periodic.period_figures(get_db(), period, narrowed.centre_ids).as_dict()
    versions = periodic.versions(get_db(), narrowed, period)
    return jsonify(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "district": narrowed.district.code if narrowed.district else None,
            "centre": narrowed.centre.code if narrowed.centre else None,
            **figures,
            "submitted": [
                {
                    "version": v.version,
                    "submitted_at": v.submitted_at.isoformat(),
                    "reason": v.reason,
                    "figures": v.figures,
                }
                for v in versions
            ],
        }
    )
