"""One engine per process, one SQLModel Session per request (flaskr's get_db/close_db).

A request's session carries where the request came from (mediation.logs.Origin), which the
access log and the security events record; behind a reverse proxy set TRUSTED_PROXIES so that
`remote_addr` is the client's address (app.register_proxy)."""

from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine
from sqlmodel import Session

from mediation.logs import Origin, set_origin
from models.db import make_engine


class Database:
    """Holds the app's engine and makes sessions; tests swap `session_factory` to wrap each
    test in a transaction that is rolled back."""

    def __init__(self, app: Flask):
        self.engine: Engine = make_engine(app.config["DATABASE_URL"], app.config["SQL_ECHO"])
        self.session_factory: Callable[[], Session] = self._new_session
        app.extensions["database"] = self
        app.teardown_appcontext(_close_db)

    def _new_session(self) -> Session:
        session = Session(self.engine, expire_on_commit=False)
        writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        if self.engine.dialect.name == "sqlite" and writing:
            # Writers take SQLite's write lock when they begin (see models.db).
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        return session


def database() -> Database:
    return current_app.extensions["database"]


def get_db() -> Session:
    if "db" not in g:
        g.db = database().session_factory()
        if has_request_context():
            set_origin(g.db, Origin.of(request.remote_addr, request.user_agent.string))
    return g.db


def _close_db(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()
