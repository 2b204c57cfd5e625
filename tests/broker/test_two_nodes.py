"""Two app nodes (gunicorn on two ports) on one PostgreSQL, with Redis and a worker: a login on
A is good on B, a scan uploaded on A downloads on B, an export asked on A shows its progress
and downloads on B."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bench.common import generate_cases
from conftest import PDF, fresh_database
from mediation.reference.accounts import create_user
from mediation.reference.districts import load_reference_data
from models import Attachment, Case, CaseStatus, Centre
from models.db import make_engine, upgrade

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not (REDIS_URL and os.environ.get("TEST_DATABASE_URL")),
    reason="two nodes need PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL",
)
ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "secret-2026-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict, port: int | None = None) -> subprocess.Popen:
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(150 if port else 0):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    return process


@pytest.fixture
def nodes(tmp_path):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with fresh_database("postgresql", tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            session.commit()
        generate_cases(url, 60)
        with Session(engine) as session:
            case = session.exec(
                select(Case).where(Case.status == CaseStatus.IN_MEDIATION.value).order_by(Case.id)
            ).first()
            centre = session.get(Centre, case.centre_id)
            create_user(session, "twonodes", PASSWORD, "mediator", centre_code=centre.code)
            session.commit()
            case_id = case.id
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": uuid.uuid4().hex,  # the same on both nodes
            "JOB_EXPORT_ROWS": "1",
        }
        ports = [free_port(), free_port()]
        processes = [
            start(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "app:create_app()",
                ],
                env,
                port,
            )  # fmt: skip
            for port in ports
        ]
        processes.append(start([sys.executable, "-m", "flask", "--app", "app", "worker"], env))
        try:
            yield {
                "a": f"http://127.0.0.1:{ports[0]}",
                "b": f"http://127.0.0.1:{ports[1]}",
                "case_id": case_id,
                "engine": engine,
            }
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
            engine.dispose()


def token_on(opener, url: str) -> str:
    return CSRF.search(opener.open(url).read().decode()).group(1)


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_any_node_serves_any_request(nodes):
    a, b, case_id = nodes["a"], nodes["b"], nodes["case_id"]
    jar = http.cookiejar.CookieJar()  # one browser: the same cookies go to either node
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    login = urllib.parse.urlencode(
        {
            "username": "twonodes",
            "password": PASSWORD,
            "csrf_token": token_on(browser, f"{a}/login"),
        }
    ).encode()
    browser.open(f"{a}/login", data=login)
    on_b = browser.open(f"{b}/cases/")
    assert on_b.status == 200 and not on_b.geturl().endswith("/login")  # A's login, used on B

    body, content_type = multipart(
        {"csrf_token": token_on(browser, f"{a}/cases/{case_id}"), "kind": "signed_agreement"},
        "file", "scan.pdf", PDF,
    )  # fmt: skip
    request = urllib.request.Request(
        f"{a}/cases/{case_id}/attachments/new", data=body, headers={"Content-Type": content_type}
    )
    assert browser.open(request).status == 200
    with Session(nodes["engine"]) as session:
        attachment_id = session.exec(
            select(Attachment.id).where(Attachment.case_id == case_id)
        ).one()
    assert browser.open(f"{b}/cases/{case_id}/attachments/{attachment_id}").read() == PDF

    token = token_on(browser, f"{a}/cases/")
    started = browser.open(
        f"{a}/jobs/ledger-export.csv", data=urllib.parse.urlencode({"csrf_token": token}).encode()
    )
    job_path = urllib.parse.urlparse(started.geturl()).path  # /jobs/<id> on A
    assert job_path.startswith("/jobs/")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = json.loads(browser.open(f"{b}{job_path}/progress").read())
        if progress["finished"]:
            break
        time.sleep(0.2)
    assert progress["state"] == "done" and progress["rows_done"] == progress["rows_total"] > 0
    exported = browser.open(f"{b}{progress['download_url']}").read().decode("utf-8-sig")
    assert exported.count("\n") == progress["rows_total"] + 1
