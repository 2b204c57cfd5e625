"""Configuration read from the environment.

`create_app(config)` starts from `Config`, then applies the mapping it is given (tests pass one).
"""

import os


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    # None means "derive": DATABASE_URL defaults to an SQLite file under instance/, SECRET_KEY to
    # instance/secret_key (written once by `make run`); without either outside debug/testing
    # the app refuses to start.
    DATABASE_URL = os.environ.get("DATABASE_URL")
    SECRET_KEY = os.environ.get("SECRET_KEY")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE")
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # one working day
    # A login unused for this long ends (the next request leads to the login page).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES") or 30)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    # Five failures within the window lock the account for the same period.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15

    PAGE_SIZE = 50

    # Early warnings for supervisors (mediation/reports/warnings.py): days, workers, fen.
    WARN_STALE_DAYS = int(os.environ.get("WARN_STALE_DAYS", 10))
    WARN_NO_SESSION_DAYS = int(os.environ.get("WARN_NO_SESSION_DAYS", 7))
    WARN_RECENT_DAYS = int(os.environ.get("WARN_RECENT_DAYS", 30))
    WARN_MANY_WORKERS = int(os.environ.get("WARN_MANY_WORKERS", 5))
    WARN_LARGE_ARREARS_FEN = int(os.environ.get("WARN_LARGE_ARREARS_FEN", 20_000_000))
    WARN_REPEAT_DAYS = int(os.environ.get("WARN_REPEAT_DAYS", 365))
    WARN_REPEAT_CLAIMS = int(os.environ.get("WARN_REPEAT_CLAIMS", 3))
    SQL_ECHO = _flag("SQL_ECHO")

    # Retention (mediation/retention.py, docs/retention.md): a closed case is archived (read-only)
    # this many days after closure and anonymised this many years after; a centre may override
    # either.
    ARCHIVE_AFTER_DAYS = int(os.environ.get("ARCHIVE_AFTER_DAYS", 365))
    RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", 10))
    # A form posted after the login expired is kept this long for its author (views/auth.py).
    SAVED_FORM_HOURS = int(os.environ.get("SAVED_FORM_HOURS", 24))

    # Scans attached to cases (signed agreements, returned 送达回证, evidence) are stored outside
    # the database, under random names. None means instance/uploads.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # per file; MAX_CONTENT_LENGTH bounds the whole request
