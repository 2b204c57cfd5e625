"""Supervisor statistics: the page, the printable report and the .xlsx workbook.

All three read the same query (`period`, `from`, `to`, `district`, `centre`) and show the same
figures. Every count on the page links to the case list behind it, filtered by the period, the
scope and the statuses that make up the count (mediation.statistics COUNT_STATUSES), so the list's
total equals the number clicked.
"""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from markupsafe import Markup
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from forms import select_choices
from forms.stats import StatsFilterForm
from mediation.bounds import STATS_YEARS_MESSAGE, stats_year_ok
from mediation.dates import now, today
from mediation.online.ratings import rating_figures
from mediation.permissions import Permission
from mediation.reference.districts import CITY_LEVEL_NAME
from mediation.scope import Narrowed, OutOfScope, Scope, UnknownCode, narrow, visible_centres
from mediation.statistics import charts
from mediation.statistics.breakdowns import Breakdown, breakdowns
from mediation.statistics.export import Header, write_union_workbook, write_workbook
from mediation.statistics.figures import (
    CLOSED,
    COUNT_STATUSES,
    COUNTS,
    DEFINITIONS,
    Statistics,
    statistics,
    top_employers,
)
from mediation.statistics.legal import legal_statistics
from mediation.statistics.period import (
    InvalidPeriod,
    Period,
    month_within,
    period_from_picker,
    period_label,
    picker_choices,
    picker_value,
)
from mediation.statistics.union import UNION_DEFINITIONS, summary_sentence, union_report
from models import Centre, District
from views.db import get_db
from views.helpers import current_scope, require

bp = Blueprint("stats", __name__, url_prefix="/stats")

DRILL_STATUSES = {**COUNT_STATUSES, "closed": CLOSED}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHARTED = ("district", "centre", "category", "channel")


@dataclass
class Report:
    form: StatsFilterForm
    period: Period
    narrowed: Narrowed
    stats: Statistics
    breakdowns: list[Breakdown]
    employers: list[tuple[int, str, int, int, int]]
    period_label: str
    scope_label: str

    @property
    def query(self) -> dict[str, str]:
        """The query that gives this report again (for the export and print links)."""
        args = {"period": self.form.period.data or ""}
        if args["period"] == "custom":
            args |= {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.narrowed.centre:
            args["centre"] = self.narrowed.centre.code
        elif self.narrowed.district:
            args["district"] = self.narrowed.district.code
        return args

    def drill(self, count: str, narrow_to: dict | None = None, overdue: bool = False) -> str:
        """The case list behind a count: the period, the scope, the statuses of `count`
        (handled, succeeded, ..., closed) and what narrows a breakdown row."""
        period = self.period
        params: dict[str, str] = {}
        if self.narrowed.centre:
            params["centre"] = self.narrowed.centre.code
        elif self.narrowed.district:
            params["district"] = self.narrowed.district.code
        for key, value in (narrow_to or {}).items():
            if key == "month":
                period = month_within(period, value)
            else:
                params[key] = value
        params |= {
            "period_from": period.start.isoformat(),
            "period_to": period.end.isoformat(),
            "statuses": ",".join(s.value for s in DRILL_STATUSES[count]),
        }
        if overdue:
            params["overdue"] = "y"
        return url_for("cases.index", **params)


def _scope_choices(form: StatsFilterForm, scope: Scope) -> None:
    """Offer the districts wholly inside the user's scope, and its centres by district."""
    db = get_db()
    districts = {d.id: d for d in db.exec(select(District).order_by(District.id))}
    district_of = dict(db.exec(select(Centre.id, Centre.district_id)).all())
    offered = [
        d
        for d in districts.values()
        if all(scope.includes(cid) for cid, did in district_of.items() if did == d.id)
    ]
    form.district.choices = select_choices(
        ((d.code, d.name) for d in offered), blank="全市" if scope.is_city else "全部"
    )
    form.centre.choices = [SelectChoice("", "全部调解中心")] + [
        SelectChoice(
            c.code,
            c.name,
            optgroup=districts[c.district_id].name if c.district_id else CITY_LEVEL_NAME,
        )
        for c in visible_centres(db, scope)
    ]


def _period(form: StatsFilterForm) -> Period:
    day = today()
    form.period.choices = [
        SelectChoice(value, label, optgroup=group) for value, label, group in picker_choices(day)
    ]
    start = form.date_from.data if not form.date_from.errors else None
    end = form.date_to.data if not form.date_to.errors else None
    for field, typed in ((form.date_from, start), (form.date_to, end)):
        if typed is not None and not stats_year_ok(typed):
            field.errors = [*field.errors, STATS_YEARS_MESSAGE]
    if form.date_from.errors or form.date_to.errors:
        start = end = None
    try:
        period = period_from_picker(form.period.data, day, start, end)
    except InvalidPeriod as error:
        if not (form.date_from.errors or form.date_to.errors):
            form.period.errors.append(str(error))
        period = period_from_picker(None, day)
        form.period.data = picker_value(period, day)
    else:
        form.period.data = form.period.data or picker_value(period, day)
    if not (form.date_from.errors or form.date_to.errors):
        form.date_from.data, form.date_to.data = period.start, period.end
    return period


def _scope_label(narrowed: Narrowed) -> str:
    if narrowed.centre:
        return narrowed.centre.name
    if narrowed.district:
        return narrowed.district.name
    if narrowed.centre_ids is None:
        return "佛山市（全市）"
    return f"本人范围内的{len(narrowed.centre_ids)}个调解中心"


def build_report() -> Report:
    """The statistics the request asks for (403 for a district or centre outside the scope)."""
    db = get_db()
    scope = current_scope()
    form = StatsFilterForm(request.args)
    _scope_choices(form, scope)
    form.validate()
    period = _period(form)
    try:
        narrowed = narrow(db, scope, form.district.data or None, form.centre.data or None)
    except OutOfScope:
        abort(403)
    except UnknownCode as error:
        flash(f"{error}，已按本人范围统计", "warning")
        form.district.data = form.centre.data = ""
        narrowed = narrow(db, scope, None, None)
    stats = statistics(db, period, narrowed.centre_ids, today())
    return Report(
        form=form,
        period=period,
        narrowed=narrowed,
        stats=stats,
        breakdowns=breakdowns(db, stats),
        employers=top_employers(db, period, narrowed.centre_ids),
        period_label=period_label(period),
        scope_label=_scope_label(narrowed),
    )


def _month_label(month: date, first: bool) -> str:
    return f"{month.month}月\n{month.year}年" if first or month.month == 1 else f"{month.month}月"


def build_charts(report: Report) -> dict[str, Markup]:
    """Inline SVG: the monthly trend and the breakdown bars (handled against succeeded)."""

    def series(figures) -> list[charts.Series]:
        return [
            charts.Series("受理", [f.handled for f in figures]),
            charts.Series("调解成功", [f.succeeded for f in figures]),
        ]

    months = list(report.stats.by_month.items())
    found = {
        "trend": charts.column_chart(
            "chart-trend",
            "各月受理与调解成功案件数",
            [_month_label(m, i == 0) for i, (m, _) in enumerate(months)],
            series([f for _, f in months]),
        )
    }
    for breakdown in report.breakdowns:
        if breakdown.key in CHARTED and len(breakdown.rows) > 1:
            found[breakdown.key] = charts.bar_chart(
                f"chart-{breakdown.key}",
                f"{breakdown.title}：受理与调解成功案件数",
                [row.label for row in breakdown.rows],
                series([row.figures for row in breakdown.rows]),
            )
    # The markup is built by mediation.statistics.charts, which escapes every label it writes.
    return {key: Markup(svg) for key, svg in found.items()}


def _render(template: str, links: bool):
    report = build_report()
    return render_template(
        template,
        links=links,
        report=report,
        form=report.form,
        t=report.stats.total,
        stats=report.stats,
        counts=COUNTS,
        charts=build_charts(report),
        definitions=DEFINITIONS,
        generated_at=now(),
        legal=legal_statistics(get_db(), report.period, report.narrowed.centre_ids),
        ratings=rating_figures(get_db(), report.period, report.narrowed.centre_ids),
    )


@bp.route("")
@require(Permission.STATS_VIEW)
def index():
    return _render("stats/index.html", links=True)


@bp.route("/report")
@require(Permission.STATS_VIEW)
def report():
    return _render("stats/report.html", links=False)


@bp.route("/export.xlsx")
@require(Permission.STATS_VIEW)
def export():
    report = build_report()
    out = BytesIO()
    header = Header(report.period_label, report.scope_label, now())
    write_workbook(out, header, report.stats, report.breakdowns, report.employers)
    out.seek(0)
    scope = report.narrowed.centre or report.narrowed.district
    name = f"调解统计_{report.period.start}_{report.period.end}_{scope.code if scope else '全市'}"
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx")


# --- The combined union report (工会劳动争议调处工作报告): mediation and legal services ---


def _union_subject(narrowed: Narrowed) -> str:
    """Who the summary sentence speaks of: 全市各级工会, 南海区各级工会, or the centre."""
    if narrowed.centre:
        return narrowed.centre.name
    if narrowed.district:
        return f"{narrowed.district.name}各级工会"
    if narrowed.centre_ids is None:
        return "全市各级工会"
    return _scope_label(narrowed)


def _union():
    report = build_report()
    union = union_report(get_db(), report.stats)
    summary = summary_sentence(union, report.period_label, _union_subject(report.narrowed))
    return report, union, summary


@bp.route("/union")
@require(Permission.STATS_VIEW)
def union():
    report, union, summary = _union()
    return render_template(
        "stats/union.html",
        report=report,
        form=report.form,
        union=union,
        summary=summary,
        definitions=UNION_DEFINITIONS,
        generated_at=now(),
    )


@bp.route("/union.xlsx")
@require(Permission.STATS_VIEW)
def union_export():
    report, union, summary = _union()
    out = BytesIO()
    header = Header(report.period_label, report.scope_label, now())
    write_union_workbook(out, header, union, summary)
    out.seek(0)
    scope = report.narrowed.centre or report.narrowed.district
    code = scope.code if scope else "全市"
    name = f"工会调处工作_{report.period.start}_{report.period.end}_{code}"
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx")
