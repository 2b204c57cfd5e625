"""Exports give their database connection back when the response ends, whether the download was
read to the end or abandoned, without waiting for the garbage collector (issue 15: the CSV
export kept one connection per download checked out until a collection ran)."""

import gc
import re

from sqlmodel import Session

from app import create_app
from conftest import PASSWORD, fresh_database
from mediation.reference.accounts import create_user
from mediation.reference.districts import load_reference_data
from models.db import make_engine, upgrade

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def test_200_csv_exports_leave_no_connection_checked_out(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            create_user(session, "exporter", PASSWORD, "centre_supervisor", "NH-LS")
            session.commit()
        engine.dispose()
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
        pool = app.extensions["database"].engine.pool
        client = app.test_client()
        token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
        client.post(
            "/login", data={"username": "exporter", "password": PASSWORD, "csrf_token": token}
        )
        gc.disable()
        try:
            for i in range(200):
                query = "?kind=legal" if i % 4 == 3 else ""
                response = client.get(f"/ledger/export.csv{query}", buffered=False)
                assert response.status_code == 200
                if i % 2:  # abandoned: the client reads one chunk and hangs up
                    next(iter(response.response))
                else:
                    response.get_data()
                response.close()
                assert pool.checkedout() == 0, f"after export {i + 1}"
        finally:
            gc.enable()
            app.extensions["database"].engine.dispose()
