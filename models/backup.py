"""Backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

Restoring replaces every table of the target database with the backup's contents.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be backed up")
    return path


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from an SQLAlchemy URL."""
    parsed = make_url(url)
    args = ["--host", parsed.host or "127.0.0.1", "--port", str(parsed.port or 5432)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    options = parsed.query.get("options")
    if options:
        env["PGOPTIONS"] = options if isinstance(options, str) else options[0]
    args += ["--dbname", parsed.database or "postgres"]
    return args, env


def _schema(url: str) -> str | None:
    options = make_url(url).query.get("options") or ""
    options = options if isinstance(options, str) else options[0]
    for part in options.split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1]
    return None


def create_private(path: Path) -> None:
    """Create (or truncate) the file readable by its owner only, before anything is written to
    it: a backup holds every worker's personal data (encrypted ID numbers and phones aside)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    os.close(descriptor)


def restrict_sqlite_files(url: str) -> None:
    """The SQLite database and its WAL files readable by their owner only (files made before
    the app set its umask were 0644)."""
    path = Path(_sqlite_path(url))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists():
            os.chmod(name, 0o600)


def backup(url: str, destination: str) -> Path:
    """Write a consistent copy of the database to `destination` while the app keeps running."""
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    create_private(target)
    if url.startswith("sqlite"):
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    args, env = _pg_args(url)
    schema = _schema(url)
    command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args]
    if schema:
        command += ["--schema", schema]
    subprocess.run(command, check=True, env={**os.environ, **env}, capture_output=True)
    return target


def restore(url: str, source: str) -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if not Path(source).exists():
        raise FileNotFoundError(source)
    if url.startswith("sqlite"):
        with sqlite3.connect(source) as backup_db, sqlite3.connect(_sqlite_path(url)) as live:
            backup_db.backup(live)
        return
    args, env = _pg_args(url)
    command = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        *args,
        source,
    ]
    subprocess.run(command, check=True, env={**os.environ, **env}, capture_output=True)
