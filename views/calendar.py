"""The holiday calendar (admins): public holidays and make-up working days (调休上班), which every
deadline counts with (mediation/periods.py)."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms.admin import EmptyForm
from forms.roster import CalendarDayForm, CalendarYearForm, DeleteDayForm
from mediation.cases.deadlines import ACCEPTANCE_WORKING_DAYS, calendar_from
from mediation.dates import today
from mediation.permissions import Permission
from mediation.reference.calendar import (
    FIRST_YEAR,
    calendar_years,
    days_of_year,
    delete_day,
    load_official_days,
    official_years,
    save_day,
)
from models import DayKind
from views.db import get_db
from views.helpers import form_status, require, submit

bp = Blueprint("calendar", __name__)

WEEKDAYS = "一二三四五六日"
MIN_YEAR, MAX_YEAR = FIRST_YEAR, 2100
OFFICIAL_YEARS = official_years()
OFFICIAL_BUTTON = "load_official"  # the import button's name on the calendar page
KIND_BADGES = {DayKind.HOLIDAY.value: "ok", DayKind.WORKDAY.value: "warn"}


def _year() -> int:
    form = CalendarYearForm(request.args)
    year = form.year.data if form.validate() and form.year.data else None
    return year if year and MIN_YEAR <= year <= MAX_YEAR else today().year


@bp.route("/admin/calendar", methods=["GET", "POST"])
@require(Permission.CENTRES_MANAGE)
def index():
    db = get_db()
    if request.method == "POST" and OFFICIAL_BUTTON in request.form:
        return _load_official()
    form = CalendarDayForm()
    saved = submit(
        form, lambda: save_day(db, form.day.data, form.kind.data, form.name.data or "", today())
    )
    if saved:
        record = saved.value
        what = " ".join(filter(None, [DayKind(record.kind).label, record.name]))
        flash(f"已保存 {record.day:%Y-%m-%d}：{what}", "success")
        return redirect(url_for("calendar.index", year=record.day.year))
    year = form.day.data.year if form.day.data and request.method == "POST" else _year()
    day = today()
    return render_template(
        "calendar/index.html",
        form=form,
        delete_form=DeleteDayForm(formdata=None),
        year=year,
        years=sorted(set(calendar_years(db)) | {day.year, year}, reverse=True),
        days=days_of_year(db, year),
        weekdays=WEEKDAYS,
        kinds={k.value: (k.label, KIND_BADGES[k.value]) for k in DayKind},
        working_days=ACCEPTANCE_WORKING_DAYS,
        official_years=OFFICIAL_YEARS,
        official_button=OFFICIAL_BUTTON,
        example=(day, calendar_from(db, day).add_working_days(day, ACCEPTANCE_WORKING_DAYS)),
    ), form_status()


def _load_official():
    """The second form of the page: load the official arrangements (missing days only)."""
    db = get_db()
    if EmptyForm().validate_on_submit():
        loaded = load_official_days(db)
        db.commit()
        message = f"已导入国务院公布的{OFFICIAL_YEARS}年节假日安排：{loaded.text}"
        flash(message + "；已有日期未改动", "success")
    return redirect(url_for("calendar.index"))


def _day_or_none(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


@bp.route("/admin/calendar/delete", methods=["POST"])
@require(Permission.CENTRES_MANAGE)
def delete():
    db = get_db()
    form = DeleteDayForm()
    day = _day_or_none(form.day.data) if form.validate_on_submit() else None
    if day is not None and delete_day(db, day):
        db.commit()
        flash(f"已删除 {day:%Y-%m-%d}", "success")
    else:
        flash("该日期不在日历中，未删除任何记录", "warning")
    return redirect(url_for("calendar.index", year=(day or today()).year))
