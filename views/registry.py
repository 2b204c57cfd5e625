"""The mediator registry: a centre's list (with the year's results), one mediator's page where
the centre's supervisors record certificates, training hours and specialties, and the printable
list a centre publishes (HTML and PDF). Centres outside the user's scope answer 404."""

from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from forms.registry import (
    QualificationForm,
    RegistryFilterForm,
    RemoveQualificationForm,
    SpecialtiesForm,
    TrainingForm,
)
from mediation.bounds import parse_id
from mediation.dates import today
from mediation.permissions import Permission
from mediation.reference import mediators
from mediation.scope import visible_centres
from models import Centre
from views.db import get_db
from views.helpers import current_scope, require, submit
from views.sheets import render_pdf

bp = Blueprint("registry", __name__, url_prefix="/registry")


def _chosen() -> tuple[RegistryFilterForm, Centre, int]:
    """The centre (in scope) and year asked for; the user's own centre by default."""
    form = RegistryFilterForm(request.args)
    centres = visible_centres(get_db(), current_scope())
    form.centre.choices = [(c.code, c.name) for c in centres]
    if form.centre.data:
        centre = next((c for c in centres if c.code == form.centre.data), None)
    else:  # one's own centre, else the first in scope
        own = [c for c in centres if c.id == current_user.centre_id]
        centre = (own or centres or [None])[0]
    if centre is None:
        abort(404)
    form.centre.data = centre.code
    year = form.year.data or today().year
    if not mediators.FIRST_YEAR <= year <= today().year:
        abort(404)
    form.year.data = year
    return form, centre, year


@bp.route("/")
@require(Permission.REGISTRY_VIEW)
def index():
    form, centre, year = _chosen()
    return render_template(
        "registry/index.html",
        form=form,
        centre=centre,
        year=year,
        entries=mediators.registry(get_db(), centre, year),
        may_edit=mediators.may_edit(current_user, centre.id),
    )


def _sheet(pdf: bool) -> tuple[str, Centre, int]:
    form, centre, year = _chosen()
    html = render_template(
        "sheets/registry.html",
        centre=centre,
        year=year,
        entries=mediators.registry(get_db(), centre, year),
        pdf=pdf,
        query={"centre": centre.code, "year": year},
    )
    return html, centre, year


@bp.route("/print")
@require(Permission.REGISTRY_VIEW)
def print_page():
    return _sheet(pdf=False)[0]


@bp.route("/print.pdf")
@require(Permission.REGISTRY_VIEW)
def pdf():
    html, centre, year = _sheet(pdf=True)
    response = make_response(render_pdf(html))
    response.mimetype = "application/pdf"
    name = quote(f"{centre.name}调解员名册{year}.pdf")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _mediator(user_id: int):
    user = mediators.mediator_for_edit(get_db(), current_user, user_id)
    if user is None:
        abort(404)
    return user


def _edit_page(user, forms: dict | None = None, status: int = 200):
    db = get_db()
    profile = mediators.profile_of(db, user)
    shown = {
        "specialties": SpecialtiesForm(
            formdata=None,
            data={
                "version": profile.version if profile else 0,
                "specialties": profile.specialties if profile else "",
            },
        ),
        "qualification": QualificationForm(formdata=None),
        "training": TrainingForm(formdata=None, data={"year": today().year}),
    } | (forms or {})
    centre = db.get(Centre, user.centre_id)
    entry = next(e for e in mediators.registry(db, centre, today().year) if e.user.id == user.id)
    page = render_template(
        "registry/edit.html",
        user=user,
        centre=centre,
        entry=entry,
        forms=shown,
        remove_form=RemoveQualificationForm(formdata=None),
        trainings=mediators.training_years(db, user),
    )
    return page, status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@require(Permission.REGISTRY_MANAGE)
def edit(user_id: int):
    user = _mediator(user_id)
    if request.method == "GET":
        return _edit_page(user)
    form = SpecialtiesForm()
    done = submit(
        form,
        lambda: mediators.save_specialties(
            get_db(), current_user, user, form.specialties.data, parse_id(form.version.data) or 0
        ),
    )
    if done:
        flash("已保存擅长领域", "success")
        return redirect(url_for("registry.edit", user_id=user.id))
    return _edit_page(user, {"specialties": form}, 422)


@bp.route("/<int:user_id>/qualifications", methods=["POST"])
@require(Permission.REGISTRY_MANAGE)
def add_qualification(user_id: int):
    user = _mediator(user_id)
    form = QualificationForm()
    done = submit(
        form,
        lambda: mediators.add_qualification(
            get_db(),
            current_user,
            user,
            form.name.data,
            form.number.data,
            form.issuer.data,
            form.issued_on.data,
            today(),
        ),
    )
    if done:
        flash(f"已登记证书「{done.value.name}」", "success")
        return redirect(url_for("registry.edit", user_id=user.id) + "#qualifications")
    return _edit_page(user, {"qualification": form}, 422)


@bp.route("/<int:user_id>/qualifications/<int:qualification_id>/remove", methods=["POST"])
@require(Permission.REGISTRY_MANAGE)
def remove_qualification(user_id: int, qualification_id: int):
    user = _mediator(user_id)
    form = RemoveQualificationForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_db()
    if not mediators.remove_qualification(db, current_user, user, qualification_id):
        abort(404)
    db.commit()
    flash("已删除证书", "success")
    return redirect(url_for("registry.edit", user_id=user.id) + "#qualifications")


@bp.route("/<int:user_id>/training", methods=["POST"])
@require(Permission.REGISTRY_MANAGE)
def training(user_id: int):
    user = _mediator(user_id)
    form = TrainingForm()
    done = submit(
        form,
        lambda: mediators.set_training_hours(
            get_db(), current_user, user, form.year.data, form.hours.data, today()
        ),
    )
    if done:
        flash("已保存培训学时", "success")
        return redirect(url_for("registry.edit", user_id=user.id) + "#training")
    return _edit_page(user, {"training": form}, 422)
