"""Security events: logins and their failures, lockouts, logouts, password changes and resets,
and every change to who may read what (accounts, roles and scopes, the lawyer roster, the
employers whose counsel drives conflict checks). Recorded by the domain operation that makes
the change, in its transaction; a failed login is recorded with the username typed, never the
password."""

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from mediation.logs import origin_of
from models import SecurityEvent, SecurityKind, User, utcnow

MAX_TARGET = 200


def record_security(
    session: Session,
    kind: SecurityKind,
    actor: User | None,
    *,
    username: str | None = None,
    target_user: User | None = None,
    target: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    """Append one event. `actor` is who acted (None: the command line, or nobody for a failed
    login); `username` defaults to the actor's and, for a failed login, is the name typed."""
    origin = origin_of(session)
    if username is None:
        username = actor.username if actor is not None else ""
    if not target and target_user is not None:
        target = f"用户「{target_user.username}」"
    session.execute(
        insert(SecurityEvent),
        [
            {
                "at": utcnow(),
                "kind": kind.value,
                "user_id": actor.id if actor is not None else None,
                "username": username[:64],
                "target_user_id": target_user.id if target_user is not None else None,
                "target": target[:MAX_TARGET],
                "changes": changes or {},
                "ip": origin.ip,
                "user_agent": origin.user_agent,
            }
        ],
    )
