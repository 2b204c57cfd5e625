"""Two app nodes (gunicorn on two ports) on one PostgreSQL, with Redis and a worker: a login on
A is good on B, a scan uploaded on A downloads on B, an export asked on A shows its progress
and downloads on B; a ledger uploaded on A is previewed and confirmed on B, B is killed while
the import runs, and the worker's import lands exactly once, its result shown on A."""

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
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from bench.common import generate_cases
from bench.ledger_bench import generate_rows, write_csv
from conftest import PDF, fresh_database
from mediation.reference.accounts import create_user
from mediation.reference.districts import load_reference_data
from models import Attachment, AuditEvent, Case, CaseStatus, Centre, LedgerUpload
from models.db import make_engine, upgrade

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not (REDIS_URL and os.environ.get("TEST_DATABASE_URL")),
    reason="two nodes need PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL",
)
ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "secret-2026-tests"
LEDGER_ROWS = 10_000


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
            create_user(
                session, "twonodes-sup", PASSWORD, "centre_supervisor", centre_code=centre.code
            )
            session.commit()
            case_id = case.id
            centre_names = {centre.code: centre.short_name}
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": uuid.uuid4().hex,  # the same on both nodes
            "JOB_EXPORT_ROWS": "1",
            "JOB_IMPORT_ROWS": "100",
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
                "centres": centre_names,
                "processes": processes,
            }
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
            engine.dispose()


def token_on(opener, url: str) -> str:
    return CSRF.search(opener.open(url).read().decode()).group(1)


def multipart(
    fields: dict[str, str],
    name: str,
    filename: str,
    data: bytes,
    media_type: str = "application/pdf",
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {media_type}\r\n\r\n".encode()
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


def login(browser, node: str, username: str) -> None:
    token = token_on(browser, f"{node}/login")
    fields = {"username": username, "password": PASSWORD, "csrf_token": token}
    browser.open(f"{node}/login", data=urllib.parse.urlencode(fields).encode())


def wait_for(browser, node: str, job_path: str, until, seconds: float = 180) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress = json.loads(browser.open(f"{node}{job_path}/progress").read())
        if until(progress):
            return progress
        time.sleep(0.1)
    raise AssertionError(f"{job_path}: {progress}")


def test_a_ledger_import_started_on_a_killed_node_lands_once(nodes, tmp_path):
    a, b = nodes["a"], nodes["b"]
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login(browser, a, "twonodes-sup")
    rows = generate_rows(
        LEDGER_ROWS,
        nodes["centres"],
        [],
        seed=16,
        first_day=date(2015, 1, 5),
        last_day=date(2016, 12, 30),
    )  # fmt: skip  (years the generated cases do not reach)
    content = write_csv(tmp_path / "两节点台账.csv", rows).read_bytes()
    body, content_type = multipart(
        {"csrf_token": token_on(browser, f"{a}/ledger/")}, "file", "两节点台账.csv", content,
        "text/csv",
    )  # fmt: skip
    uploaded = browser.open(
        urllib.request.Request(f"{a}/ledger/", data=body, headers={"Content-Type": content_type})
    )
    preview_job = urllib.parse.urlparse(uploaded.geturl()).path  # the preview job, on A
    assert preview_job.startswith("/jobs/")
    checked = wait_for(browser, b, preview_job, lambda p: p["finished"])
    assert checked["state"] == "done", checked
    preview = browser.open(f"{b}{preview_job}")  # B's job page leads to the preview
    page = preview.read().decode()
    assert f"确认导入 {LEDGER_ROWS:,} 件案件" in page or f"确认导入 {LEDGER_ROWS} 件案件" in page
    preview_url = preview.geturl()
    confirm = urllib.parse.urlencode({"csrf_token": CSRF.search(page).group(1)}).encode()
    started = browser.open(f"{preview_url}/confirm", data=confirm)
    import_job = urllib.parse.urlparse(started.geturl()).path  # started on B
    assert import_job.startswith("/jobs/") and import_job != preview_job

    moving = wait_for(browser, a, import_job, lambda p: p["rows_done"] > 0 or p["finished"])
    nodes["processes"][1].kill()  # node B, which started the import, dies mid-way
    nodes["processes"][1].wait(timeout=30)
    assert not moving["finished"], "the import ended before node B could be killed"

    done = wait_for(browser, a, import_job, lambda p: p["finished"])
    assert done["state"] == "done" and done["rows_done"] == LEDGER_ROWS, done
    landed = browser.open(f"{a}{import_job}")  # the job page leads to the import's summary
    assert landed.geturl().endswith("/cases/")
    assert f"已从「两节点台账.csv」导入 {LEDGER_ROWS} 件案件" in landed.read().decode()
    with Session(nodes["engine"]) as session:
        imported = session.exec(
            select(func.count()).select_from(Case).where(Case.imported_from == "两节点台账.csv")
        ).one()
        events = session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import")
        ).one()
        upload = session.exec(select(LedgerUpload)).one()
    assert imported == events == LEDGER_ROWS  # exactly once
    assert upload.status == "imported"
