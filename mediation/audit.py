"""Audit events: every state change and every edit of a case leaves one."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from models import AuditEvent, Case, User


def actor_label(user: User | None, fallback: str = "系统") -> str:
    return user.name if user is not None else fallback


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for the fields whose value changed, JSON-ready."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def snapshot(record, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in fields}


def record_event(
    session: Session,
    case: Case | None,
    actor: User | None,
    action: str,
    summary: str,
    changes: dict[str, list] | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        case_id=case.id if case is not None else None,
        user_id=actor.id if actor is not None else None,
        actor=actor_name or actor_label(actor),
        action=action,
        summary=summary,
        changes=changes or {},
    )
    session.add(event)
    return event
