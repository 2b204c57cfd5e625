"""The access log and the security events (models/access.py): what the application records of
who read whose personal data (PIPL art.51, 等保2.0 安全审计) and of logins and changes to who
may read what; admins read both (views/logs.py). Append-only: nothing here or anywhere in the
application updates or deletes a record, and the database refuses it (migration 0014).

Where a request came from travels with the database session (`set_origin`), set once by the
web layer when it opens the session, so that the domain records it without ever touching
`flask.request`; the command line leaves it unset and is recorded as such."""

from dataclasses import dataclass

from sqlmodel import Session

from models.access import MAX_IP, MAX_USER_AGENT

_ORIGIN = "log_origin"


@dataclass(frozen=True)
class Origin:
    """The address a request came from (behind a trusted proxy: the client's, as the proxy
    reports it) and its browser's user agent, cut to the columns' widths."""

    ip: str
    user_agent: str

    @classmethod
    def of(cls, ip: str | None, user_agent: str | None) -> "Origin":
        return cls((ip or "")[:MAX_IP], (user_agent or "")[:MAX_USER_AGENT])


COMMAND_LINE = Origin(ip="", user_agent="命令行")


def set_origin(session: Session, origin: Origin) -> None:
    session.info[_ORIGIN] = origin


def origin_of(session: Session) -> Origin:
    return session.info.get(_ORIGIN, COMMAND_LINE)
