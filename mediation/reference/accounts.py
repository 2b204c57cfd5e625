"""Users: password hashing, login with a database-held lockout, and account administration."""

import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, or_, update
from sqlmodel import Session, func, select

from mediation import audit
from mediation.errors import RuleViolation
from mediation.logs.security import record_security
from models import Centre, District, Role, SecurityKind, User, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
# Shipped with the app: refused whatever their length (compared case-insensitively).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common_passwords.txt"


LOGIN_FAILED = "用户名或密码错误，或账户已被暂时锁定"
# What the security log shows of an account's creation and changes.
_ACCOUNT_FIELDS = ["role", "centre_id", "district_id", "display_name", "email", "active"]
# An address a relay accepts: local part, @, a domain with a dot; no spaces, no display name.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
BAD_EMAIL = "电子邮箱格式不正确，应如 zhangsan@example.com"


class LoginRefused(Exception):
    """Login failed; the message is safe to show (it never says whether the username exists)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is refused (a Chinese message), or None: at least MIN_PASSWORD_LENGTH
    characters, letters and digits, not a common password, not the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少{MIN_PASSWORD_LENGTH}位"
    if password.isdigit() or password.isalpha():
        return "密码须同时包含字母和数字"
    if password.strip().lower() in common_passwords():
        return "该密码过于常见，请换一个"
    if username and password.strip().lower() == username.strip().lower():
        return "密码不能与用户名相同"
    return None


def check_password_rules(password: str, field: str = "password", username: str = "") -> None:
    if problem := password_problem(password, username):
        raise RuleViolation([(field, problem)])


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(session: Session, username: str) -> User | None:
    return session.exec(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()


def authenticate(
    session: Session,
    username: str,
    password: str,
    max_failures: int = 5,
    lock_minutes: int = 15,
    now: datetime | None = None,
) -> User:
    """Return the user, or record the failure and raise LoginRefused.

    `max_failures` failed attempts within `lock_minutes` lock the account for `lock_minutes`.
    An unknown name, a wrong password and a locked account get the same message after one
    password hash each, so that neither the answer nor its time tells whether the name exists;
    the tries left are never counted out loud (issue 15)."""
    now = now or utcnow()
    user = find_user(session, username)
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check
        _refuse(session, username, None, "未知用户名")
    correct = verify_password(user, password)
    if user.locked_until and user.locked_until > now:
        _refuse(session, username, user, "账户锁定中")
    if not correct:
        if _count_failure(session, user, max_failures, timedelta(minutes=lock_minutes), now):
            record_security(
                session, SecurityKind.LOCKOUT, None, username=username, target_user=user
            )
        _refuse(session, username, user, "密码错误")
    if not user.active:
        _refuse(session, username, user, "账户已停用", "该账户已停用，请联系管理员")
    user.failed_logins = 0
    user.first_failed_at = None
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    session.flush()
    record_security(session, SecurityKind.LOGIN, user)
    return user


def _refuse(
    session: Session, typed: str, user: User | None, why: str, message: str = LOGIN_FAILED
) -> NoReturn:
    """Record a failed login (the username as typed and why it failed; never the password)
    and refuse it. The reason is for admins reading the security log, not for the page."""
    record_security(
        session,
        SecurityKind.LOGIN_FAILED,
        None,
        username=typed,
        target_user=user,
        changes={"reason": why},
    )
    raise LoginRefused(message)


def _count_failure(
    session: Session, user: User, max_failures: int, window: timedelta, now: datetime
) -> bool:
    """Count a failed login in one UPDATE (parallel guesses on PostgreSQL each add theirs; a
    read and write-back would lose some) and lock the account at the `max_failures`th failure
    within `window`: whether this failure locked it."""
    fresh = or_(User.first_failed_at.is_(None), User.first_failed_at < now - window)
    failures = session.exec(
        update(User)
        .where(User.id == user.id)
        .values(
            failed_logins=case((fresh, 1), else_=User.failed_logins + 1),
            first_failed_at=case((fresh, now), else_=User.first_failed_at),
        )
        .returning(User.failed_logins)
    ).scalar_one()
    if failures >= max_failures:
        session.exec(
            update(User)
            .where(User.id == user.id)
            .values(locked_until=now + window, failed_logins=0, first_failed_at=None)
        )
    session.expire(user)
    return failures >= max_failures


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every login cookie of this user (logout, password change, deactivation)."""
    user.session_version += 1
    session.add(user)
    session.flush()


def log_out(session: Session, user: User) -> None:
    """End every login of this user (the logout button) and record it."""
    end_sessions(session, user)
    record_security(session, SecurityKind.LOGOUT, user)


def unlock(session: Session, user: User, actor: User | None = None) -> None:
    """Lift a lockout; recorded when an admin (`actor`) does it by hand."""
    was_locked = user.locked_until is not None
    user.failed_logins = 0
    user.first_failed_at = None
    user.locked_until = None
    session.add(user)
    session.flush()
    if actor is not None and was_locked:
        record_security(session, SecurityKind.UNLOCK, actor, target_user=user)


def set_password(session: Session, user: User, password: str, field: str = "password") -> None:
    """Set a new password (a user's own change or an admin's reset): never the current one."""
    check_password_rules(password, field, user.username)
    if verify_password(user, password):
        raise RuleViolation([(field, "新密码不能与当前密码相同")])
    user.password_hash = hash_password(password)
    end_sessions(session, user)


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    if not verify_password(user, current):
        raise RuleViolation([("current_password", "当前密码不正确")])
    set_password(session, user, new, field="new_password")
    record_security(session, SecurityKind.PASSWORD_CHANGE, user, target_user=user)


def reset_password(session: Session, user: User, password: str, actor: User | None) -> None:
    """An admin sets a user's password (and lifts any lockout); the user logs in again."""
    set_password(session, user, password)
    unlock(session, user)
    record_security(session, SecurityKind.PASSWORD_RESET, actor, target_user=user)


def resolve_scope(
    session: Session, role: str, centre_code: str | None, district_code: str | None
) -> tuple[int | None, int | None]:
    """Check a role and its scope codes; return (centre_id, district_id) for the user row."""
    try:
        role_enum = Role(role)
    except ValueError:
        choices = "、".join(r.value for r in Role)
        raise RuleViolation([("role", f"未知角色「{role}」，可选：{choices}")]) from None
    centre_id = district_id = None
    if role_enum.needs_centre:
        if not centre_code:
            raise RuleViolation([("centre", f"{role_enum.label}必须指定所属调解中心")])
        centre = session.exec(select(Centre).where(Centre.code == centre_code)).first()
        if centre is None:
            raise RuleViolation([("centre", f"未知调解中心代码「{centre_code}」")])
        centre_id = centre.id
    elif centre_code:
        raise RuleViolation([("centre", f"{role_enum.label}不属于某一调解中心，请勿指定中心")])
    if role_enum.needs_district:
        if not district_code:
            raise RuleViolation([("district", f"{role_enum.label}必须指定所属区")])
        district = session.exec(select(District).where(District.code == district_code)).first()
        if district is None:
            raise RuleViolation([("district", f"未知区代码「{district_code}」")])
        district_id = district.id
    elif district_code:
        raise RuleViolation([("district", f"{role_enum.label}不属于某一区，请勿指定区")])
    return centre_id, district_id


def normalize_email(value: str | None) -> str | None:
    """The address as stored (trimmed, the domain in lower case), None when empty; a malformed
    one is refused at the field."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise RuleViolation([("email", BAD_EMAIL)])
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    centre_code: str | None = None,
    district_code: str | None = None,
    display_name: str = "",
    actor: User | None = None,
    active: bool = True,
    email: str | None = None,
) -> User:
    """A new account; recorded as created by `actor` (None: the command line)."""
    username = username.strip()
    if not username:
        raise RuleViolation([("username", "请填写用户名")])
    if find_user(session, username) is not None:
        raise RuleViolation([("username", f"用户名「{username}」已存在")])
    centre_id, district_id = resolve_scope(session, role, centre_code, district_code)
    check_password_rules(password, username=username)
    address = normalize_email(email)
    user = User(
        username=username,
        display_name=display_name.strip(),
        email=address,
        password_hash=hash_password(password),
        role=role,
        centre_id=centre_id,
        district_id=district_id,
        active=active,
    )
    session.add(user)
    session.flush()
    record_security(
        session,
        SecurityKind.USER_CREATED,
        actor,
        target_user=user,
        changes=audit.changes_between({}, audit.snapshot(user, _ACCOUNT_FIELDS)),
    )
    return user


def update_user(
    session: Session,
    user: User,
    role: str,
    centre_code: str | None,
    district_code: str | None,
    display_name: str,
    active: bool,
    actor: User | None = None,
    *,
    email: str | None,
) -> None:
    """Change role, scope, name, e-mail address or active flag; a changed role, scope or
    deactivation logs the user out everywhere. An admin (`actor`) can neither deactivate nor
    demote themselves."""
    if actor is not None and actor.id == user.id and (not active or role != user.role):
        raise RuleViolation([("role", "不能停用自己或修改自己的角色")])
    centre_id, district_id = resolve_scope(session, role, centre_code, district_code)
    address = normalize_email(email)
    scope_changed = (user.role, user.centre_id, user.district_id) != (role, centre_id, district_id)
    deactivated = user.active and not active
    before = audit.snapshot(user, _ACCOUNT_FIELDS)
    user.role, user.centre_id, user.district_id = role, centre_id, district_id
    user.display_name = display_name.strip()
    user.email = address
    user.active = active
    session.add(user)
    if scope_changed or deactivated:
        end_sessions(session, user)
    session.flush()
    changes = audit.changes_between(before, audit.snapshot(user, _ACCOUNT_FIELDS))
    if changes:
        kind = SecurityKind.ROLE_CHANGE if scope_changed else SecurityKind.USER_EDITED
        if deactivated:
            kind = SecurityKind.USER_DEACTIVATED
        record_security(session, kind, actor, target_user=user, changes=changes)
