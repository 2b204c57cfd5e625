"""One-time codes from the public pages: sent within the limits per phone and per IP."""

from flask import current_app, request
from limits import parse
from werkzeug.exceptions import TooManyRequests

from mediation.notices import outbox
from mediation.online import codes
from models import CodePurpose
from views.db import get_db
from views.extensions import limiter

TOO_MANY_CODES = "获取验证码过于频繁，请一小时后再试"
CODE_TEXT = "【劳动争议调解】您的验证码为{code}，{minutes}分钟内有效，请勿告诉他人。"


def send_code(
    subject: str, phone: str, purpose: str = CodePurpose.APPLY, case_id: int | None = None
) -> None:
    """Issue and send a code, within the per-phone and per-IP limits (429 beyond them)."""
    if not may_request_code(phone):
        raise TooManyRequests(TOO_MANY_CODES)
    db = get_db()
    code = codes.issue_code(db, purpose, subject, phone, current_app.config["SECRET_KEY"])
    text = CODE_TEXT.format(code=code, minutes=codes.CODE_MINUTES)
    params = {"code": code, "minutes": codes.CODE_MINUTES}
    outbox.send(db, phone, text, kind="code", case_id=case_id, params=params, urgent=True)


def may_request_code(phone: str | None) -> bool:
    """Count one code request against the limits, unless one is already used up. Without a
    phone (nobody matched) only the address counts, so that both answers look alike."""
    config = current_app.config
    checks = [(parse(config["CODE_REQUESTS_PER_IP"]), "ip", request.remote_addr or "")]
    if phone:
        checks.append((parse(config["CODE_REQUESTS_PER_PHONE"]), "phone", phone))
    scope = config.get("RATELIMIT_KEY_PREFIX", "") + "code-request"
    strategy = limiter.limiter
    if not all(strategy.test(limit, scope, kind, key) for limit, kind, key in checks):
        return False
    for limit, kind, key in checks:
        strategy.hit(limit, scope, kind, key)
    return True
