"""Administration: users and centres (admins only)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from forms import select_choices
from forms.admin import CentreForm, EmptyForm, ResetPasswordForm, UserForm
from mediation import retention
from mediation.permissions import Permission
from mediation.reference import accounts
from mediation.reference.centres import save_centre
from models import Centre, District, User, utcnow
from views.db import get_db
from views.helpers import form_status, require, submit

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _district_choices():
    districts = get_db().exec(select(District).order_by(District.id))
    return select_choices(((d.code, d.name) for d in districts), blank="—（市级）")


def _centre_choices():
    centres = get_db().exec(select(Centre).order_by(Centre.id))
    return select_choices(
        ((c.code, c.name + ("" if c.active else "（已停用）")) for c in centres), blank="—"
    )


def _get_or_404(model, id_):
    record = get_db().get(model, id_)
    if record is None:
        abort(404)
    return record


@bp.route("/users")
@require(Permission.USERS_MANAGE)
def users():
    db = get_db()
    rows = db.exec(
        select(User, Centre, District)
        .join(Centre, User.centre_id == Centre.id, isouter=True)
        .join(District, User.district_id == District.id, isouter=True)
        .order_by(User.username)
    ).all()
    return render_template("admin/users.html", rows=rows, action_form=EmptyForm(), now_utc=utcnow())


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(Permission.USERS_MANAGE)
def edit_user(user_id: int | None = None):
    db = get_db()
    user = _get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=None)
    form.centre.choices = _centre_choices()
    form.district.choices = _district_choices()
    if user and request.method == "GET":
        form.username.data = user.username
        form.display_name.data = user.display_name
        form.email.data = user.email or ""
        form.role.data = user.role
        form.active.data = user.active
        form.centre.data = db.get(Centre, user.centre_id).code if user.centre_id else ""
        form.district.data = db.get(District, user.district_id).code if user.district_id else ""

    def save() -> User:
        if user is not None:
            accounts.update_user(
                db,
                user,
                form.role.data,
                form.centre.data or None,
                form.district.data or None,
                form.display_name.data or "",
                form.active.data,
                actor=current_user,
                email=form.email.data,
            )
            return user
        return accounts.create_user(
            db,
            form.username.data,
            form.password.data or "",
            form.role.data,
            centre_code=form.centre.data or None,
            district_code=form.district.data or None,
            display_name=form.display_name.data or "",
            actor=current_user,
            active=form.active.data,
            email=form.email.data,
        )

    if saved := submit(form, save):
        verb = "保存" if user is not None else "创建"
        flash(f"已{verb}用户「{saved.value.username}」", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), form_status()


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@require(Permission.USERS_MANAGE)
def reset_password(user_id: int):
    db = get_db()
    user = _get_or_404(User, user_id)
    form = ResetPasswordForm()

    def reset():
        accounts.reset_password(db, user, form.password.data, actor=current_user)

    if submit(form, reset):
        flash(f"已重置「{user.username}」的密码，该用户需用新密码重新登录", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/reset_password.html", form=form, user=user), form_status()


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@require(Permission.USERS_MANAGE)
def unlock_user(user_id: int):
    db = get_db()
    user = _get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        accounts.unlock(db, user, actor=current_user)
        db.commit()
        flash(f"已解锁「{user.username}」", "success")
    return redirect(url_for("admin.users"))


@bp.route("/centres")
@require(Permission.CENTRES_MANAGE)
def centres():
    db = get_db()
    rows = db.exec(
        select(Centre, District)
        .join(District, Centre.district_id == District.id, isouter=True)
        .order_by(Centre.id)
    ).all()
    return render_template("admin/centres.html", rows=rows)


@bp.route("/centres/new", methods=["GET", "POST"])
@bp.route("/centres/<int:centre_id>", methods=["GET", "POST"])
@require(Permission.CENTRES_MANAGE)
def edit_centre(centre_id: int | None = None):
    db = get_db()
    centre = _get_or_404(Centre, centre_id) if centre_id else None
    form = CentreForm(obj=centre)
    form.district.choices = _district_choices()
    if centre and request.method == "GET":
        form.district.data = db.get(District, centre.district_id).code if centre.district_id else ""
    defaults = retention.Policy.from_config(current_app.config)
    form.archive_after_days.description += f"（{defaults.archive_after_days}天）"
    form.retention_years.description += f"（{defaults.retention_years}年）"

    def save():
        saved = save_centre(
            db,
            centre,
            code=form.code.data,
            name=form.name.data,
            short_name=form.short_name.data,
            district_code=form.district.data or None,
            address=form.address.data or "",
            phone=form.phone.data or "",
            active=form.active.data,
        )
        retention.set_periods(db, saved, form.archive_after_days.data, form.retention_years.data)
        return saved

    saved = submit(form, save)
    if saved:
        flash(f"已保存「{saved.value.name}」", "success")
        return redirect(url_for("admin.centres"))
    return render_template("admin/centre_form.html", form=form, centre=centre), form_status()
