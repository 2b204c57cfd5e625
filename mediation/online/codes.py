"""One-time codes: six digits sent to a phone, valid CODE_MINUTES, at most MAX_TRIES wrong
answers, spent on first use. Only a keyed hash of the code is stored.

A wrong code, an expired one and one that never existed all get the same answer, so that a code
form says nothing about which phones or cases exist.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlmodel import Session, select

from mediation.dates import as_utc
from mediation.identifiers import lookup_key
from models import OneTimeCode, utcnow

CODE_MINUTES = 10
MAX_TRIES = 5
DIGITS = 6


def _hash(secret: str, purpose: str, subject: str, code: str) -> str:
    message = f"{purpose}:{subject}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def issue_code(session: Session, purpose: str, subject: str, phone: str, secret: str) -> str:
    """A new code for (purpose, subject), sent to `phone` by the caller. Earlier unspent codes
    for the same subject stop working: only the newest message is right."""
    now = utcnow()
    for earlier in _unspent(session, purpose, subject):
        earlier.used_at = now
        session.add(earlier)
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    session.add(
        OneTimeCode(
            purpose=purpose,
            subject=subject,
            phone_key=lookup_key("phone", phone) or "",
            code_hash=_hash(secret, purpose, subject, code),
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    )
    session.flush()
    return code


def check_code(session: Session, purpose: str, subject: str, code: str, secret: str) -> bool:
    """True once for the right code within its time and tries; every wrong answer uses a try."""
    now = utcnow()
    current = next(iter(_unspent(session, purpose, subject)), None)
    if current is None or as_utc(current.expires_at) <= now or current.tries >= MAX_TRIES:
        return False
    expected = _hash(secret, purpose, subject, (code or "").strip())
    if hmac.compare_digest(current.code_hash, expected):
        current.used_at = now
        session.add(current)
        session.flush()
        return True
    current.tries += 1
    if current.tries >= MAX_TRIES:
        current.used_at = now
    session.add(current)
    session.flush()
    return False


def _unspent(session: Session, purpose: str, subject: str) -> list[OneTimeCode]:
    return list(
        session.exec(
            select(OneTimeCode)
            .where(
                OneTimeCode.purpose == purpose,
                OneTimeCode.subject == subject,
                OneTimeCode.used_at.is_(None),
            )
            .order_by(OneTimeCode.id.desc())
        )
    )
