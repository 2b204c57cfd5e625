"""The public pages (no login), for workers and employers: apply online and confirm with a code
sent to the phone (apply), follow one's own case and open documents served on one (track), the
employer's answer and the worker's rating (parties). Hostile territory: every form has CSRF,
every code request is rate-limited per phone and per IP (codes), codes are six digits valid ten
minutes with five tries, and pages answer alike whether or not a person or case is known."""

from flask import Blueprint, current_app

from views.extensions import limiter

bp = Blueprint("online", __name__)


def page_limit() -> str:
    return current_app.config["PUBLIC_POSTS_PER_IP"]


# Every public form's POSTs, per IP and per page (code requests have stricter limits of their own).
limit_posts = limiter.limit(page_limit, methods=["POST"], error_message="提交过于频繁，请稍后再试")


from views.online import apply, parties, track  # noqa: E402, F401
