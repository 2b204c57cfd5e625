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
    # The key that encrypts ID numbers and phones (64 hex digits; models/crypto.py). None means
    # DATA_KEY_FILE, default instance/data_key (written once by `init-db`). Every node shares it;
    # it is never stored in the database nor in its backups.
    DATA_KEY = os.environ.get("DATA_KEY")
    DATA_KEY_FILE = os.environ.get("DATA_KEY_FILE")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE")
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # one working day
    # A login unused for this long ends (the next request leads to the login page).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES") or 30)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # The ledger upload alone may be larger (views.ledger.LedgerRequest); a preview that takes
    # longer than this is stopped (mediation.ledger.guard).
    LEDGER_MAX_BYTES = int(os.environ.get("LEDGER_MAX_BYTES") or 100 * 1024 * 1024)
    LEDGER_PREVIEW_SECONDS = float(os.environ.get("LEDGER_PREVIEW_SECONDS") or 60)

    # Five failures within the window lock the account for the same period.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15

    PAGE_SIZE = 50

    # The public pages (apply online, track a case): limits per IP and per phone. The counts live
    # in RATELIMIT_STORAGE_URI: memory for one process (`make run`), Redis shared by every node.
    RATELIMIT_STORAGE_URI = (
        os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    )
    # Deployments sharing one Redis keep their counts apart by a prefix (Flask-Limiter's setting).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    PUBLIC_POSTS_PER_IP = os.environ.get("PUBLIC_POSTS_PER_IP", "60 per hour")
    CODE_REQUESTS_PER_PHONE = "5 per hour"
    CODE_REQUESTS_PER_IP = "30 per hour"
    # Where messages go: "outbox" keeps them in the database only (`flask --app app outbox`).
    MESSAGE_CHANNEL = os.environ.get("MESSAGE_CHANNEL", "outbox")
    # MESSAGE_CHANNEL=tencent_sms: the account, the approved signature, and a template per message
    # kind as JSON: {"code": {"id": "1234567", "params": ["code", "minutes"]}, ...}.
    SMS_SECRET_ID = os.environ.get("SMS_SECRET_ID", "")
    SMS_SECRET_KEY = os.environ.get("SMS_SECRET_KEY", "")
    SMS_APP_ID = os.environ.get("SMS_APP_ID", "")
    SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
    SMS_TEMPLATES = os.environ.get("SMS_TEMPLATES", "")
    SMS_REGION = os.environ.get("SMS_REGION", "ap-guangzhou")
    SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "")
    SMS_PROTOCOL = os.environ.get("SMS_PROTOCOL", "https")
    # E-mail over SMTP (notices to staff with an address on their account, e.g. a deadline
    # approaching): on when SMTP_HOST is set, else such messages stay in the outbox. Port 465
    # is TLS from the start; otherwise SMTP_STARTTLS upgrades the connection (on by default).
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT") or 587)
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _flag("SMTP_STARTTLS", default=True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    # Where the public pages are reached from a phone: links in messages and the centres' QR
    # posters start with it.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # Early warnings for supervisors (mediation/reports/warnings.py): days, workers, fen.
    WARN_STALE_DAYS = int(os.environ.get("WARN_STALE_DAYS", 10))
    WARN_NO_SESSION_DAYS = int(os.environ.get("WARN_NO_SESSION_DAYS", 7))
    WARN_RECENT_DAYS = int(os.environ.get("WARN_RECENT_DAYS", 30))
    WARN_MANY_WORKERS = int(os.environ.get("WARN_MANY_WORKERS", 5))
    WARN_LARGE_ARREARS_FEN = int(os.environ.get("WARN_LARGE_ARREARS_FEN", 20_000_000))
    WARN_REPEAT_DAYS = int(os.environ.get("WARN_REPEAT_DAYS", 365))
    WARN_REPEAT_CLAIMS = int(os.environ.get("WARN_REPEAT_CLAIMS", 3))
    SQL_ECHO = _flag("SQL_ECHO")

    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none). The
    # access log and security events record the client address they report (werkzeug ProxyFix);
    # with 0 the header is ignored, since a client could forge it.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES") or 0)

    # Retention (mediation/retention.py, docs/retention.md): a closed case is archived (read-only)
    # this many days after closure and anonymised this many years after; a centre may override
    # either.
    ARCHIVE_AFTER_DAYS = int(os.environ.get("ARCHIVE_AFTER_DAYS", 365))
    RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", 10))
    # A form posted after the login expired is kept this long for its author (views/auth.py).
    SAVED_FORM_HOURS = int(os.environ.get("SAVED_FORM_HOURS", 24))

    # Scans attached to cases are stored in the database (mediation.storage). This is where they
    # lived before: `flask --app app migrate-uploads` copies them in. None means instance/uploads.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # per file; MAX_CONTENT_LENGTH bounds the whole request

    # Background jobs (jobs/): Huey over Redis when REDIS_URL is set (production, many nodes),
    # otherwise over an SQLite file under instance/ (one machine: `make run`).
    REDIS_URL = os.environ.get("REDIS_URL")
    JOBS_QUEUE_FILE = os.environ.get("JOBS_QUEUE_FILE")  # None means instance/jobs-queue.sqlite3
    JOB_EXPORT_ROWS = int(os.environ.get("JOB_EXPORT_ROWS", 20_000))  # larger exports: a job
    # Ledger uploads with more data rows: preview and import run as jobs.
    JOB_IMPORT_ROWS = int(os.environ.get("JOB_IMPORT_ROWS", 5_000))
    JOB_DUE_HOUR = int(os.environ.get("JOB_DUE_HOUR", 6))  # local hour of the daily due job
    JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", 120))  # no heartbeat: requeue
    JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", 3))
    # The time a job's effect may take to write (one transaction, no heartbeat meanwhile) before
    # the reaper takes its worker for dead: a 100,000-row ledger import writes for minutes.
    JOB_WRITE_SECONDS = int(os.environ.get("JOB_WRITE_SECONDS", 900))
    JOB_KEEP_DAYS = int(os.environ.get("JOB_KEEP_DAYS", 7))  # a built file is kept this long
    JOB_PROGRESS_SECONDS = 0.5  # progress (and the heartbeat) written at most this often
