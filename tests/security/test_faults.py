"""Faults: the database goes away and comes back; a commit fails half way."""

import contextlib
import socket
import threading

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select

from app import create_app
from conftest import BACKENDS, csrf_from, fresh_database
from mediation.reference.accounts import create_user
from mediation.reference.districts import load_reference_data
from models import AuditEvent, Case
from models.db import make_engine, upgrade


class FlakyProxy:
    """A TCP proxy to the database that the test can cut and restore, so that only the app's
    connections see the outage (the suite's own connections go straight to the server)."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, destination):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.up = False
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.sockets.clear()

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_database_outage_is_reported_and_the_app_recovers(tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        upgrade(url)
        parsed = make_url(url)
        proxy = FlakyProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
        proxied = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": proxied})
        client = app.test_client()
        try:
            assert client.get("/healthz").status_code == 200
            proxy.cut()
            assert client.get("/healthz").status_code == 503
            assert client.get("/healthz").get_json()["database"] == "unreachable"
            proxy.restore()
            assert client.get("/healthz").status_code == 200  # no restart needed
            assert client.get("/login").status_code == 200
        finally:
            proxy.close()
            app.extensions["database"].engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_failed_commit_shows_an_error_and_writes_nothing(backend, tmp_path, monkeypatch):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            create_user(session, "m", "secret-2026-tests", "mediator", "NH-LS")
            session.commit()
        # Not TESTING: errors must reach the user as the 500 page, as in production.
        app = create_app({"SECRET_KEY": "x", "DATABASE_URL": url, "WTF_CSRF_ENABLED": True})
        client = app.test_client()
        token = csrf_from(client, "/login")
        client.post(
            "/login", data={"username": "m", "password": "secret-2026-tests", "csrf_token": token}
        )
        token = csrf_from(client, "/cases/new")

        def failing_commit(self):
            raise OperationalError("COMMIT", {}, Exception("injected: connection lost"))

        monkeypatch.setattr(Session, "commit", failing_commit)
        response = client.post(
            "/cases/new",
            data={
                "csrf_token": token,
                "channel": "现场申请",
                "application_form": "written",
                "received_on": "2026-11-20",
                "category": "劳动报酬",
                "employer_name": "某公司",
                "claim_kind_1": "工资",
                "workers-0-name": "甲",
                "workers-0-id_type": "resident",
                "workers-0-amount_1": "1000",
                "save": "1",
            },
        )
        monkeypatch.undo()
        assert response.status_code == 500
        assert "您的操作未保存" in response.get_data(as_text=True)
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(Case)).one() == 0
            assert session.exec(select(func.count()).select_from(AuditEvent)).one() == 0
        app.extensions["database"].engine.dispose()
        engine.dispose()
