"""The employer's answer to an application, and the worker's rating after closure."""

from datetime import datetime

from flask import abort, current_app, render_template, request

from forms.online import RateForm, ReplyForm
from mediation.dates import TZ
from mediation.errors import check_version
from mediation.logs import access
from mediation.online import employers, ratings
from models import AccessKind, Case, Centre
from views.db import get_db
from views.helpers import form_status, log_access, submit
from views.online import bp, limit_posts


@bp.route("/respond/<token>", methods=["GET", "POST"])
@limit_posts
def respond(token: str):
    """The employer answers whether it agrees to mediate, by the link sent to its mobile."""
    db = get_db()
    opened = employers.open_reply(db, token)
    if opened is None:
        abort(404)
    reply, case = opened
    form = ReplyForm(data=_reply_data(reply) if request.method == "GET" else None)

    def operation():
        check_version(reply, form.version.data)
        agrees = {"yes": True, "no": False}.get(form.agrees.data)
        # the employer types local times
        proposed = [field.data.replace(tzinfo=TZ) for field in form.proposed_fields() if field.data]
        employers.answer(
            db, reply, case, agrees, form.reason.data or "", proposed, form.contact_name.data or ""
        )

    saved = submit(form, operation)
    if saved:
        form.version.data = reply.version  # the page goes on showing the answer, editable again
    page = render_template(
        "online/respond.html",
        form=form,
        case=case,
        centre=db.get(Centre, case.centre_id),
        claimants=employers.claimants(db, case),
        reply=reply,
        saved=bool(saved),
    )
    response = current_app.make_response((page, form_status() if not saved else 200))
    response.headers["Cache-Control"] = "no-store"
    log_access(access.party_read(db, "被申请单位", AccessKind.EMPLOYER_PAGE, case))
    return response


@bp.route("/rate/<token>", methods=["GET", "POST"])
@limit_posts
def rate(token: str):
    """A worker rates the service after closure, once, by the link in the closing notice."""
    db = get_db()
    rating = ratings.open_rating(db, token)
    if rating is None:
        abort(404)
    form = RateForm()

    def operation():
        score = int(form.score.data) if (form.score.data or "").isdigit() else None
        ratings.rate(db, rating, score, form.comment.data or "")

    saved = rating.answered_at is None and submit(form, operation)
    case = db.get(Case, rating.case_id)
    page = render_template(
        "online/rate.html", form=form, rating=rating, case=case, saved=bool(saved)
    )
    return page, form_status() if not saved and rating.answered_at is None else 200


def _reply_data(reply) -> dict:
    data = {"version": reply.version, "contact_name": reply.contact_name, "reason": reply.reason}
    if reply.agrees is not None:
        data["agrees"] = "yes" if reply.agrees else "no"
    for number, moment in enumerate(reply.proposed[:3], start=1):
        data[f"proposed_{number}"] = datetime.fromisoformat(moment).astimezone(TZ)
    return data
