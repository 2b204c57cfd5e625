"""The public pages (no login), for workers and employers: apply online and confirm with a code
sent to the phone (apply), follow one's own case and open documents served on one (track), the
employer's answer and the worker's rating (parties). Hostile territory: every form has CSRF,
every code request is rate-limited per phone and per IP (codes), codes are six digits valid ten
minutes with five tries, and pages answer alike whether or not a person or case is known."""

from flask import Blueprint, current_app

bp = Blueprint("online", __name__)


def page_limit() -> str:
    return current_app.config["PUBLIC_POSTS_PER_IP"]


from views.online import apply, parties, track  # noqa: E402, F401
